/* store.c: finding, exporting, importing and opening kept sessions. */
#include "config.h"
#include "session/store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/archive.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/json_parse.h"

#define STORE_NAME_TRIES 1000

/* Parses a format name. */
int session_format_parse(const char *name, enum session_format *out)
{
	static const struct {
		const char *name;
		enum session_format fmt;
	} names[] = {
		{ "tar.gz", SESSION_TAR_GZ }, { "tgz", SESSION_TAR_GZ }, { "gz", SESSION_TAR_GZ },
		{ "tar.xz", SESSION_TAR_XZ }, { "txz", SESSION_TAR_XZ }, { "xz", SESSION_TAR_XZ },
		{ "zip", SESSION_ZIP },
	};
	size_t i;

	for (i = 0; name && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].fmt;
			return 0;
		}
	}
	return -1;
}

/* Length of the archive extension ending name (".tar.gz", ".tar.xz",
 * ".zip"), or 0; its format goes to fmt (may be NULL). */
size_t session_archive_ext(const char *name, enum session_format *fmt)
{
	static const enum session_format all[] = { SESSION_TAR_GZ, SESSION_TAR_XZ, SESSION_ZIP };
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		const char *ext = session_format_ext(all[i]);
		size_t len = strlen(ext);

		if (n > len && strcmp(name + n - len, ext) == 0) {
			if (fmt)
				*fmt = all[i];
			return len;
		}
	}
	return 0;
}

/* Copies src into out; -1 if it does not fit. */
static int store_copy(char *out, size_t n, const char *src)
{
	return snprintf(out, n, "%s", src) >= (int)n ? -1 : 0;
}

/* Finds a session by path, or by name under base. */
int session_resolve(const char *base, const char *what, char *path, size_t n, struct error *e)
{
	static const char *const exts[] = { "", ".tar.gz", ".tar.xz", ".zip" };
	char dir[PATH_MAX], name[PATH_MAX];
	struct stat st;
	size_t i;
	int rc;

	if (what == NULL || what[0] == 0)
		return error_set(e, ERR_ARG, "no session given");
	if (stat(what, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
		return store_copy(path, n, what) < 0 ? error_set(e, ERR_ARG, "path too long") : 0;
	rc = session_base_dir(base, dir, sizeof dir, e);
	if (rc < 0)
		return rc;
	for (i = 0; strchr(what, '/') == NULL && i < sizeof exts / sizeof exts[0]; i++) {
		if (snprintf(name, sizeof name, "%s/%s%s", dir, what, exts[i]) >= (int)sizeof name)
			return error_set(e, ERR_ARG, "path too long: %s/%s", dir, what);
		if (stat(name, &st) == 0 && (i == 0 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
			return store_copy(path, n, name) < 0 ? error_set(e, ERR_ARG, "path too long") : 0;
	}
	return error_set(e, ERR_NOT_FOUND, "no session '%s' (not a path, nor a session in %s)",
			 what, dir);
}

/* The base directory, created if needed. */
static int store_base(const char *base, char *out, size_t n, struct error *e)
{
	int rc = session_base_dir(base, out, n, e);

	return rc < 0 ? rc : fs_mkdir_p(out, 0700, e);
}

/* Writes a manifest for an unfinished session: the old one's fields (or
 * the bare minimum without one), "recovered" with the time, and the file
 * list as the directory holds it now. */
static int store_recovered(const struct session_manifest *m, const char *dir, struct buf *out,
			   struct error *e)
{
	const struct json_value *root = m ? m->priv : NULL;
	char now[32];
	struct json j;
	size_t i;
	int rc;

	json_init(&j, out, true);
	json_obj_begin(&j);
	for (i = 0; i < json_count(root); i++) {
		const struct json_member *mb = &root->members[i];

		if (strcmp(mb->key, "files") == 0 || strcmp(mb->key, "recovered") == 0)
			continue;
		json_key(&j, mb->key);
		json_write_value(&j, mb->value);
	}
	if (root == NULL) {
		json_kv_str(&j, "format", "obdcon-session-1");
		json_kv_str(&j, "program", "obdcon " PACKAGE_VERSION);
		json_kv_bool(&j, "clean", false);
	}
	clock_iso8601(now, sizeof now);
	json_kv_str(&j, "recovered", now);
	rc = session_json_file_list(dir, &j, e);
	json_obj_end(&j);
	return rc;
}

/* Packs a session directory, checked against its manifest first. */
static int store_export_dir(const char *dir, enum session_format fmt, const char *out,
			    struct error *e)
{
	struct session_manifest m;
	struct buf fresh = { 0 };
	bool stale = true, have = false;
	int rc = session_manifest_load(dir, &m, e);

	if (rc == -ERR_NOT_FOUND) {
		rc = 0; /* killed before its first manifest: recompute one */
	} else if (rc == 0) {
		have = true;
		rc = session_manifest_verify(&m, dir, !m.clean, &stale, e);
	}
	if (rc == 0 && stale)
		rc = store_recovered(have ? &m : NULL, dir, &fresh, e);
	if (rc == 0)
		rc = session_pack_as(dir, NULL, stale ? &fresh : NULL, out, fmt, e);
	if (have)
		session_manifest_free(&m);
	buf_free(&fresh);
	return rc;
}

/* Verifies and unpacks an archive privately, then packs it again. */
static int store_export_archive(const char *base, const char *archive, enum session_format fmt,
				const char *out, struct error *e)
{
	struct session_unpacked u;
	char dir[PATH_MAX];
	int rc = store_base(base, dir, sizeof dir, e);

	if (rc == 0)
		rc = session_unpack(archive, dir, ".export-", NULL, false, &u, e);
	if (rc < 0)
		return rc;
	rc = session_pack_as(u.dir, u.top, NULL, out, fmt, e);
	session_unpacked_free(&u);
	return rc;
}

/* src without trailing slashes and, for an archive, without its extension. */
static int store_stem(const char *src, bool is_dir, char *out, size_t n)
{
	size_t len;

	if (store_copy(out, n, src) < 0)
		return -1;
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = 0;
	if (!is_dir)
		out[len - session_archive_ext(out, NULL)] = 0;
	return out[0] ? 0 : -1;
}

/* Where an export goes: out_path, a file inside out_path when it is a
 * directory, or beside the session. */
static int store_out_path(const char *src, bool is_dir, enum session_format fmt,
			  const char *out_path, char *out, size_t n, struct error *e)
{
	char stem[PATH_MAX];
	const char *slash;
	int w;

	if (store_stem(src, is_dir, stem, sizeof stem) < 0)
		return error_set(e, ERR_ARG, "cannot name an archive for '%s'", src);
	slash = strrchr(stem, '/');
	if (out_path && fs_is_dir(out_path))
		w = snprintf(out, n, "%s/%s%s", out_path, slash ? slash + 1 : stem,
			     session_format_ext(fmt));
	else if (out_path)
		w = snprintf(out, n, "%s", out_path);
	else
		w = snprintf(out, n, "%s%s", stem, session_format_ext(fmt));
	if (w < 0 || (size_t)w >= n)
		return error_set(e, ERR_ARG, "path too long: %s", stem);
	if (strcmp(out, src) == 0)
		return error_set(e, ERR_ARG, "%s is already in that format", src);
	if (is_dir && strncmp(out, stem, strlen(stem)) == 0 && out[strlen(stem)] == '/')
		return error_set(e, ERR_ARG, "cannot write %s inside the session it packs", out);
	return 0;
}

/* Packs a session into fmt. */
int session_export(const char *base, const char *session, enum session_format fmt,
		   const char *out_path, char *result, size_t n, struct error *e)
{
	char src[PATH_MAX], out[PATH_MAX];
	bool is_dir;
	int rc;

	if (result && n)
		result[0] = 0;
	rc = session_resolve(base, session, src, sizeof src, e);
	if (rc < 0)
		return rc;
	is_dir = fs_is_dir(src);
	rc = store_out_path(src, is_dir, fmt, out_path, out, sizeof out, e);
	if (rc == 0)
		rc = is_dir ? store_export_dir(src, fmt, out, e)
			    : store_export_archive(base, src, fmt, out, e);
	if (rc < 0)
		return error_wrap(e, "exporting %s", src);
	if (result && n && store_copy(result, n, out) < 0)
		return error_set(e, ERR_ARG, "archive path does not fit: %s", out);
	return 0;
}

/* Moves the unpacked session to base/<top> (or <top>-2, -3...): the name
 * is claimed with mkdir, then the verified tree replaces that empty folder. */
static int store_place(const struct session_unpacked *u, const char *base, char *final,
		       size_t n, struct error *e)
{
	char name[NAME_MAX + 1];
	int i, saved;

	for (i = 1; i <= STORE_NAME_TRIES; i++) {
		if (i == 1)
			snprintf(name, sizeof name, "%s", u->top);
		else
			snprintf(name, sizeof name, "%s-%d", u->top, i);
		if (fs_join(final, n, base, name) < 0)
			return error_set(e, ERR_ARG, "path too long: %s/%s", base, name);
		if (mkdir(final, 0700) < 0) {
			if (errno == EEXIST)
				continue;
			return error_set(e, ERR_IO, "mkdir %s: %s", final, strerror(errno));
		}
		if (rename(u->dir, final) == 0)
			return 0;
		saved = errno;
		rmdir(final);
		return error_set(e, ERR_IO, "rename to %s: %s", final, strerror(saved));
	}
	return error_set(e, ERR_IO, "%s: too many sessions named %s", base, u->top);
}

/* Unpacks an archive into a new session directory, with explicit limits. */
int session_import_with(const char *archive, const char *base, const struct session_limits *lim,
			char *new_dir, size_t n, struct error *e)
{
	struct session_unpacked u;
	char dir[PATH_MAX], final[PATH_MAX];
	int rc;

	if (new_dir && n)
		new_dir[0] = 0;
	rc = store_base(base, dir, sizeof dir, e);
	if (rc == 0)
		rc = session_unpack(archive, dir, ".import-", lim, true, &u, e);
	if (rc < 0)
		return error_wrap(e, "importing %s", archive);
	rc = store_place(&u, dir, final, sizeof final, e);
	session_unpacked_free(&u);
	if (rc < 0)
		return error_wrap(e, "importing %s", archive);
	fs_sync_dir(dir);
	if (new_dir && n && store_copy(new_dir, n, final) < 0)
		return error_set(e, ERR_ARG, "session path does not fit: %s", final);
	return 0;
}

/* Unpacks an archive into a new session directory. */
int session_import(const char *archive, const char *base, char *new_dir, size_t n,
		   struct error *e)
{
	return session_import_with(archive, base, NULL, new_dir, n, e);
}

/* A view with the storage it points into. */
struct store_view {
	struct session_view v; /* first: callers hold a pointer to it */
	struct session_unpacked u;
	char source[PATH_MAX];
};

/* Opens a session directory: its manifest, checked against its files. */
static int store_open_dir(struct store_view *sv, struct error *e)
{
	struct session_manifest *m = &sv->v.manifest;
	int rc = session_manifest_load(sv->source, m, e);

	if (rc == 0)
		rc = session_manifest_verify(m, sv->source, !m->clean, &sv->v.stale, e);
	sv->v.dir = sv->source;
	return rc;
}

/* Opens an archive: verified and unpacked into a private directory. */
static int store_open_archive(const char *base, struct store_view *sv, struct error *e)
{
	char dir[PATH_MAX];
	int rc = store_base(base, dir, sizeof dir, e);

	if (rc == 0)
		rc = session_unpack(sv->source, dir, ".open-", NULL, false, &sv->u, e);
	if (rc < 0)
		return rc;
	sv->v.manifest = sv->u.manifest; /* the view owns it from now on */
	memset(&sv->u.manifest, 0, sizeof sv->u.manifest);
	sv->v.dir = sv->u.dir;
	sv->v.from_archive = true;
	return 0;
}

/* Opens a session read-only. */
int session_open_existing(const char *base, const char *what, struct session_view **out,
			  struct error *e)
{
	struct store_view *sv = calloc(1, sizeof *sv);
	int rc;

	*out = NULL;
	if (sv == NULL)
		return error_set(e, ERR_NOMEM, "session: out of memory");
	sv->v.source = sv->source;
	rc = session_resolve(base, what, sv->source, sizeof sv->source, e);
	if (rc == 0)
		rc = fs_is_dir(sv->source) ? store_open_dir(sv, e) : store_open_archive(base, sv, e);
	if (rc < 0) {
		session_view_close(&sv->v);
		return error_wrap(e, "opening session %s", what);
	}
	*out = &sv->v;
	return 0;
}

/* The manifest's backup of a module's DID. */
const struct session_record *session_view_backup(const struct session_view *v,
						 const char *module, uint16_t did)
{
	size_t i;

	for (i = 0; v && module && i < v->manifest.nbackups; i++) {
		const struct session_record *r = &v->manifest.backups[i];

		if (r->did == did && strcmp(r->module, module) == 0)
			return r;
	}
	return NULL;
}

/* Closes a view, removing its private copy. */
void session_view_close(struct session_view *v)
{
	struct store_view *sv = (struct store_view *)v;

	if (sv == NULL)
		return;
	session_manifest_free(&sv->v.manifest);
	session_unpacked_free(&sv->u);
	free(sv);
}
