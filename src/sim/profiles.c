/* profiles.c: finding simulator profiles. A user's file
 * $XDG_CONFIG_HOME/obdcon/profiles/KIND/NAME.lua wins over the copy built
 * into the binary (profiles_embedded.c, generated from profiles/ by
 * build-aux/embed.sh), so the simulator works without installed data. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/fsutil.h"

/* True if name is a plain profile name: letters, digits, '_', '-', '.'
 * (not first), so it can never leave the profile directory. */
static bool name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > SIM_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* "adapter" for "adapters": the kind in messages. */
static const char *kind_word(const char *kind)
{
	return strcmp(kind, "adapters") == 0 ? "adapter" : "vehicle";
}

/* The user's directory for profiles of a kind; -1 without a home. */
static int user_dir(const char *kind, char *out, size_t n)
{
	char base[PATH_MAX];
	int w;

	if (fs_xdg_config_dir(base, sizeof base) < 0)
		return -1;
	w = snprintf(out, n, "%s/profiles/%s", base, kind);
	return (w < 0 || (size_t)w >= n) ? -1 : 0;
}

/* The built-in profile NAME of a kind, or NULL. */
static const struct sim_embedded *embedded_find(const char *kind, const char *name)
{
	size_t i, kl = strlen(kind), nl = strlen(name);

	for (i = 0; i < sim_embedded_count; i++) {
		const char *p = sim_embedded_profiles[i].path;
		if (strncmp(p, kind, kl) == 0 && p[kl] == '/' && strncmp(p + kl + 1, name, nl) == 0 &&
		    strcmp(p + kl + 1 + nl, ".lua") == 0)
			return &sim_embedded_profiles[i];
	}
	return NULL;
}

/* Names known for a kind, comma separated, for error messages. */
static void known_list(const char *kind, char *out, size_t n)
{
	struct buf b = { 0 }, list = { 0 };
	const char *p, *nl;

	sim_profile_names(kind, &b);
	for (p = buf_str(&b); (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		buf_printf(&list, "%s%.*s", list.len ? ", " : "", (int)(nl - p), p);
	snprintf(out, n, "%s", buf_str(&list));
	buf_free(&b);
	buf_free(&list);
}

/* Loads a built-in profile. */
static int load_embedded(const struct sim_embedded *p, struct sdata *out, char **file,
			 struct error *e)
{
	char label[128];

	snprintf(label, sizeof label, "profiles/%s", p->path);
	*file = strdup(label);
	if (*file == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	return sdata_load_string(label, p->text, p->len, out, e);
}

/* Loads profile NAME of a kind, the user's copy first. */
int sim_profile_load(const char *kind, const char *name, struct sdata *out, char **file,
		     struct error *e)
{
	char dir[PATH_MAX], path[PATH_MAX + SIM_NAME_MAX + 8], known[512];
	const struct sim_embedded *p;

	*file = NULL;
	memset(out, 0, sizeof *out);
	if (!name_ok(name))
		return error_set(e, ERR_ARG, "bad %s profile name \"%s\"", kind_word(kind), name);
	if (user_dir(kind, dir, sizeof dir) == 0) {
		snprintf(path, sizeof path, "%s/%s.lua", dir, name);
		if (fs_is_file(path)) {
			*file = strdup(path);
			if (*file == NULL)
				return error_set(e, ERR_NOMEM, "out of memory");
			return sdata_load_file(path, out, e);
		}
	}
	p = embedded_find(kind, name);
	if (p)
		return load_embedded(p, out, file, e);
	known_list(kind, known, sizeof known);
	return error_set(e, ERR_NOT_FOUND, "no %s profile \"%s\" (known: %s)", kind_word(kind),
			 name, known[0] ? known : "none");
}

/* Adds name to a list of names unless it is there already. */
static int names_add(char ***names, size_t *n, const char *name)
{
	char **p;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return 0;
	p = realloc(*names, (*n + 1) * sizeof *p);
	if (p == NULL)
		return -1;
	*names = p;
	p[*n] = strdup(name);
	if (p[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Adds NAME for every NAME.lua of the user's directory of a kind. */
static void names_from_user(const char *kind, char ***names, size_t *n)
{
	char dir[PATH_MAX], name[SIM_NAME_MAX + 1];
	struct dirent *d;
	DIR *dp;

	if (user_dir(kind, dir, sizeof dir) < 0 || (dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		size_t l = strlen(d->d_name);
		if (l <= 4 || l - 4 > SIM_NAME_MAX || strcmp(d->d_name + l - 4, ".lua") != 0)
			continue;
		memcpy(name, d->d_name, l - 4);
		name[l - 4] = 0;
		if (name_ok(name) && names_add(names, n, name) < 0)
			break;
	}
	closedir(dp);
}

/* Adds the names of the built-in profiles of a kind. */
static void names_from_embedded(const char *kind, char ***names, size_t *n)
{
	char name[SIM_NAME_MAX + 1];
	size_t i, kl = strlen(kind);

	for (i = 0; i < sim_embedded_count; i++) {
		const char *p = sim_embedded_profiles[i].path;
		size_t l = strlen(p);
		if (strncmp(p, kind, kl) != 0 || p[kl] != '/' || l < kl + 5 ||
		    l - kl - 5 > SIM_NAME_MAX)
			continue;
		memcpy(name, p + kl + 1, l - kl - 5);
		name[l - kl - 5] = 0;
		if (names_add(names, n, name) < 0)
			break;
	}
}

/* Orders names alphabetically for qsort. */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Known profile names of a kind, sorted, one per line. */
void sim_profile_names(const char *kind, struct buf *out)
{
	char **names = NULL;
	size_t i, n = 0;

	names_from_embedded(kind, &names, &n);
	names_from_user(kind, &names, &n);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		buf_printf(out, "%s\n", names[i]);
		free(names[i]);
	}
	free(names);
}
