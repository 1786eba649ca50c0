/* list.c: listing the kept sessions (directories and lone archives) for
 * `obdcon sessions`, as a table or as JSON. */
#include "config.h"
#include "session/store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "session/archive.h"
#include "util/fsutil.h"
#include "util/json.h"

#define LIST_KEY_MAX 64

/* strdup that passes NULL through and counts failures. */
static char *list_dup(const char *s, bool *nomem)
{
	char *c;

	if (s == NULL)
		return NULL;
	c = strdup(s);
	if (c == NULL)
		*nomem = true;
	return c;
}

/* Fills what a manifest says into a listing entry. */
static void list_fill(struct session_info *i, const struct session_manifest *m, bool *nomem)
{
	size_t k;

	i->started = list_dup(m->started, nomem);
	i->ended = list_dup(m->ended, nomem);
	i->vin = list_dup(m->vin, nomem);
	i->clean = m->clean && m->ended != NULL;
	i->nbackups = m->nbackups;
	i->nmodules = m->nmodules;
	i->operations = calloc(m->noperations ? m->noperations : 1, sizeof *i->operations);
	if (i->operations == NULL) {
		*nomem = true;
		return;
	}
	for (k = 0; k < m->noperations; k++)
		i->operations[i->noperations++] = list_dup(m->operations[k], nomem);
}

/* Reads a session directory's manifest into a listing entry. */
static void list_dir(struct session_info *i, bool *nomem)
{
	struct session_manifest m;
	struct error e = { 0 };

	if (session_manifest_load(i->path, &m, &e) < 0) {
		i->problem = list_dup(e.text, nomem);
		return;
	}
	list_fill(i, &m, nomem);
	session_manifest_free(&m);
}

/* Reads a lone archive's manifest into a listing entry. */
static void list_archive(struct session_info *i, bool *nomem)
{
	struct session_manifest m;
	struct error e = { 0 };
	struct buf text = { 0 };
	char top[NAME_MAX + 1];
	int rc = session_archive_read(i->archive, NULL, &text, NULL, top, sizeof top, &e);

	if (rc == 0)
		rc = session_manifest_parse((const char *)text.data, text.len, &m, &e);
	buf_free(&text);
	if (rc < 0) {
		i->problem = list_dup(e.text, nomem);
		return;
	}
	list_fill(i, &m, nomem);
	session_manifest_free(&m);
}

/* Frees one listing entry's strings. */
static void list_info_free(struct session_info *i)
{
	size_t k;

	for (k = 0; k < i->noperations; k++)
		free(i->operations[k]);
	free(i->operations);
	free(i->name);
	free(i->path);
	free(i->archive);
	free(i->started);
	free(i->ended);
	free(i->vin);
	free(i->problem);
}

/* Frees a listing. */
void session_list_free(struct session_info *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		list_info_free(&v[i]);
	free(v);
}

/* A growing listing. */
struct list {
	struct session_info *v;
	size_t n;
	bool nomem;
};

/* Appends an empty entry; NULL when out of memory. */
static struct session_info *list_add(struct list *l)
{
	struct session_info *v = realloc(l->v, (l->n + 1) * sizeof *v);

	if (v == NULL) {
		l->nomem = true;
		return NULL;
	}
	l->v = v;
	memset(&v[l->n], 0, sizeof *v);
	return &v[l->n++];
}

/* The entry named name, or NULL. */
static struct session_info *list_find(struct list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* Adds a session directory. */
static void list_add_dir(struct list *l, const char *base, const char *name)
{
	char path[PATH_MAX];
	struct session_info *i;

	if (fs_join(path, sizeof path, base, name) < 0 || (i = list_add(l)) == NULL)
		return;
	i->name = list_dup(name, &l->nomem);
	i->path = list_dup(path, &l->nomem);
	if (i->name == NULL || i->path == NULL)
		return;
	list_dir(i, &l->nomem);
}

/* Adds an archive: to its directory's entry, or as a lone archive. */
static void list_add_archive(struct list *l, const char *base, const char *name, size_t extlen)
{
	char path[PATH_MAX], stem[NAME_MAX + 1];
	struct session_info *i;

	if (fs_join(path, sizeof path, base, name) < 0 || strlen(name) - extlen >= sizeof stem)
		return;
	memcpy(stem, name, strlen(name) - extlen);
	stem[strlen(name) - extlen] = 0;
	i = list_find(l, stem);
	if (i != NULL) {
		if (i->archive == NULL)
			i->archive = list_dup(path, &l->nomem);
		return; /* the directory (or a first archive) describes it */
	}
	i = list_add(l);
	if (i == NULL)
		return;
	i->name = list_dup(stem, &l->nomem);
	i->archive = list_dup(path, &l->nomem);
	if (i->name != NULL && i->archive != NULL)
		list_archive(i, &l->nomem);
}

/* Orders names (for a stable pairing of archives). */
static int list_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names in base, skipping hidden ones (temporary directories). */
static int list_names(const char *base, char ***out, size_t *n, struct error *e)
{
	DIR *d = opendir(base);
	struct dirent *de;
	char **v = NULL, **grown;

	*out = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : error_set(e, ERR_IO, "%s: %s", base, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		grown = realloc(v, (*n + 1) * sizeof *v);
		if (grown == NULL || (grown[*n] = strdup(de->d_name)) == NULL) {
			v = grown ? grown : v;
			break;
		}
		v = grown;
		(*n)++;
	}
	closedir(d);
	*out = v;
	if (de != NULL)
		return error_set(e, ERR_NOMEM, "listing sessions: out of memory");
	qsort(v, *n, sizeof *v, list_name_cmp);
	return 0;
}

/* Sort key of an entry: its start time, else one read from a name like
 * 20261127-224318..., else the name. */
static void list_key(const struct session_info *i, char *out, size_t n)
{
	const char *s = i->name;
	size_t k;

	if (i->started) {
		snprintf(out, n, "%s", i->started);
		return;
	}
	for (k = 0; k < 15; k++)
		if (k == 8 ? s[k] != '-' : (s[k] < '0' || s[k] > '9'))
			break;
	if (k == 15)
		snprintf(out, n, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", s, s + 4, s + 6, s + 9, s + 11,
			 s + 13);
	else
		snprintf(out, n, "%s", s);
}

/* Orders entries by start time, then by name. */
static int list_cmp(const void *a, const void *b)
{
	const struct session_info *x = a, *y = b;
	char kx[LIST_KEY_MAX], ky[LIST_KEY_MAX];
	int c;

	list_key(x, kx, sizeof kx);
	list_key(y, ky, sizeof ky);
	c = strcmp(kx, ky);
	return c ? c : strcmp(x->name, y->name);
}

/* Fills the listing from the sorted names: directories first, then archives. */
static void list_scan(struct list *l, const char *base, char **names, size_t n)
{
	struct stat st;
	char path[PATH_MAX];
	size_t i, ext;

	for (i = 0; i < n; i++)
		if (fs_join(path, sizeof path, base, names[i]) == 0 && lstat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			list_add_dir(l, base, names[i]);
	for (i = 0; i < n; i++) {
		ext = session_archive_ext(names[i], NULL);
		if (ext && fs_join(path, sizeof path, base, names[i]) == 0 &&
		    lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			list_add_archive(l, base, names[i], ext);
	}
}

/* Lists the sessions under base, sorted by start time. */
int session_list(const char *base, struct session_info **out, size_t *n, struct error *e)
{
	struct list l = { 0 };
	char dir[PATH_MAX], **names = NULL;
	size_t nnames = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = session_base_dir(base, dir, sizeof dir, e);
	if (rc == 0)
		rc = list_names(dir, &names, &nnames, e);
	if (rc == 0)
		list_scan(&l, dir, names, nnames);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && l.nomem)
		rc = error_set(e, ERR_NOMEM, "listing sessions: out of memory");
	if (rc < 0) {
		session_list_free(l.v, l.n);
		return rc;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, list_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
}

/* Short description of what was done in a session. */
const char *session_info_what(const struct session_info *s, char *out, size_t n)
{
	size_t i, used = 0;
	int w;

	out[0] = 0;
	for (i = 0; i < s->noperations && used < n; i++) {
		w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", s->operations[i]);
		used += w > 0 ? (size_t)w : 0;
	}
	if (s->nbackups && used < n)
		snprintf(out + used, n - used, used ? " (%zu backup%s)" : "%zu backup%s",
			 s->nbackups, s->nbackups == 1 ? "" : "s");
	else if (used == 0)
		snprintf(out, n, "%s", s->problem ? "?" : s->nmodules ? "scan only" : "nothing read");
	return out;
}

/* Appends the listing as JSON. */
void session_list_json(const struct session_info *v, size_t n, struct buf *out)
{
	struct json j;
	size_t i, k;

	json_init(&j, out, true);
	json_obj_begin(&j);
	json_key(&j, "sessions");
	json_arr_begin(&j);
	for (i = 0; i < n; i++) {
		json_obj_begin(&j);
		json_kv_str(&j, "name", v[i].name);
		json_kv_str(&j, "path", v[i].path);
		json_kv_str(&j, "started", v[i].started);
		json_kv_str(&j, "ended", v[i].ended);
		json_kv_str(&j, "vin", v[i].vin);
		json_kv_bool(&j, "clean", v[i].clean);
		json_key(&j, "operations");
		json_arr_begin(&j);
		for (k = 0; k < v[i].noperations; k++)
			json_str(&j, v[i].operations[k]);
		json_arr_end(&j);
		json_kv_str(&j, "archive", v[i].archive);
		json_kv_int(&j, "backups", (long long)v[i].nbackups);
		json_kv_int(&j, "modules", (long long)v[i].nmodules);
		json_kv_str(&j, "problem", v[i].problem);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
}

/* Where a session is kept: "dir", "dir, tar.gz", "tar.gz". */
static void list_stored(const struct session_info *s, char *out, size_t n)
{
	size_t ext = s->archive ? session_archive_ext(s->archive, NULL) : 0;
	const char *kind = ext ? s->archive + strlen(s->archive) - ext + 1 : "";

	snprintf(out, n, "%s%s%s", s->path ? "dir" : "", s->path && ext ? ", " : "", kind);
}

/* Appends the listing as a table. */
void session_list_text(const struct session_info *v, size_t n, struct buf *out)
{
	char what[256], stored[32], when[20];
	int width = 4;
	size_t i;

	if (n == 0) {
		buf_puts(out, "no sessions\n");
		return;
	}
	for (i = 0; i < n; i++) {
		int w = (int)strlen(session_info_what(&v[i], what, sizeof what));

		width = w > width ? w : width;
	}
	buf_printf(out, "%-19s  %-17s  %-10s  %-*s  %-11s  %s\n", "STARTED", "VIN", "STATE", width,
		   "WHAT", "STORED", "NAME");
	for (i = 0; i < n; i++) {
		const struct session_info *s = &v[i];

		snprintf(when, sizeof when, "%s", s->started ? s->started : "-");
		if (strlen(when) > 10 && when[10] == 'T')
			when[10] = ' ';
		list_stored(s, stored, sizeof stored);
		buf_printf(out, "%-19s  %-17s  %-10s  %-*s  %-11s  %s\n", when, s->vin ? s->vin : "-",
			   s->problem ? "unreadable" : s->clean ? "clean" : "unfinished", width,
			   session_info_what(s, what, sizeof what), stored, s->name);
	}
}

/* Prints the listing as JSON or as a table. */
int session_list_print(FILE *f, const struct session_info *v, size_t n, bool json)
{
	struct buf out = { 0 };
	int rc = 0;

	if (json)
		session_list_json(v, n, &out);
	else
		session_list_text(v, n, &out);
	if (out.len && fwrite(out.data, 1, out.len, f) != out.len)
		rc = -1;
	buf_free(&out);
	return rc;
}
