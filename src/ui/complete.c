/* complete.c: Tab completion of file paths. */
#include "config.h"
#include "ui/complete.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fsutil.h"

#define NAME_CAP 4096

/* The directory to list and the typed start of the name, from text;
 * "~/" becomes $HOME. dir_shown is the directory part as typed. */
static void split_path(const char *text, char *dir, size_t dn, char *shown, size_t sn,
		       const char **name)
{
	const char *slash = strrchr(text, '/');
	const char *home = getenv("HOME");
	size_t len = slash ? (size_t)(slash - text) + 1 : 0;

	*name = slash ? slash + 1 : text;
	snprintf(shown, sn, "%.*s", (int)len, text);
	if (len == 0)
		snprintf(dir, dn, ".");
	else if (strncmp(text, "~/", 2) == 0 && home)
		snprintf(dir, dn, "%s/%.*s", home, (int)(len - 2), text + 2);
	else
		snprintf(dir, dn, "%.*s", (int)len, text);
}

/* True when entry name of dir is a directory (links followed). */
static bool entry_is_dir(const char *dir, const char *name)
{
	char path[NAME_CAP];
	struct stat st;

	if (fs_join(path, sizeof path, dir, name) < 0)
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Orders names for the candidate list. */
static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Length of the common start of a and b. */
static size_t common(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* The path typed with a leading "~/" made absolute from $HOME. */
void ui_expand_home(const char *text, char *out, size_t n)
{
	const char *home = getenv("HOME");

	if (strncmp(text, "~/", 2) == 0 && home && home[0])
		snprintf(out, n, "%s/%s", home, text + 2);
	else
		snprintf(out, n, "%s", text);
}

/* Completes the path typed in text. */
size_t ui_complete_path(const char *text, char *out, size_t n, struct ui_lines *matches)
{
	char dir[NAME_CAP], shown[NAME_CAP], first[NAME_CAP] = "", cand[NAME_CAP];
	const char *name;
	struct dirent *de;
	size_t count = 0, plen, keep = 0;
	DIR *d;

	if (matches)
		ui_lines_free(matches);
	snprintf(out, n, "%s", text);
	split_path(text, dir, sizeof dir, shown, sizeof shown, &name);
	plen = strlen(name);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, name, plen) != 0 || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 || (de->d_name[0] == '.' && name[0] != '.'))
			continue;
		snprintf(cand, sizeof cand, "%s%s", de->d_name,
			 entry_is_dir(dir, de->d_name) ? "/" : "");
		if (count++ == 0) {
			snprintf(first, sizeof first, "%s", cand);
			keep = strlen(first);
		} else {
			keep = common(first, cand) < keep ? common(first, cand) : keep;
		}
		if (matches)
			ui_lines_add(matches, cand);
	}
	closedir(d);
	if (matches && matches->n > 1)
		qsort(matches->v, matches->n, sizeof *matches->v, by_name);
	if (count > 0)
		snprintf(out, n, "%s%.*s", shown, (int)keep, first);
	return count;
}
