/* session.c: the record of one connection: the session directory, its
 * transcript and event logs, backups and manifest. Packing is in archive.c. */
#include "config.h"
#include "session/session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session/archive.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/json.h"

#define SESSION_VIN_MAX 17
#define SESSION_STEM_MAX 64
#define SESSION_NAME_TRIES 1000
#define SESSION_MODULE_NAME_MAX 64
#define SESSION_BACKUP_LIMIT ((size_t)64 << 20)
#define SESSION_MANIFEST SESSION_MANIFEST_NAME

/* One key/value about the connection. */
struct session_kv {
	char *key;
	char *value;
};

/* One module as kept for the manifest (owned copies). */
struct session_mod {
	char *id, *name, *part, *sw, *hw;
	uint32_t tx, rx;
};

/* One backup as kept for the manifest (owned copies). */
struct session_rec {
	char *module;
	char *file; /* relative to the session directory */
	uint32_t tx, rx;
	uint16_t did;
	uint8_t *data;
	size_t len;
};

struct session {
	char base[PATH_MAX];            /* directory holding the sessions */
	char stem[SESSION_STEM_MAX];    /* directory name without the VIN */
	char dir[PATH_MAX];             /* current path; stable storage */
	char started[32];               /* ISO 8601 */
	char *vin;                      /* sanitised, or NULL */
	int tfd, efd;                   /* transcript.log, events.log */
	struct session_kv *info;
	size_t ninfo;
	struct session_mod *mods;
	size_t nmods;
	struct session_rec *recs;
	size_t nrecs;
	char **ops;                     /* what was done: "scan", "coding"... */
	size_t nops;
};

/* Grows an array by one element; NULL when out of memory (array kept). */
static void *session_grow(void *arr, size_t count, size_t size)
{
	return realloc(arr, (count + 1) * size);
}

/* strdup that passes NULL through. */
static char *session_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Writes all of data to fd, resuming after signals and short writes. */
static int session_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Appends bytes escaped so that one record stays on one printable line. */
static void session_escape(struct buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '\\')
			buf_puts(b, "\\\\");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c >= 0x20 && c <= 0x7e)
			buf_putc(b, c);
		else
			buf_printf(b, "\\x%02X", c);
	}
}

/* Writes one record "<time> <prefix><escaped text>\n" with one write(). */
static void session_log_line(int fd, const char *prefix, const uint8_t *p, size_t n)
{
	struct buf b = { 0 };
	char ts[32];

	if (fd < 0)
		return;
	clock_iso8601(ts, sizeof ts);
	/* Reserving the worst case up front means no append below can fail. */
	if (n > (BUF_DEFAULT_LIMIT - 128) / 4 || buf_reserve(&b, sizeof ts + 8 + 4 * n) < 0)
		return;
	buf_printf(&b, "%s %s", ts, prefix);
	session_escape(&b, p, n);
	buf_putc(&b, '\n');
	(void)session_write_all(fd, b.data, b.len);
	buf_free(&b);
}

/* The directory holding sessions: base, or the XDG default. */
int session_base_dir(const char *base, char *out, size_t n, struct error *e)
{
	char data[PATH_MAX];

	if (base == NULL) {
		if (fs_xdg_data_dir(data, sizeof data) < 0)
			return error_set(e, ERR_ARG, "no data directory: set XDG_DATA_HOME or HOME");
		if (fs_join(out, n, data, "sessions") < 0)
			return error_set(e, ERR_ARG, "path too long: %s/sessions", data);
		return 0;
	}
	if (snprintf(out, n, "%s", base) >= (int)n)
		return error_set(e, ERR_ARG, "path too long: %s", base);
	return 0;
}

/* Creates the session directory: the start time, with -2, -3... on collision. */
static int session_make_dir(struct session *s, struct error *e)
{
	char stamp[32];
	int i;

	clock_compact(stamp, sizeof stamp);
	for (i = 1; i <= SESSION_NAME_TRIES; i++) {
		if (i == 1)
			snprintf(s->stem, sizeof s->stem, "%s", stamp);
		else
			snprintf(s->stem, sizeof s->stem, "%s-%d", stamp, i);
		if (fs_join(s->dir, sizeof s->dir, s->base, s->stem) < 0)
			return error_set(e, ERR_ARG, "path too long: %s", s->base);
		if (mkdir(s->dir, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return error_set(e, ERR_IO, "mkdir %s: %s", s->dir, strerror(errno));
	}
	return error_set(e, ERR_IO, "%s: too many sessions named %s", s->base, stamp);
}

/* Opens (creating) a log file in the session directory for appending. */
static int session_open_log(struct session *s, const char *name, int *fd, struct error *e)
{
	char path[PATH_MAX];

	if (fs_join(path, sizeof path, s->dir, name) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", s->dir, name);
	*fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (*fd < 0)
		return error_set(e, ERR_IO, "open %s: %s", path, strerror(errno));
	return 0;
}

/* Opens both logs and creates backups/. */
static int session_open_files(struct session *s, struct error *e)
{
	char path[PATH_MAX];
	int rc;

	rc = session_open_log(s, "transcript.log", &s->tfd, e);
	if (rc == 0)
		rc = session_open_log(s, "events.log", &s->efd, e);
	if (rc < 0)
		return rc;
	if (fs_join(path, sizeof path, s->dir, "backups") < 0)
		return error_set(e, ERR_ARG, "path too long: %s/backups", s->dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return error_set(e, ERR_IO, "mkdir %s: %s", path, strerror(errno));
	return 0;
}

/* Closes the log files; -1 if a close failed. */
static int session_close_fds(struct session *s)
{
	int rc = 0;

	if (s->tfd >= 0 && close(s->tfd) < 0)
		rc = -1;
	if (s->efd >= 0 && close(s->efd) < 0)
		rc = -1;
	s->tfd = s->efd = -1;
	return rc;
}

/* Frees one module record's strings. */
static void session_mod_clear(struct session_mod *m)
{
	free(m->id);
	free(m->name);
	free(m->part);
	free(m->sw);
	free(m->hw);
}

/* Frees a session and everything it holds (the logs must be closed). */
static void session_free(struct session *s)
{
	size_t i;

	for (i = 0; i < s->ninfo; i++) {
		free(s->info[i].key);
		free(s->info[i].value);
	}
	for (i = 0; i < s->nmods; i++)
		session_mod_clear(&s->mods[i]);
	for (i = 0; i < s->nrecs; i++) {
		free(s->recs[i].module);
		free(s->recs[i].file);
		free(s->recs[i].data);
	}
	for (i = 0; i < s->nops; i++)
		free(s->ops[i]);
	free(s->ops);
	free(s->info);
	free(s->mods);
	free(s->recs);
	free(s->vin);
	free(s);
}

/* Creates a new session directory with its logs and a first manifest. */
int session_create(const char *base, struct session **out, struct error *e)
{
	struct session *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return error_set(e, ERR_NOMEM, "session: out of memory");
	s->tfd = s->efd = -1;
	clock_iso8601(s->started, sizeof s->started);
	rc = session_base_dir(base, s->base, sizeof s->base, e);
	if (rc == 0)
		rc = fs_mkdir_p(s->base, 0700, e);
	if (rc == 0)
		rc = session_make_dir(s, e);
	if (rc == 0)
		rc = session_open_files(s, e);
	if (rc == 0)
		rc = session_write_manifest(s, false, e);
	if (rc < 0) {
		session_close_fds(s);
		session_free(s);
		return error_wrap(e, "creating session");
	}
	*out = s;
	return 0;
}

/* The session directory's current path. */
const char *session_path(const struct session *s)
{
	return s->dir;
}

/* Appends one transcript line for a chunk of link bytes (a link tap). */
void session_transcript(void *arg, int dir, const uint8_t *data, size_t n)
{
	struct session *s = arg;

	if (s == NULL || data == NULL || n == 0)
		return;
	session_log_line(s->tfd, dir == SESSION_RX ? "RX " : "TX ", data, n);
}

/* Appends one line to events.log. */
void session_event(struct session *s, const char *fmt, ...)
{
	struct buf text = { 0 };
	va_list ap;
	int rc;

	if (s == NULL)
		return;
	va_start(ap, fmt);
	rc = buf_vprintf(&text, fmt, ap);
	va_end(ap);
	if (rc == 0)
		session_log_line(s->efd, "", text.data, text.len);
	buf_free(&text);
}

/* Keeps only [A-Za-z0-9] of a VIN, at most 17 characters; returns the length. */
static size_t session_clean_vin(const char *vin, char out[SESSION_VIN_MAX + 1])
{
	size_t n = 0;

	for (; *vin && n < SESSION_VIN_MAX; vin++) {
		char c = *vin;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = c;
	}
	out[n] = 0;
	return n;
}

/* Renames the directory to <stem>-<vin> (-2, -3... if that name is taken). */
static int session_rename(struct session *s, const char *vin, struct error *e)
{
	char name[SESSION_STEM_MAX + SESSION_VIN_MAX + 16], path[PATH_MAX];
	struct stat st;
	int i;

	for (i = 1; i <= SESSION_NAME_TRIES; i++) {
		if (i == 1)
			snprintf(name, sizeof name, "%s-%s", s->stem, vin);
		else
			snprintf(name, sizeof name, "%s-%s-%d", s->stem, vin, i);
		if (fs_join(path, sizeof path, s->base, name) < 0)
			return error_set(e, ERR_ARG, "path too long: %s/%s", s->base, name);
		if (lstat(path, &st) == 0)
			continue;
		if (errno != ENOENT)
			return error_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		if (rename(s->dir, path) < 0)
			return error_set(e, ERR_IO, "rename %s to %s: %s", s->dir, path,
					 strerror(errno));
		memcpy(s->dir, path, sizeof path);
		fs_sync_dir(s->base);
		return 0;
	}
	return error_set(e, ERR_IO, "%s: too many sessions named %s-%s", s->base, s->stem, vin);
}

/* Records the VIN and renames the directory after it. */
int session_set_vin(struct session *s, const char *vin, struct error *e)
{
	char clean[SESSION_VIN_MAX + 1];
	char *copy;
	int rc;

	if (vin == NULL || session_clean_vin(vin, clean) == 0)
		return error_set(e, ERR_ARG, "bad VIN '%s'", vin ? vin : "");
	if (s->vin && strcmp(s->vin, clean) == 0)
		return 0;
	copy = strdup(clean);
	if (copy == NULL)
		return error_set(e, ERR_NOMEM, "session: out of memory");
	rc = session_rename(s, clean, e);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	free(s->vin);
	s->vin = copy;
	return 0;
}

/* Records a key/value for the manifest, replacing an earlier one. */
void session_set_info(struct session *s, const char *key, const char *value)
{
	struct session_kv *v;
	char *copy, *kcopy;
	size_t i;

	if (s == NULL || key == NULL)
		return;
	copy = session_strdup(value);
	for (i = 0; i < s->ninfo; i++) {
		if (strcmp(s->info[i].key, key) == 0) {
			free(s->info[i].value);
			s->info[i].value = copy;
			return;
		}
	}
	kcopy = strdup(key);
	v = kcopy ? session_grow(s->info, s->ninfo, sizeof *v) : NULL;
	if (v == NULL) {
		free(kcopy);
		free(copy);
		return;
	}
	s->info = v;
	v[s->ninfo].key = kcopy;
	v[s->ninfo].value = copy;
	s->ninfo++;
}

/* Records (or updates, by id) a module for the manifest. */
void session_add_module(struct session *s, const struct session_module *m)
{
	struct session_mod *slot = NULL, *v;
	size_t i;

	if (s == NULL || m == NULL || m->id == NULL)
		return;
	for (i = 0; i < s->nmods && slot == NULL; i++)
		if (strcmp(s->mods[i].id, m->id) == 0)
			slot = &s->mods[i];
	if (slot != NULL) {
		session_mod_clear(slot);
	} else {
		v = session_grow(s->mods, s->nmods, sizeof *v);
		if (v == NULL)
			return;
		s->mods = v;
		slot = &v[s->nmods++];
	}
	slot->id = strdup(m->id);
	slot->name = session_strdup(m->name);
	slot->part = session_strdup(m->part);
	slot->sw = session_strdup(m->sw);
	slot->hw = session_strdup(m->hw);
	slot->tx = m->tx;
	slot->rx = m->rx;
	if (slot->id == NULL) /* out of memory: forget the module */
		s->nmods--;
}

/* Records an operation for the manifest's "operations" list, once. */
void session_set_operation(struct session *s, const char *op)
{
	char **v, *copy;
	size_t i;

	if (s == NULL || op == NULL || op[0] == 0)
		return;
	for (i = 0; i < s->nops; i++)
		if (strcmp(s->ops[i], op) == 0)
			return;
	copy = strdup(op);
	v = copy ? session_grow(s->ops, s->nops, sizeof *v) : NULL;
	if (v == NULL) {
		free(copy);
		return;
	}
	s->ops = v;
	v[s->nops++] = copy;
}

/* Renames a recorded operation, or records the new name. */
void session_rename_operation(struct session *s, const char *from, const char *to)
{
	char *copy;
	size_t i;

	if (s == NULL || to == NULL || to[0] == 0)
		return;
	for (i = 0; from && i < s->nops; i++)
		if (strcmp(s->ops[i], from) == 0 && (copy = strdup(to)) != NULL) {
			free(s->ops[i]);
			s->ops[i] = copy;
			return;
		}
	session_set_operation(s, to);
}

/* A module id made safe as a file name: [A-Za-z0-9._-], others become '_'. */
static void session_file_name(const char *id, char *out, size_t n)
{
	size_t i;

	for (i = 0; id[i] && i + 1 < n; i++) {
		char c = id[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && i > 0);

		out[i] = ok ? c : '_';
	}
	if (i == 0 && n > 1)
		out[i++] = '_';
	out[i] = 0;
}

/* The manifest record of a backup file, or NULL. */
static struct session_rec *session_find_rec(struct session *s, const char *file)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		if (strcmp(s->recs[i].file, file) == 0)
			return &s->recs[i];
	return NULL;
}

/* Adds a backup record for the manifest, with copies of everything. */
static int session_add_rec(struct session *s, const struct session_backup *b, const char *file,
			   const uint8_t *data, size_t len, struct error *e)
{
	struct session_rec r = { .tx = b->tx, .rx = b->rx, .did = b->did, .len = len };
	struct session_rec *v;

	r.module = strdup(b->module);
	r.file = strdup(file);
	r.data = malloc(len ? len : 1);
	v = session_grow(s->recs, s->nrecs, sizeof *v);
	if (v)
		s->recs = v;
	if (r.module == NULL || r.file == NULL || r.data == NULL || v == NULL) {
		free(r.module);
		free(r.file);
		free(r.data);
		return error_set(e, ERR_NOMEM, "session: out of memory");
	}
	if (len)
		memcpy(r.data, data, len);
	v[s->nrecs++] = r;
	return 0;
}

/* A backup file exists already: keeps it, recording its contents if needed. */
static int session_backup_kept(struct session *s, const struct session_backup *b,
			       const char *rel, const char *full, struct error *e)
{
	struct buf old = { 0 };
	int rc = 0;

	if (session_find_rec(s, rel) == NULL) {
		rc = fs_read_file(full, &old, SESSION_BACKUP_LIMIT, e);
		if (rc == 0)
			rc = session_add_rec(s, b, rel, old.data, old.len, e);
		buf_free(&old);
	}
	if (rc == 0)
		session_event(s, "backup %s DID %04X kept: %s holds the original value",
			      b->module, b->did, rel);
	return rc;
}

/* Writes backups/<module>-<DID>.bin once and records it for the manifest. */
int session_backup(struct session *s, const struct session_backup *b, char *path, size_t n,
		   struct error *e)
{
	char safe[SESSION_MODULE_NAME_MAX], rel[SESSION_MODULE_NAME_MAX + 32], full[PATH_MAX];
	struct stat st;
	int rc;

	if (b == NULL || b->module == NULL || (b->data == NULL && b->len > 0))
		return error_set(e, ERR_ARG, "backup: no module or no data");
	session_file_name(b->module, safe, sizeof safe);
	snprintf(rel, sizeof rel, "backups/%s-%04X.bin", safe, b->did);
	if (fs_join(full, sizeof full, s->dir, rel) < 0)
		return error_set(e, ERR_ARG, "path too long: %s/%s", s->dir, rel);
	if (path && n && snprintf(path, n, "%s", full) >= (int)n)
		return error_set(e, ERR_ARG, "backup path does not fit: %s", full);
	if (lstat(full, &st) == 0)
		return session_backup_kept(s, b, rel, full, e);
	if (errno != ENOENT)
		return error_set(e, ERR_IO, "%s: %s", full, strerror(errno));
	rc = fs_write_atomic(full, b->data ? (const void *)b->data : "", b->len, 0600, e);
	if (rc == 0)
		rc = session_add_rec(s, b, rel, b->data, b->len, e);
	/* The manifest lists the backup before anything is written to the car,
	 * so a session that dies mid-write can still be restored; the event
	 * follows it, so a session whose events name a backup has it listed. */
	if (rc == 0)
		rc = session_write_manifest(s, false, e);
	if (rc < 0)
		return error_wrap(e, "backup of %s DID %04X", b->module, b->did);
	session_event(s, "backup %s DID %04X (%zu bytes) -> %s", b->module, b->did, b->len, rel);
	return 0;
}

/* Writes the "info" object. */
static void session_json_info(struct session *s, struct json *j)
{
	size_t i;

	json_key(j, "info");
	json_obj_begin(j);
	for (i = 0; i < s->ninfo; i++)
		json_kv_str(j, s->info[i].key, s->info[i].value);
	json_obj_end(j);
}

/* Writes the "operations" array. */
static void session_json_ops(struct session *s, struct json *j)
{
	size_t i;

	json_key(j, "operations");
	json_arr_begin(j);
	for (i = 0; i < s->nops; i++)
		json_str(j, s->ops[i]);
	json_arr_end(j);
}

/* Writes the "modules" array. */
static void session_json_modules(struct session *s, struct json *j)
{
	size_t i;

	json_key(j, "modules");
	json_arr_begin(j);
	for (i = 0; i < s->nmods; i++) {
		const struct session_mod *m = &s->mods[i];

		json_obj_begin(j);
		json_kv_str(j, "id", m->id);
		json_kv_str(j, "name", m->name);
		json_kv_int(j, "tx", m->tx);
		json_kv_int(j, "rx", m->rx);
		json_kv_str(j, "part", m->part);
		json_kv_str(j, "sw", m->sw);
		json_kv_str(j, "hw", m->hw);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* Writes one backup record; -1 when out of memory. */
static int session_json_rec(const struct session_rec *r, struct json *j)
{
	char *hex = malloc(2 * r->len + 1);

	if (hex == NULL)
		return -1;
	hex_encode(r->data, r->len, hex);
	json_obj_begin(j);
	json_kv_str(j, "module", r->module);
	json_kv_int(j, "tx", r->tx);
	json_kv_int(j, "rx", r->rx);
	json_kv_int(j, "did", r->did);
	json_kv_str(j, "file", r->file);
	json_kv_int(j, "length", (long long)r->len);
	json_kv_str(j, "data", hex);
	json_obj_end(j);
	free(hex);
	return 0;
}

/* Writes the "backups" array. */
static int session_json_backups(struct session *s, struct json *j, struct error *e)
{
	size_t i;

	json_key(j, "backups");
	json_arr_begin(j);
	for (i = 0; i < s->nrecs; i++)
		if (session_json_rec(&s->recs[i], j) < 0)
			return error_set(e, ERR_NOMEM, "manifest: out of memory");
	json_arr_end(j);
	return 0;
}

/* Builds the manifest text into out. */
static int session_manifest_text(struct session *s, bool clean_end, struct buf *out,
				 struct error *e)
{
	char now[32];
	struct json j;
	int rc;

	json_init(&j, out, true);
	json_obj_begin(&j);
	json_kv_str(&j, "format", "obdcon-session-1");
	json_kv_str(&j, "program", "obdcon " PACKAGE_VERSION);
	json_kv_str(&j, "started", s->started);
	json_key(&j, "ended");
	if (clean_end) {
		clock_iso8601(now, sizeof now);
		json_str(&j, now);
	} else {
		json_null(&j);
	}
	json_kv_bool(&j, "clean", clean_end);
	json_kv_str(&j, "vin", s->vin);
	session_json_ops(s, &j);
	session_json_info(s, &j);
	session_json_modules(s, &j);
	rc = session_json_backups(s, &j, e);
	if (rc == 0)
		rc = session_json_file_list(s->dir, &j, e);
	json_obj_end(&j);
	return rc;
}

/* Writes manifest.json atomically. */
int session_write_manifest(struct session *s, bool clean_end, struct error *e)
{
	struct buf out = { 0 };
	char path[PATH_MAX];
	int rc;

	if (fs_join(path, sizeof path, s->dir, SESSION_MANIFEST) < 0)
		return error_set(e, ERR_ARG, "path too long: %s", s->dir);
	rc = session_manifest_text(s, clean_end, &out, e);
	if (rc == 0)
		rc = fs_write_atomic(path, out.data, out.len, 0600, e);
	buf_free(&out);
	return rc < 0 ? error_wrap(e, "writing manifest") : 0;
}

/* Packs the closed session beside its directory; the path goes to archive. */
static int session_pack_closed(struct session *s, char *archive, size_t n, struct error *e)
{
	char path[PATH_MAX];
	int rc;

	if (snprintf(path, sizeof path, "%s%s", s->dir, session_format_ext(SESSION_TAR_GZ)) >=
	    (int)sizeof path)
		return error_set(e, ERR_ARG, "path too long: %s", s->dir);
	rc = session_pack(s->dir, path, SESSION_TAR_GZ, e);
	if (rc == 0 && archive && n && snprintf(archive, n, "%s", path) >= (int)n)
		rc = error_set(e, ERR_ARG, "archive path does not fit: %s", path);
	return rc;
}

/* Writes the final manifest, closes the logs, packs if asked, and frees. */
int session_close(struct session *s, bool pack, char *archive, size_t n, struct error *e)
{
	struct error later;
	int rc, rc2 = 0;

	if (archive && n)
		archive[0] = 0;
	if (s == NULL)
		return 0;
	rc = session_write_manifest(s, true, e);
	if (session_close_fds(s) < 0 && rc == 0)
		rc = error_set(e, ERR_IO, "closing session logs: %s", strerror(errno));
	/* Pack even after an error: the record matters more; the first error wins. */
	if (pack)
		rc2 = session_pack_closed(s, archive, n, rc < 0 ? &later : e);
	session_free(s);
	return rc < 0 ? rc : rc2;
}
