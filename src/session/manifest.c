/* manifest.c: reading manifest.json back into a checked structure, and
 * checking a session directory against it. */
#include "config.h"
#include "session/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/archive.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/json_parse.h"
#include "util/sha256.h"

#define MF_FORMAT "obdcon-session-1"
#define MF_CHUNK ((size_t)64 << 10)

/* Allocates a zeroed array of n elements (at least one, so NULL means failure). */
static void *mf_array(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* A string member: *out is NULL when absent or null (allowed unless
 * required); any other type, or a string holding NUL, is refused. */
static int mf_str(const struct json_value *obj, const char *key, bool required,
		  const char **out, const char *where, struct error *e)
{
	const struct json_value *v = json_get(obj, key);

	*out = NULL;
	if (v == NULL || v->type == JSON_NULL) {
		if (required)
			return error_set(e, ERR_FORMAT, "manifest: %s%s: missing", where, key);
		return 0;
	}
	if (v->type != JSON_STRING || strlen(v->str) != v->len)
		return error_set(e, ERR_FORMAT, "manifest: %s%s: not a string", where, key);
	*out = v->str;
	return 0;
}

/* A required integer member within 0..max. */
static int mf_uint(const struct json_value *obj, const char *key, unsigned long long max,
		   unsigned long long *out, const char *where, struct error *e)
{
	long long v;

	if (json_get_int(obj, key, &v) < 0)
		return error_set(e, ERR_FORMAT, "manifest: %s%s: not an integer", where, key);
	if (v < 0 || (unsigned long long)v > max)
		return error_set(e, ERR_FORMAT, "manifest: %s%s: %lld out of range", where, key, v);
	*out = (unsigned long long)v;
	return 0;
}

/* An optional array member: NULL when absent; anything but an array is refused. */
static int mf_list(const struct json_value *root, const char *key,
		   const struct json_value **out, struct error *e)
{
	*out = json_get(root, key);
	if (*out == NULL || json_is(*out, JSON_ARRAY))
		return 0;
	return error_set(e, ERR_FORMAT, "manifest: %s: not an array", key);
}

/* Reads the top-level scalars. */
static int mf_head(const struct json_value *root, struct session_manifest *m, struct error *e)
{
	int rc = mf_str(root, "format", true, &m->format, "", e);

	if (rc == 0 && strcmp(m->format, MF_FORMAT) != 0)
		return error_set(e, ERR_FORMAT, "manifest: unknown format '%s'", m->format);
	if (rc == 0)
		rc = mf_str(root, "program", false, &m->program, "", e);
	if (rc == 0)
		rc = mf_str(root, "started", false, &m->started, "", e);
	if (rc == 0)
		rc = mf_str(root, "ended", false, &m->ended, "", e);
	if (rc == 0)
		rc = mf_str(root, "vin", false, &m->vin, "", e);
	if (rc == 0)
		rc = mf_str(root, "recovered", false, &m->recovered, "", e);
	if (rc == 0 && json_get(root, "clean") && json_get_bool(root, "clean", &m->clean) < 0)
		rc = error_set(e, ERR_FORMAT, "manifest: clean: not a boolean");
	return rc;
}

/* Reads "operations": a list of names. */
static int mf_operations(const struct json_value *root, struct session_manifest *m,
			 struct error *e)
{
	const struct json_value *list;
	size_t i;

	if (mf_list(root, "operations", &list, e) < 0)
		return -ERR_FORMAT;
	m->operations = mf_array(json_count(list), sizeof *m->operations);
	if (m->operations == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	for (i = 0; i < json_count(list); i++) {
		const struct json_value *v = json_at(list, i);

		if (!json_is(v, JSON_STRING) || strlen(v->str) != v->len)
			return error_set(e, ERR_FORMAT, "manifest: operations[%zu]: not a string", i);
		m->operations[m->noperations++] = v->str;
	}
	return 0;
}

/* Reads "info": an object of strings (or nulls). */
static int mf_info(const struct json_value *root, struct session_manifest *m, struct error *e)
{
	const struct json_value *obj = json_get(root, "info");
	size_t i;

	if (obj != NULL && !json_is(obj, JSON_OBJECT))
		return error_set(e, ERR_FORMAT, "manifest: info: not an object");
	m->info = mf_array(json_count(obj), sizeof *m->info);
	if (m->info == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	for (i = 0; i < json_count(obj); i++) {
		const struct json_member *mb = &obj->members[i];
		struct session_pair *p = &m->info[m->ninfo];

		if (strlen(mb->key) != mb->key_len)
			return error_set(e, ERR_FORMAT, "manifest: info: bad key");
		if (mf_str(obj, mb->key, false, &p->value, "info.", e) < 0)
			return -ERR_FORMAT;
		p->key = mb->key;
		m->ninfo++;
	}
	return 0;
}

/* Reads one module object. */
static int mf_module(const struct json_value *o, size_t i, struct session_module *mod,
		     struct error *e)
{
	unsigned long long tx = 0, rx = 0;
	char where[48];
	int rc;

	snprintf(where, sizeof where, "modules[%zu].", i);
	if (!json_is(o, JSON_OBJECT))
		return error_set(e, ERR_FORMAT, "manifest: modules[%zu]: not an object", i);
	rc = mf_str(o, "id", true, &mod->id, where, e);
	if (rc == 0)
		rc = mf_str(o, "name", false, &mod->name, where, e);
	if (rc == 0)
		rc = mf_str(o, "part", false, &mod->part, where, e);
	if (rc == 0)
		rc = mf_str(o, "sw", false, &mod->sw, where, e);
	if (rc == 0)
		rc = mf_str(o, "hw", false, &mod->hw, where, e);
	if (rc == 0)
		rc = mf_uint(o, "tx", UINT32_MAX, &tx, where, e);
	if (rc == 0)
		rc = mf_uint(o, "rx", UINT32_MAX, &rx, where, e);
	mod->tx = (uint32_t)tx;
	mod->rx = (uint32_t)rx;
	return rc;
}

/* Reads "modules". */
static int mf_modules(const struct json_value *root, struct session_manifest *m,
		      struct error *e)
{
	const struct json_value *list;
	size_t i;

	if (mf_list(root, "modules", &list, e) < 0)
		return -ERR_FORMAT;
	m->modules = mf_array(json_count(list), sizeof *m->modules);
	if (m->modules == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	for (i = 0; i < json_count(list); i++) {
		if (mf_module(json_at(list, i), i, &m->modules[i], e) < 0)
			return -ERR_FORMAT;
		m->nmodules++;
	}
	return 0;
}

/* Decodes a backup's hex data, which must hold exactly len bytes. */
static int mf_data(const char *hex, size_t len, uint8_t **out, const char *where,
		   struct error *e)
{
	*out = malloc(len ? len : 1);
	if (*out == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	if (strlen(hex) != 2 * len || hex_decode(hex, *out, len) != (long)len)
		return error_set(e, ERR_FORMAT, "manifest: %sdata: not %zu bytes of hex", where, len);
	return 0;
}

/* Reads the fields of one backup object. */
static int mf_backup_fields(const struct json_value *o, struct session_record *r,
			    const char *where, unsigned long long *len, const char **hex,
			    struct error *e)
{
	unsigned long long tx = 0, rx = 0, did = 0;
	int rc = mf_str(o, "module", true, &r->module, where, e);

	if (rc == 0)
		rc = mf_str(o, "file", false, &r->file, where, e);
	if (rc == 0 && r->file && !session_rel_ok(r->file))
		rc = error_set(e, ERR_FORMAT, "manifest: %sfile: unsafe path '%s'", where, r->file);
	if (rc == 0)
		rc = mf_uint(o, "tx", UINT32_MAX, &tx, where, e);
	if (rc == 0)
		rc = mf_uint(o, "rx", UINT32_MAX, &rx, where, e);
	if (rc == 0)
		rc = mf_uint(o, "did", 0xFFFF, &did, where, e);
	if (rc == 0)
		rc = mf_uint(o, "length", SESSION_MANIFEST_LIMIT / 2, len, where, e);
	if (rc == 0)
		rc = mf_str(o, "data", true, hex, where, e);
	r->tx = (uint32_t)tx;
	r->rx = (uint32_t)rx;
	r->did = (uint16_t)did;
	return rc;
}

/* Reads one backup object, decoding its data. */
static int mf_backup(const struct json_value *o, size_t i, struct session_record *r,
		     struct error *e)
{
	unsigned long long len = 0;
	const char *hex = NULL;
	uint8_t *data = NULL;
	char where[48];

	snprintf(where, sizeof where, "backups[%zu].", i);
	if (!json_is(o, JSON_OBJECT))
		return error_set(e, ERR_FORMAT, "manifest: backups[%zu]: not an object", i);
	if (mf_backup_fields(o, r, where, &len, &hex, e) < 0)
		return -(int)e->kind;
	if (mf_data(hex, (size_t)len, &data, where, e) < 0) {
		free(data);
		return -(int)e->kind;
	}
	r->data = data;
	r->len = (size_t)len;
	return 0;
}

/* Reads "backups". */
static int mf_backups(const struct json_value *root, struct session_manifest *m,
		      struct error *e)
{
	const struct json_value *list;
	size_t i;

	if (mf_list(root, "backups", &list, e) < 0)
		return -ERR_FORMAT;
	m->backups = mf_array(json_count(list), sizeof *m->backups);
	if (m->backups == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	for (i = 0; i < json_count(list); i++) {
		if (mf_backup(json_at(list, i), i, &m->backups[i], e) < 0)
			return -(int)e->kind;
		m->nbackups++;
	}
	return 0;
}

/* True if s is 64 lower-case hex digits. */
static bool mf_is_sha(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return s[64] == 0;
}

/* Reads one file object. */
static int mf_file(const struct json_value *o, size_t i, struct session_file *f,
		   struct error *e)
{
	unsigned long long size = 0;
	char where[48];
	int rc;

	snprintf(where, sizeof where, "files[%zu].", i);
	if (!json_is(o, JSON_OBJECT))
		return error_set(e, ERR_FORMAT, "manifest: files[%zu]: not an object", i);
	rc = mf_str(o, "path", true, &f->path, where, e);
	if (rc == 0 && (!session_rel_ok(f->path) || strcmp(f->path, SESSION_MANIFEST_NAME) == 0))
		rc = error_set(e, ERR_FORMAT, "manifest: %spath: refused path '%s'", where, f->path);
	if (rc == 0)
		rc = mf_uint(o, "size", (unsigned long long)INT64_MAX, &size, where, e);
	if (rc == 0)
		rc = mf_str(o, "sha256", true, &f->sha256, where, e);
	if (rc == 0 && !mf_is_sha(f->sha256))
		rc = error_set(e, ERR_FORMAT, "manifest: %ssha256: not a SHA-256 in hex", where);
	f->size = size;
	return rc;
}

/* Orders files by path. */
static int mf_file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct session_file *)a)->path, ((const struct session_file *)b)->path);
}

/* Reads "files", sorted by path; a path listed twice is refused. */
static int mf_files(const struct json_value *root, struct session_manifest *m, struct error *e)
{
	const struct json_value *list;
	size_t i;

	if (mf_list(root, "files", &list, e) < 0)
		return -ERR_FORMAT;
	m->files = mf_array(json_count(list), sizeof *m->files);
	if (m->files == NULL)
		return error_set(e, ERR_NOMEM, "manifest: out of memory");
	for (i = 0; i < json_count(list); i++) {
		if (mf_file(json_at(list, i), i, &m->files[i], e) < 0)
			return -ERR_FORMAT;
		m->nfiles++;
	}
	qsort(m->files, m->nfiles, sizeof *m->files, mf_file_cmp);
	for (i = 1; i < m->nfiles; i++)
		if (strcmp(m->files[i - 1].path, m->files[i].path) == 0)
			return error_set(e, ERR_FORMAT, "manifest: '%s' listed twice", m->files[i].path);
	return 0;
}

/* Each backup's data must be what its listed file holds. */
static int mf_check_backups(const struct session_manifest *m, struct error *e)
{
	const struct session_file *f;
	char hex[65];
	size_t i;

	for (i = 0; i < m->nbackups; i++) {
		const struct session_record *r = &m->backups[i];

		if (r->file == NULL || (f = session_manifest_file(m, r->file)) == NULL)
			continue;
		sha256_hex(r->data, r->len, hex);
		if (f->size != r->len || strcmp(hex, f->sha256) != 0)
			return error_set(e, ERR_VERIFY,
					 "manifest: backup %s DID %04X: its data differs from %s",
					 r->module, r->did, r->file);
	}
	return 0;
}

/* Parses and checks a manifest. */
int session_manifest_parse(const char *text, size_t len, struct session_manifest *m,
			   struct error *e)
{
	struct json_limits lim = { .max_size = SESSION_MANIFEST_LIMIT,
				   .max_string = SESSION_MANIFEST_LIMIT };
	struct json_value *root = NULL;
	int rc;

	memset(m, 0, sizeof *m);
	rc = json_parse(text, len, &lim, &root, e);
	if (rc < 0)
		return error_wrap(e, "manifest");
	m->priv = root;
	if (!json_is(root, JSON_OBJECT))
		rc = error_set(e, ERR_FORMAT, "manifest: not a JSON object");
	if (rc == 0)
		rc = mf_head(root, m, e);
	if (rc == 0)
		rc = mf_operations(root, m, e);
	if (rc == 0)
		rc = mf_info(root, m, e);
	if (rc == 0)
		rc = mf_modules(root, m, e);
	if (rc == 0)
		rc = mf_backups(root, m, e);
	if (rc == 0)
		rc = mf_files(root, m, e);
	if (rc == 0)
		rc = mf_check_backups(m, e);
	if (rc < 0)
		session_manifest_free(m);
	return rc;
}

/* Reads and parses dir/manifest.json. */
int session_manifest_load(const char *dir, struct session_manifest *m, struct error *e)
{
	struct buf text = { 0 };
	char path[PATH_MAX];
	int rc;

	memset(m, 0, sizeof *m);
	if (fs_join(path, sizeof path, dir, SESSION_MANIFEST_NAME) < 0)
		return error_set(e, ERR_ARG, "path too long: %s", dir);
	rc = fs_read_file(path, &text, SESSION_MANIFEST_LIMIT, e);
	if (rc == 0)
		rc = session_manifest_parse((const char *)text.data, text.len, m, e);
	buf_free(&text);
	return rc < 0 ? error_wrap(e, "%s", dir) : 0;
}

/* Frees a manifest. */
void session_manifest_free(struct session_manifest *m)
{
	size_t i;

	for (i = 0; m->backups && i < m->nbackups; i++)
		free((void *)m->backups[i].data);
	free(m->operations);
	free(m->info);
	free(m->modules);
	free(m->backups);
	free(m->files);
	json_value_free(m->priv);
	memset(m, 0, sizeof *m);
}

/* The manifest's entry for a file (files are sorted by path). */
const struct session_file *session_manifest_file(const struct session_manifest *m,
						 const char *path)
{
	struct session_file key = { .path = path };

	if (m->nfiles == 0)
		return NULL;
	return bsearch(&key, m->files, m->nfiles, sizeof key, mf_file_cmp);
}

/* Hashes the first limit bytes of an open file; -1 on a read error or
 * when the file is shorter. */
static int mf_hash_prefix(int fd, uint64_t limit, char hex[65])
{
	uint8_t *chunk = malloc(MF_CHUNK), d[32];
	struct sha256 s;
	uint64_t left = limit;

	if (chunk == NULL)
		return -1;
	sha256_init(&s);
	while (left > 0) {
		ssize_t r = read(fd, chunk, left < MF_CHUNK ? (size_t)left : MF_CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		sha256_update(&s, chunk, (size_t)r);
		left -= (uint64_t)r;
	}
	free(chunk);
	if (left > 0)
		return -1;
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	return 0;
}

/* True if path names a log (which grows while a session runs). */
static bool mf_is_log(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".log") == 0;
}

/* Checks one listed file of dir; sets *grown when a log grew. */
static int mf_verify_file(const struct session_file *f, const char *dir, bool grown_logs,
			  bool *grown, struct error *e)
{
	char path[PATH_MAX], hex[65];
	struct stat st;
	int fd, rc = 0;

	if (fs_join(path, sizeof path, dir, f->path) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", dir, f->path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return error_set(e, ERR_VERIFY, "%s: listed in the manifest but missing", f->path);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		rc = error_set(e, ERR_VERIFY, "%s: not a readable file", f->path);
	else if ((uint64_t)st.st_size != f->size &&
		 !(grown_logs && mf_is_log(f->path) && (uint64_t)st.st_size > f->size))
		rc = error_set(e, ERR_VERIFY, "%s: %lld bytes, the manifest says %llu", f->path,
			       (long long)st.st_size, (unsigned long long)f->size);
	else if (mf_hash_prefix(fd, f->size, hex) < 0)
		rc = error_set(e, ERR_IO, "%s: read error", path);
	else if (strcmp(hex, f->sha256) != 0)
		rc = error_set(e, ERR_VERIFY, "%s: SHA-256 does not match the manifest", f->path);
	else if ((uint64_t)st.st_size != f->size)
		*grown = true;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Finds a regular file of dir that the manifest does not list: *found is
 * set, and with strict it is an error naming the file. */
static int mf_unlisted(const struct session_manifest *m, const char *dir, bool strict,
		       bool *found, struct error *e)
{
	struct session_tree t;
	size_t i;
	int rc = session_tree_list(dir, &t, e);

	for (i = 0; rc == 0 && i < t.n && !*found; i++) {
		if (t.v[i].is_dir || strcmp(t.v[i].rel, SESSION_MANIFEST_NAME) == 0 ||
		    session_manifest_file(m, t.v[i].rel) != NULL)
			continue;
		*found = true;
		if (strict)
			rc = error_set(e, ERR_VERIFY, "%s: not listed in the manifest", t.v[i].rel);
	}
	session_tree_free(&t); /* safe after a failed listing too */
	return rc;
}

/* Checks a session directory against its manifest. */
int session_manifest_verify(const struct session_manifest *m, const char *dir, bool grown_logs,
			    bool *stale, struct error *e)
{
	bool more = false;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < m->nfiles; i++)
		rc = mf_verify_file(&m->files[i], dir, grown_logs, &more, e);
	if (rc == 0 && !more)
		rc = mf_unlisted(m, dir, !grown_logs, &more, e);
	if (stale)
		*stale = more;
	return rc;
}
