/* test_archive.c: kept sessions: listing, export in every format, import
 * with verification, hostile archives, opening read-only, and sessions
 * whose process was killed. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "session/manifest.h"
#include "session/session.h"
#include "session/store.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/json_parse.h"

#define VIN_A "WVWZZZ1JZXW000001"
#define VIN_B "WAUZZZ8K9BA000002"

/* Per-test state: a private sandbox with a sessions folder and a work folder. */
struct fixture {
	char tmp[PATH_MAX];
	char base[PATH_MAX];  /* tmp/sessions */
	char work[PATH_MAX];  /* tmp/work: archives built by the tests */
	char other[PATH_MAX]; /* tmp/other: a second sessions folder */
};

/* snprintf that fails the test when the text does not fit. */
static void sfmt(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* snprintf that fails the test when the text does not fit. */
static void sfmt(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	assert_true(w >= 0 && (size_t)w < n);
}

/* Creates the sandbox for one test. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/obdcon-archive-XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->base, sizeof f->base, "%s/sessions", f->tmp);
	snprintf(f->work, sizeof f->work, "%s/work", f->tmp);
	snprintf(f->other, sizeof f->other, "%s/other", f->tmp);
	if (mkdir(f->base, 0700) < 0 || mkdir(f->work, 0700) < 0)
		return -1;
	*state = f;
	return 0;
}

/* Removes one file or directory during the tree walk. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the sandbox. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Paths collected by the snapshot walk. */
static struct buf *snap_out;

/* Adds one path (with its type and size) to the snapshot. */
static int snap_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag;
	(void)ftw;
	buf_printf(snap_out, "%s %o %lld\n", path, (unsigned)st->st_mode,
		   S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size);
	return 0;
}

/* Every path under dir with its mode and size, in walk order, sorted by
 * the shell (so two snapshots compare equal when nothing changed). */
static void snapshot(const char *dir, struct buf *out)
{
	buf_reset(out);
	snap_out = out;
	assert_int_equal(nftw(dir, snap_one, 16, FTW_PHYS), 0);
	if (out->data == NULL)
		buf_puts(out, "");
}

/* Number of entries in a directory, besides . and .. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Runs a shell command and captures its standard output; it must succeed. */
static void run_capture(const char *cmd, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(buf_append(out, chunk, n), 0);
	if (out->data == NULL)
		buf_puts(out, "");
	assert_int_equal(pclose(p), 0);
}

/* Reads a whole file into b (fails the test if it cannot). */
static void slurp(const char *path, struct buf *b)
{
	struct error e = { 0 };

	buf_reset(b);
	if (fs_read_file(path, b, 64 << 20, &e) < 0)
		fail_msg("%s", e.text);
}

/* Writes a file (fails the test if it cannot). */
static void spit(const char *path, const char *text)
{
	struct error e = { 0 };

	if (fs_write_atomic(path, text, strlen(text), 0600, &e) < 0)
		fail_msg("%s", e.text);
}

/* The last path component. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Backs up one value, failing the test on error. */
static void backup(struct session *s, const char *module, uint16_t did, const uint8_t *data,
		   size_t len)
{
	struct session_backup b = { .module = module, .tx = 0x70E, .rx = 0x778, .did = did,
				    .data = data, .len = len };
	struct error e = { 0 };

	if (session_backup(s, &b, NULL, 0, &e) < 0)
		fail_msg("session_backup: %s", e.text);
}

/* Fills a session the way a coding run does: VIN, module, traffic, backups. */
static void fill(struct session *s, const char *vin)
{
	static const uint8_t v1[] = { 0x01, 0x02, 0x03 }, v2[] = { 0xFF, 0x00 };
	struct session_module bcm = { "09", "Central electrics", 0x70E, 0x778, "5Q0937084",
				      "0450", "H07" };
	struct error e = { 0 };

	assert_int_equal(session_set_vin(s, vin, &e), 0);
	session_set_info(s, "port", "sim:golf");
	session_add_module(s, &bcm);
	session_set_operation(s, "scan");
	session_set_operation(s, "coding");
	session_set_operation(s, "scan");
	session_transcript(s, SESSION_TX, (const uint8_t *)"0902\r", 5);
	session_transcript(s, SESSION_RX, (const uint8_t *)"49 02 01 57 56 57\r\r>", 20);
	backup(s, "09", 0x0600, v1, sizeof v1);
	backup(s, "09", 0x0601, v2, sizeof v2);
	session_event(s, "coded mirror_fold_on_lock");
}

/* Creates, fills and closes a session; its directory goes to dir. */
static void clean_session(const char *base, const char *vin, bool pack, char *dir, size_t n)
{
	struct session *s = NULL;
	struct error e = { 0 };

	if (session_create(base, &s, &e) < 0)
		fail_msg("session_create: %s", e.text);
	fill(s, vin);
	sfmt(dir, n, "%s", session_path(s));
	if (session_close(s, pack, NULL, 0, &e) < 0)
		fail_msg("session_close: %s", e.text);
	usleep(2000); /* the next session starts at a later millisecond */
}

/* Forks a child that creates a session, records traffic and a backup, and
 * is killed before closing it; returns the session directory. */
static void killed_session(const char *base, char *dir, size_t n)
{
	static const uint8_t val[] = { 0xCA, 0xFE };
	char tmp[PATH_MAX + 64];
	int status, fds[2], fd;
	pid_t pid;
	ssize_t r;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct session *s = NULL;

		close(fds[0]);
		if (session_create(base, &s, NULL) < 0 || session_set_vin(s, VIN_B, NULL) < 0)
			_exit(1);
		session_set_operation(s, "coding");
		session_transcript(s, SESSION_TX, (const uint8_t *)"ATZ\r", 4);
		if (session_backup(s, &(struct session_backup){ "17", 0x714, 0x77E, 0x2203, val, 2 },
				   NULL, 0, NULL) < 0)
			_exit(1);
		session_transcript(s, SESSION_TX, (const uint8_t *)"2E2203CAFF\r", 11);
		session_event(s, "writing DID 2203");
		/* atomic writes the kill cut short leave their temporary files */
		sfmt(tmp, sizeof tmp, "%s/backups/17-2204.bin.tmp.%ld", session_path(s),
		     (long)getpid());
		if ((fd = open(tmp, O_WRONLY | O_CREAT, 0600)) < 0 || write(fd, "\x01", 1) != 1)
			_exit(1);
		close(fd);
		if (write(fds[1], session_path(s), strlen(session_path(s))) < 0)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	close(fds[1]);
	r = read(fds[0], dir, n - 1);
	close(fds[0]);
	assert_true(r > 0);
	dir[r] = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	usleep(2000);
}

/* Lists sessions, failing the test on error. */
static struct session_info *list(const char *base, size_t *n)
{
	struct session_info *v = NULL;
	struct error e = { 0 };

	if (session_list(base, &v, n, &e) < 0)
		fail_msg("session_list: %s", e.text);
	return v;
}

/* Listing: clean, unfinished, lone archive and unreadable, by start time. */
static void test_list(void **state)
{
	struct fixture *f = *state;
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], junk[PATH_MAX], path[PATH_MAX];
	struct session_info *v;
	size_t n;

	clean_session(f->base, VIN_A, true, a, sizeof a);
	killed_session(f->base, b, sizeof b);
	clean_session(f->base, VIN_A, true, c, sizeof c);
	sfmt(path, sizeof path, "rm -r '%s'", c);
	assert_int_equal(system(path), 0);
	sfmt(junk, sizeof junk, "%s/junk", f->base);
	assert_int_equal(mkdir(junk, 0700), 0);
	sfmt(path, sizeof path, "%s/.import-abc123", f->base);
	assert_int_equal(mkdir(path, 0700), 0);
	v = list(f->base, &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].name, base_name(a));
	assert_string_equal(v[0].path, a);
	sfmt(path, sizeof path, "%s.tar.gz", a);
	assert_string_equal(v[0].archive, path);
	assert_true(v[0].clean);
	assert_string_equal(v[0].vin, VIN_A);
	assert_non_null(v[0].ended);
	assert_int_equal(v[0].noperations, 2);
	assert_string_equal(v[0].operations[0], "scan");
	assert_string_equal(v[0].operations[1], "coding");
	assert_int_equal(v[0].nbackups, 2);
	assert_int_equal(v[0].nmodules, 1);
	assert_null(v[0].problem);
	assert_string_equal(v[1].path, b);
	assert_false(v[1].clean);
	assert_null(v[1].ended);
	assert_null(v[1].archive);
	assert_string_equal(v[1].vin, VIN_B);
	assert_int_equal(v[1].nbackups, 1);
	assert_true(strcmp(v[0].started, v[1].started) < 0);
	assert_null(v[2].path);
	sfmt(path, sizeof path, "%s.tar.gz", c);
	assert_string_equal(v[2].archive, path);
	assert_string_equal(v[2].name, base_name(c));
	assert_true(v[2].clean);
	assert_int_equal(v[2].nbackups, 2);
	assert_true(strcmp(v[1].started, v[2].started) < 0);
	assert_string_equal(v[3].name, "junk");
	assert_false(v[3].clean);
	assert_non_null(v[3].problem);
	assert_non_null(strstr(v[3].problem, "manifest.json"));
	session_list_free(v, n);
}

/* session_list_print() writes what the builders produce. */
static void print_matches(const struct session_info *v, size_t n, struct buf *scratch)
{
	FILE *fp;
	char text[8192];
	size_t got;
	int json;

	for (json = 0; json < 2; json++) {
		buf_reset(scratch);
		if (json)
			session_list_json(v, n, scratch);
		else
			session_list_text(v, n, scratch);
		fp = tmpfile();
		assert_non_null(fp);
		assert_int_equal(session_list_print(fp, v, n, json), 0);
		rewind(fp);
		got = fread(text, 1, sizeof text - 1, fp);
		text[got] = 0;
		fclose(fp);
		assert_string_equal(text, buf_str(scratch));
	}
}

/* The listing as JSON reads back with the promised fields. */
static void test_list_json(void **state)
{
	struct fixture *f = *state;
	char a[PATH_MAX], b[PATH_MAX];
	const struct json_value *arr, *s0, *s1;
	struct json_value *doc = NULL;
	struct session_info *v;
	struct buf out = { 0 };
	struct error e = { 0 };
	size_t n;

	clean_session(f->base, VIN_A, true, a, sizeof a);
	killed_session(f->base, b, sizeof b);
	v = list(f->base, &n);
	session_list_json(v, n, &out);
	assert_int_equal(json_parse((char *)out.data, out.len, NULL, &doc, &e), 0);
	arr = json_get(doc, "sessions");
	assert_int_equal(json_count(arr), 2);
	s0 = json_at(arr, 0);
	s1 = json_at(arr, 1);
	assert_string_equal(json_get_str(s0, "name"), base_name(a));
	assert_string_equal(json_get_str(s0, "path"), a);
	assert_string_equal(json_get_str(s0, "vin"), VIN_A);
	assert_non_null(json_get_str(s0, "started"));
	assert_non_null(json_get_str(s0, "ended"));
	assert_true(json_get(s0, "clean")->b);
	assert_int_equal(json_count(json_get(s0, "operations")), 2);
	assert_string_equal(json_at(json_get(s0, "operations"), 1)->str, "coding");
	assert_non_null(strstr(json_get_str(s0, "archive"), ".tar.gz"));
	assert_false(json_get(s1, "clean")->b);
	assert_true(json_is(json_get(s1, "ended"), JSON_NULL));
	assert_true(json_is(json_get(s1, "archive"), JSON_NULL));
	json_value_free(doc);
	buf_reset(&out);
	session_list_text(v, n, &out);
	assert_int_equal(strncmp(buf_str(&out), "STARTED  ", 9), 0);
	assert_non_null(strstr(buf_str(&out), "  clean       scan, coding (2 backups)  dir, tar.gz"));
	assert_non_null(strstr(buf_str(&out), VIN_B "  unfinished  coding (1 backup) "));
	assert_non_null(strstr(buf_str(&out), base_name(b)));
	print_matches(v, n, &out);
	session_list_free(v, n);
	buf_reset(&out);
	session_list_text(NULL, 0, &out);
	assert_string_equal(buf_str(&out), "no sessions\n");
	buf_free(&out);
}

/* Listing a folder that does not exist is an empty list. */
static void test_list_missing_base(void **state)
{
	struct fixture *f = *state;
	struct session_info *v;
	size_t n = 99;

	v = list(f->other, &n);
	assert_int_equal(n, 0);
	assert_null(v);
}

/* Member names of an archive listing, one a line, sorted, without the
 * trailing slash of folders. */
static void members(const char *cmd, struct buf *out)
{
	char line[PATH_MAX + 64];

	sfmt(line, sizeof line, "%s | sed 's|/$||' | LC_ALL=C sort", cmd);
	run_capture(line, out);
}

/* Export to every format: tar -tzf, tar -tJf and unzip -l list the same files. */
static void test_export_formats(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], out[PATH_MAX], want[PATH_MAX], cmd[2 * PATH_MAX];
	struct buf gz = { 0 }, xz = { 0 }, zip = { 0 };
	struct error e = { 0 };
	const char *name;

	clean_session(f->base, VIN_A, false, dir, sizeof dir);
	name = base_name(dir);
	assert_int_equal(session_export(f->base, name, SESSION_TAR_GZ, NULL, out, sizeof out, &e), 0);
	sfmt(want, sizeof want, "%s.tar.gz", dir);
	assert_string_equal(out, want);
	sfmt(cmd, sizeof cmd, "tar -tzf '%s'", out);
	members(cmd, &gz);
	assert_int_equal(session_export(f->base, dir, SESSION_TAR_XZ, NULL, out, sizeof out, &e), 0);
	sfmt(want, sizeof want, "%s.tar.xz", dir);
	assert_string_equal(out, want);
	sfmt(cmd, sizeof cmd, "tar -tJf '%s'", out);
	members(cmd, &xz);
	sfmt(want, sizeof want, "%s/copy.zip", f->work);
	assert_int_equal(session_export(f->base, name, SESSION_ZIP, want, out, sizeof out, &e), 0);
	assert_string_equal(out, want);
	sfmt(cmd, sizeof cmd, "unzip -Z1 '%s'", out);
	members(cmd, &zip);
	assert_string_equal(buf_str(&gz), buf_str(&xz));
	assert_string_equal(buf_str(&gz), buf_str(&zip));
	sfmt(want, sizeof want, "%s\n%s/backups\n%s/backups/09-0600.bin\n%s/backups/09-0601.bin\n"
	     "%s/events.log\n%s/manifest.json\n%s/transcript.log\n", name, name, name, name,
	     name, name, name);
	assert_string_equal(buf_str(&gz), want);
	sfmt(cmd, sizeof cmd, "unzip -l '%s'", out); /* the classic listing agrees */
	run_capture(cmd, &zip);
	sfmt(want, sizeof want, "   %s/backups/09-0601.bin\n", name);
	assert_non_null(strstr(buf_str(&zip), want));
	buf_free(&gz);
	buf_free(&xz);
	buf_free(&zip);
}

/* An archive exports to another format by way of a verified private copy,
 * which is gone afterwards; the same format in place is refused. */
static void test_export_from_archive(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], gz[PATH_MAX], out[PATH_MAX], cmd[2 * PATH_MAX];
	struct buf a = { 0 }, b = { 0 };
	struct error e = { 0 };

	clean_session(f->base, VIN_A, true, dir, sizeof dir);
	sfmt(gz, sizeof gz, "%s.tar.gz", dir);
	assert_int_equal(session_export(f->base, gz, SESSION_ZIP, f->work, out, sizeof out, &e), 0);
	sfmt(cmd, sizeof cmd, "%s/%s.zip", f->work, base_name(dir));
	assert_string_equal(out, cmd);
	assert_int_equal(dir_entries(f->base), 2); /* the directory and its tar.gz: no leftovers */
	sfmt(cmd, sizeof cmd, "tar -tzf '%s'", gz);
	members(cmd, &a);
	sfmt(cmd, sizeof cmd, "unzip -Z1 '%s'", out);
	members(cmd, &b);
	assert_string_equal(buf_str(&a), buf_str(&b));
	sfmt(cmd, sizeof cmd, "unzip -p '%s' '%s/backups/09-0600.bin' | od -An -tx1", out,
	     base_name(dir));
	run_capture(cmd, &b);
	assert_string_equal(buf_str(&b), " 01 02 03\n");
	assert_int_equal(session_export(f->base, gz, SESSION_TAR_GZ, NULL, out, sizeof out, &e),
			 -ERR_ARG);
	assert_non_null(strstr(e.text, "already in that format"));
	assert_int_equal(session_export(f->base, "nope", SESSION_ZIP, NULL, out, sizeof out, &e),
			 -ERR_NOT_FOUND);
	assert_string_equal(out, "");
	buf_free(&a);
	buf_free(&b);
}

/* A clean session changed after it ended is not exported. */
static void test_export_tampered_dir(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], path[PATH_MAX], out[PATH_MAX];
	struct error e = { 0 };

	clean_session(f->base, VIN_A, false, dir, sizeof dir);
	sfmt(path, sizeof path, "%s/backups/09-0600.bin", dir);
	spit(path, "\x01\x02\x04");
	assert_int_equal(session_export(f->base, dir, SESSION_TAR_GZ, NULL, out, sizeof out, &e),
			 -ERR_VERIFY);
	assert_non_null(strstr(e.text, "backups/09-0600.bin: SHA-256 does not match the manifest"));
	spit(path, "\x01\x02\x03");
	sfmt(path, sizeof path, "%s/notes.txt", dir);
	spit(path, "mine");
	assert_int_equal(session_export(f->base, dir, SESSION_TAR_GZ, NULL, out, sizeof out, &e),
			 -ERR_VERIFY);
	assert_non_null(strstr(e.text, "notes.txt: not listed in the manifest"));
	assert_int_equal(dir_entries(f->base), 1);
}

/* A session killed before its first manifest still exports: the archive
 * gets a manifest made from what the directory holds, and imports. */
static void test_export_without_manifest(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], path[PATH_MAX], out[PATH_MAX], got[PATH_MAX];
	struct session_view *v = NULL;
	struct error e = { 0 };

	sfmt(dir, sizeof dir, "%s/20260101-120000", f->base);
	assert_int_equal(mkdir(dir, 0700), 0);
	sfmt(path, sizeof path, "%s/transcript.log", dir);
	spit(path, "2026-01-01T12:00:00.000Z TX ATZ\\r\n");
	assert_int_equal(session_export(f->base, "20260101-120000", SESSION_TAR_XZ, NULL, out,
					sizeof out, &e), 0);
	assert_int_equal(session_import(out, f->other, got, sizeof got, &e), 0);
	assert_int_equal(session_open_existing(f->other, got, &v, &e), 0);
	assert_false(v->manifest.clean);
	assert_non_null(v->manifest.recovered);
	assert_null(v->manifest.started);
	assert_int_equal(v->manifest.nfiles, 1);
	assert_string_equal(v->manifest.files[0].path, "transcript.log");
	assert_int_equal(v->manifest.files[0].size, 34);
	session_view_close(v);
}

/* Import: a new directory with the same files, private modes, unique names. */
static void test_import_round_trip(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], arch[PATH_MAX], got[PATH_MAX], again[PATH_MAX], cmd[3 * PATH_MAX];
	struct buf out = { 0 };
	struct error e = { 0 };
	struct stat st;
	enum session_format fmts[] = { SESSION_TAR_GZ, SESSION_TAR_XZ, SESSION_ZIP };
	size_t i;

	clean_session(f->base, VIN_A, false, dir, sizeof dir);
	for (i = 0; i < 3; i++) {
		sfmt(arch, sizeof arch, "%s/s%zu%s", f->work, i, session_format_ext(fmts[i]));
		assert_int_equal(session_export(f->base, dir, fmts[i], arch, NULL, 0, &e), 0);
		assert_int_equal(session_import(arch, f->other, got, sizeof got, &e), 0);
		if (i == 0)
			sfmt(again, sizeof again, "%s/%s", f->other, base_name(dir));
		else
			sfmt(again, sizeof again, "%s/%s-%zu", f->other, base_name(dir), i + 1);
		assert_string_equal(got, again);
		sfmt(cmd, sizeof cmd, "diff -r '%s' '%s' && echo same", dir, got);
		run_capture(cmd, &out);
		assert_string_equal(buf_str(&out), "same\n");
		assert_int_equal(stat(got, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0700);
		sfmt(cmd, sizeof cmd, "%s/backups/09-0601.bin", got);
		assert_int_equal(stat(cmd, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	assert_int_equal(dir_entries(f->other), 3); /* no temporary folders left */
	buf_free(&out);
}

/* Packs a session directory as it is, without checking it. */
static void raw_pack(const char *dir, const char *arch)
{
	struct error e = { 0 };

	if (session_pack(dir, arch, SESSION_TAR_GZ, &e) < 0)
		fail_msg("session_pack: %s", e.text);
}

/* Imports an archive that must be refused; checks the message and that
 * nothing was left anywhere in the sandbox. */
static void refused(struct fixture *f, const char *arch, const struct session_limits *lim,
		    enum err_kind kind, const char *msg1, const char *msg2)
{
	struct buf before = { 0 }, after = { 0 };
	struct error e = { 0 };
	char got[PATH_MAX] = "junk";

	assert_int_equal(mkdir(f->other, 0700) == 0 || errno == EEXIST, 1);
	snapshot(f->tmp, &before);
	assert_int_equal(session_import_with(arch, f->other, lim, got, sizeof got, &e), -(int)kind);
	assert_int_equal(e.kind, kind);
	if (strstr(e.text, msg1) == NULL || (msg2 && strstr(e.text, msg2) == NULL))
		fail_msg("got '%s', want '%s' and '%s'", e.text, msg1, msg2 ? msg2 : "");
	assert_string_equal(got, "");
	snapshot(f->tmp, &after);
	assert_string_equal(buf_str(&after), buf_str(&before));
	assert_int_equal(dir_entries(f->other), 0);
	buf_free(&before);
	buf_free(&after);
}

/* One byte changed, a file added, a file removed: each import is refused. */
static void test_import_tampered(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], path[PATH_MAX], arch[PATH_MAX];
	struct buf t = { 0 }, events = { 0 };

	clean_session(f->base, VIN_A, false, dir, sizeof dir);
	sfmt(path, sizeof path, "%s/transcript.log", dir);
	slurp(path, &t);
	t.data[t.len - 3] ^= 0x01;
	assert_int_equal(fs_write_atomic(path, t.data, t.len, 0600, NULL), 0);
	sfmt(arch, sizeof arch, "%s/byte.tar.gz", f->work);
	raw_pack(dir, arch);
	refused(f, arch, NULL, ERR_VERIFY, "transcript.log: SHA-256 does not match the manifest",
		NULL);
	t.data[t.len - 3] ^= 0x01;
	assert_int_equal(fs_write_atomic(path, t.data, t.len, 0600, NULL), 0);
	sfmt(path, sizeof path, "%s/backups/extra.bin", dir);
	spit(path, "x");
	sfmt(arch, sizeof arch, "%s/extra.tar.gz", f->work);
	raw_pack(dir, arch);
	refused(f, arch, NULL, ERR_FORMAT, "backups/extra.bin: in the archive but not in the manifest",
		NULL);
	assert_int_equal(unlink(path), 0);
	sfmt(path, sizeof path, "%s/events.log", dir);
	slurp(path, &events);
	assert_int_equal(unlink(path), 0);
	sfmt(arch, sizeof arch, "%s/missing.tar.gz", f->work);
	raw_pack(dir, arch);
	refused(f, arch, NULL, ERR_FORMAT, "events.log: listed in the manifest but not in the archive",
		NULL);
	spit(path, buf_str(&events));
	sfmt(path, sizeof path, "%s/transcript.log", dir);
	spit(path, "TX short\n");
	sfmt(arch, sizeof arch, "%s/size.tar.gz", f->work);
	raw_pack(dir, arch);
	sfmt(path, sizeof path, "transcript.log: 9 bytes, the manifest says %zu", t.len);
	refused(f, arch, NULL, ERR_VERIFY, path, NULL);
	buf_free(&t);
	buf_free(&events);
}

/* One entry of a hand-built archive. */
struct hentry {
	const char *name;
	mode_t type;        /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO */
	const char *data;   /* regular file contents (NULL: size bytes of zeros) */
	size_t size;
	const char *link;   /* symlink target, or hard link target with AE_IFREG */
};

/* Writes the data of a regular entry: its text or size zeros. */
static void write_data(struct archive *a, const struct hentry *h)
{
	static const char zeros[4096];
	size_t left = h->size;

	if (h->data) {
		assert_true(archive_write_data(a, h->data, h->size) == (la_ssize_t)h->size);
		return;
	}
	while (left > 0) {
		size_t n = left < sizeof zeros ? left : sizeof zeros;

		assert_true(archive_write_data(a, zeros, n) == (la_ssize_t)n);
		left -= n;
	}
}

/* Builds an archive (tar.gz or zip) holding exactly the given entries. */
static void build(const char *path, bool zip, const struct hentry *v, size_t n)
{
	struct archive *a = archive_write_new();
	size_t i;

	assert_non_null(a);
	if (zip) {
		assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	} else {
		assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
		assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	}
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		bool hard = v[i].type == AE_IFREG && v[i].link;

		archive_entry_set_pathname(ae, v[i].name);
		archive_entry_set_filetype(ae, v[i].type);
		archive_entry_set_perm(ae, v[i].type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_size(ae, v[i].type == AE_IFREG && !hard ? (la_int64_t)v[i].size : 0);
		if (v[i].type == AE_IFLNK)
			archive_entry_set_symlink(ae, v[i].link);
		if (hard)
			archive_entry_set_hardlink(ae, v[i].link);
		if (v[i].type == AE_IFCHR)
			archive_entry_set_rdev(ae, makedev(1, 3));
		assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
		if (v[i].type == AE_IFREG && !hard)
			write_data(a, &v[i]);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* One hostile archive and how its import must fail. */
struct hostile {
	const char *label;
	struct hentry bad;
	const char *msg;
};

/* Absolute paths, "..", links, devices, fifos, stray top-level entries: each
 * refused by name, in tar.gz and in zip, with nothing written anywhere. */
static void test_import_hostile(void **state)
{
	struct fixture *f = *state;
	char abs[PATH_MAX], arch[PATH_MAX], pwned[PATH_MAX];
	struct hostile cases[] = {
		{ "absolute", { abs, AE_IFREG, "owned", 5, NULL }, "absolute path refused" },
		{ "dotdot", { "S/../../../pwned", AE_IFREG, "owned", 5, NULL }, "'..' in the path refused" },
		{ "dotdot2", { "S/backups/..", AE_IFDIR, NULL, 0, NULL }, "'..' in the path refused" },
		{ "symlink", { "S/backups/link", AE_IFLNK, NULL, 0, "/etc/passwd" }, "symbolic link refused" },
		{ "hardlink", { "S/hard", AE_IFREG, NULL, 0, "/etc/passwd" }, "hard link refused" },
		{ "device", { "S/null", AE_IFCHR, NULL, 0, NULL }, "device file refused" },
		{ "fifo", { "S/fifo", AE_IFIFO, NULL, 0, NULL }, "fifo refused" },
		{ "second top", { "T/x.bin", AE_IFREG, "x", 1, NULL }, "a second top-level folder" },
		{ "loose file", { "loose.txt", AE_IFREG, "x", 1, NULL }, "not inside a top-level folder" },
		{ "twice", { "S/transcript.log", AE_IFREG, "x", 1, NULL }, "appears twice" },
		{ "file then folder", { "S/transcript.log/x", AE_IFREG, "x", 1, NULL }, "both a file and a folder" },
		{ "hidden top", { ".hidden/x", AE_IFREG, "x", 1, NULL }, "unsuitable top-level folder name" },
		{ "control", { "S/a\033[2Jb", AE_IFREG, "x", 1, NULL }, "'S/a?[2Jb': unsafe path refused" },
		{ "backslash", { "S\\..\\..\\pwned", AE_IFREG, "x", 1, NULL }, "refused" },
	};
	struct hentry v[3] = {
		{ "S/", AE_IFDIR, NULL, 0, NULL },
		{ "S/transcript.log", AE_IFREG, "TX ATZ\\r\n", 9, NULL },
	};
	size_t i, z;

	sfmt(abs, sizeof abs, "%s/pwned", f->tmp);
	sfmt(pwned, sizeof pwned, "%s/pwned", f->tmp);
	for (z = 0; z < 2; z++) {
		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			if (z == 1 && (cases[i].bad.type == AE_IFCHR || cases[i].bad.type == AE_IFIFO ||
				       (cases[i].bad.type == AE_IFREG && cases[i].bad.link)))
				continue; /* zip has no devices, fifos or hard links */
			v[2] = cases[i].bad;
			sfmt(arch, sizeof arch, "%s/h%zu%s", f->work, i, z ? ".zip" : ".tar.gz");
			build(arch, z == 1, v, 3);
			refused(f, arch, NULL, ERR_FORMAT, cases[i].msg,
				cases[i].bad.name == abs ? abs : NULL);
			assert_false(fs_is_file(pwned));
		}
	}
}

/* Writes an octal field of a tar header. */
static void tar_octal(uint8_t *field, size_t width, unsigned long long v)
{
	snprintf((char *)field, width, "%0*llo", (int)width - 1, v);
}

/* Writes a tar file whose one entry's header declares size bytes but
 * carries none of them. */
static void lying_tar(const char *path, const char *name, unsigned long long size)
{
	uint8_t block[3 * 512] = { 0 };
	unsigned sum = 0;
	size_t i;
	FILE *fp;

	snprintf((char *)block, 100, "%s", name);
	tar_octal(block + 100, 8, 0644);
	tar_octal(block + 108, 8, 0);
	tar_octal(block + 116, 8, 0);
	tar_octal(block + 124, 12, size);
	tar_octal(block + 136, 12, 1700000000);
	memset(block + 148, ' ', 8);
	block[156] = '0';
	memcpy(block + 257, "ustar", 6);
	memcpy(block + 263, "00", 2);
	for (i = 0; i < 512; i++)
		sum += block[i];
	snprintf((char *)block + 148, 8, "%06o", sum);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(block, 1, sizeof block, fp), sizeof block);
	assert_int_equal(fclose(fp), 0);
}

/* Size limits: a header declaring 300 MiB, a file over a lowered limit, an
 * archive expanding past the total, too many entries, a large manifest. */
static void test_import_limits(void **state)
{
	struct fixture *f = *state;
	struct session_limits lim;
	char arch[PATH_MAX], names[40][32];
	struct hentry v[40];
	size_t i;

	sfmt(arch, sizeof arch, "%s/lying.tar", f->work);
	lying_tar(arch, "S/backups/image.bin", 300ULL << 20);
	refused(f, arch, NULL, ERR_FORMAT, "'S/backups/image.bin': 314572800 bytes, more than the limit of 268435456", NULL);
	v[0] = (struct hentry){ "S/", AE_IFDIR, NULL, 0, NULL };
	v[1] = (struct hentry){ "S/big.bin", AE_IFREG, NULL, 4096, NULL };
	lim = (struct session_limits){ .entry_max = 4095 };
	sfmt(arch, sizeof arch, "%s/big.zip", f->work);
	build(arch, true, v, 2);
	refused(f, arch, &lim, ERR_FORMAT, "'S/big.bin': 4096 bytes, more than the limit of 4095", NULL);
	for (i = 1; i < 40; i++) {
		sfmt(names[i], sizeof names[i], "S/f%02zu.bin", i);
		v[i] = (struct hentry){ names[i], AE_IFREG, NULL, 10000, NULL };
	}
	lim = (struct session_limits){ .total_max = 100000 };
	sfmt(arch, sizeof arch, "%s/bomb.tar.gz", f->work);
	build(arch, false, v, 40);
	refused(f, arch, &lim, ERR_FORMAT, "archive unpacks to more than 100000 bytes", NULL);
	lim = (struct session_limits){ .entries_max = 25 };
	refused(f, arch, &lim, ERR_FORMAT, "archive has more than 25 entries", NULL);
	v[1] = (struct hentry){ "S/manifest.json", AE_IFREG, NULL, 200, NULL };
	lim = (struct session_limits){ .manifest_max = 100 };
	sfmt(arch, sizeof arch, "%s/manifest.tar.gz", f->work);
	build(arch, false, v, 2);
	refused(f, arch, &lim, ERR_FORMAT, "'S/manifest.json': manifest larger than the limit", NULL);
}

/* Not an archive, an empty archive, an archive without a manifest, a
 * manifest that is not ours: refused with a reason. */
static void test_import_not_session(void **state)
{
	struct fixture *f = *state;
	char arch[PATH_MAX];
	struct hentry v[2] = {
		{ "S/", AE_IFDIR, NULL, 0, NULL },
		{ "S/manifest.json", AE_IFREG, "{\"format\": \"other\"}", 19, NULL },
	};

	sfmt(arch, sizeof arch, "%s/text.tar.gz", f->work);
	spit(arch, "this is not an archive at all, just some text\n");
	refused(f, arch, NULL, ERR_FORMAT, "not a session archive", NULL);
	sfmt(arch, sizeof arch, "%s/empty.tar.gz", f->work);
	build(arch, false, v, 0);
	refused(f, arch, NULL, ERR_FORMAT, "no session folder in the archive", NULL);
	sfmt(arch, sizeof arch, "%s/nomanifest.tar.gz", f->work);
	build(arch, false, v, 1);
	refused(f, arch, NULL, ERR_FORMAT, "no manifest.json in the archive", NULL);
	sfmt(arch, sizeof arch, "%s/other.zip", f->work);
	build(arch, true, v, 2);
	refused(f, arch, NULL, ERR_FORMAT, "manifest: unknown format 'other'", NULL);
	sfmt(arch, sizeof arch, "%s/nothing.tar.gz", f->work);
	refused(f, arch, NULL, ERR_NOT_FOUND, "nothing.tar.gz", NULL);
}

/* Checks what a view of the standard filled session shows. */
static void check_view(const struct session_view *v)
{
	const struct session_record *r;
	const struct session_manifest *m = &v->manifest;
	char path[PATH_MAX];

	assert_string_equal(m->vin, VIN_A);
	assert_true(m->clean);
	assert_int_equal(m->nmodules, 1);
	assert_string_equal(m->modules[0].id, "09");
	assert_string_equal(m->modules[0].part, "5Q0937084");
	assert_int_equal(m->modules[0].tx, 0x70E);
	assert_int_equal(m->nbackups, 2);
	r = session_view_backup(v, "09", 0x0601);
	assert_non_null(r);
	assert_int_equal(r->rx, 0x778);
	assert_int_equal(r->len, 2);
	assert_memory_equal(r->data, "\xFF\x00", 2);
	assert_string_equal(r->file, "backups/09-0601.bin");
	assert_null(session_view_backup(v, "09", 0x0602));
	assert_string_equal(m->info[0].key, "port");
	assert_string_equal(m->info[0].value, "sim:golf");
	sfmt(path, sizeof path, "%s/%s", v->dir, r->file);
	assert_true(fs_is_file(path));
	assert_false(v->stale);
}

/* Opening by directory, by name and by archive; the private copy of an
 * archive disappears on close. */
static void test_open_existing(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], arch[PATH_MAX], copy[PATH_MAX];
	struct session_view *v = NULL;
	struct error e = { 0 };

	clean_session(f->base, VIN_A, true, dir, sizeof dir);
	assert_int_equal(session_open_existing(f->base, dir, &v, &e), 0);
	assert_string_equal(v->dir, dir);
	assert_false(v->from_archive);
	check_view(v);
	session_view_close(v);
	assert_int_equal(session_open_existing(f->base, base_name(dir), &v, &e), 0);
	assert_string_equal(v->source, dir);
	session_view_close(v);
	sfmt(arch, sizeof arch, "%s.tar.gz", dir);
	assert_int_equal(session_open_existing(f->base, arch, &v, &e), 0);
	assert_true(v->from_archive);
	assert_string_equal(v->source, arch);
	assert_string_not_equal(v->dir, dir);
	assert_string_equal(base_name(v->dir), base_name(dir));
	check_view(v);
	sfmt(copy, sizeof copy, "%s", v->dir);
	assert_true(fs_is_dir(copy));
	session_view_close(v);
	assert_false(fs_is_dir(copy));
	assert_int_equal(dir_entries(f->base), 2);
	sfmt(copy, sizeof copy, "%s/transcript.log", dir);
	spit(copy, "changed\n");
	assert_int_equal(session_open_existing(f->base, dir, &v, &e), -ERR_VERIFY);
	assert_null(v);
	assert_non_null(strstr(e.text, "transcript.log"));
}

/* A session whose process was killed: listed as unfinished, exported with a
 * recomputed file list, opened from its directory and from the export,
 * imported elsewhere; its backup is there for restore. */
static void test_killed_session(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], out[PATH_MAX], cmd[2 * PATH_MAX], got[PATH_MAX];
	struct session_view *v = NULL;
	const struct session_record *r;
	struct session_info *info;
	struct error e = { 0 };
	struct buf m = { 0 };
	size_t n;

	killed_session(f->base, dir, sizeof dir);
	info = list(f->base, &n);
	assert_int_equal(n, 1);
	assert_false(info[0].clean);
	assert_null(info[0].ended);
	assert_string_equal(info[0].vin, VIN_B);
	assert_int_equal(info[0].nbackups, 1);
	session_list_free(info, n);
	assert_int_equal(session_open_existing(f->base, dir, &v, &e), 0);
	assert_true(v->stale);
	assert_false(v->manifest.clean);
	r = session_view_backup(v, "17", 0x2203);
	assert_non_null(r);
	assert_int_equal(r->tx, 0x714);
	assert_memory_equal(r->data, "\xCA\xFE", 2);
	session_view_close(v);
	assert_int_equal(session_export(f->base, dir, SESSION_TAR_GZ, NULL, out, sizeof out, &e), 0);
	sfmt(cmd, sizeof cmd, "tar -xOzf '%s' '%s/manifest.json'", out, base_name(dir));
	run_capture(cmd, &m);
	assert_non_null(strstr(buf_str(&m), "\"clean\": false"));
	assert_non_null(strstr(buf_str(&m), "\"recovered\": \"20"));
	assert_non_null(strstr(buf_str(&m), "\"vin\": \"" VIN_B "\""));
	sfmt(cmd, sizeof cmd, "tar -xOzf '%s' '%s/transcript.log'", out, base_name(dir));
	run_capture(cmd, &m);
	assert_non_null(strstr(buf_str(&m), "TX 2E2203CAFF\\r\n"));
	sfmt(cmd, sizeof cmd, "tar -tzf '%s'", out);
	run_capture(cmd, &m);
	assert_non_null(strstr(buf_str(&m), "/backups/17-2203.bin\n"));
	assert_null(strstr(buf_str(&m), ".tmp.")); /* the cut write is not packed */
	assert_int_equal(session_open_existing(f->base, out, &v, &e), 0);
	assert_false(v->stale);
	assert_non_null(v->manifest.recovered);
	assert_non_null(session_view_backup(v, "17", 0x2203));
	session_view_close(v);
	assert_int_equal(session_import(out, f->other, got, sizeof got, &e), 0);
	sfmt(cmd, sizeof cmd, "diff -r -x '*.tmp.*' '%s' '%s' | grep -c '^diff\\|^Only' || true", dir, got);
	run_capture(cmd, &m);
	assert_string_equal(buf_str(&m), "1\n"); /* only the manifest differs */
	info = list(f->base, &n);
	assert_int_equal(n, 1);
	assert_non_null(info[0].archive);
	session_list_free(info, n);
	buf_free(&m);
}

/* Format names, and names resolved under the sessions folder. */
static void test_resolve(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], path[PATH_MAX], want[PATH_MAX];
	enum session_format fmt = SESSION_TAR_GZ;
	struct error e = { 0 };

	assert_int_equal(session_format_parse("zip", &fmt), 0);
	assert_int_equal(fmt, SESSION_ZIP);
	assert_int_equal(session_format_parse("txz", &fmt), 0);
	assert_int_equal(fmt, SESSION_TAR_XZ);
	assert_int_equal(session_format_parse("tar.gz", &fmt), 0);
	assert_int_equal(fmt, SESSION_TAR_GZ);
	assert_int_equal(session_format_parse("rar", &fmt), -1);
	clean_session(f->base, VIN_A, true, dir, sizeof dir);
	assert_int_equal(session_resolve(f->base, base_name(dir), path, sizeof path, &e), 0);
	assert_string_equal(path, dir);
	assert_int_equal(session_export(f->base, dir, SESSION_ZIP, NULL, NULL, 0, &e), 0);
	sfmt(want, sizeof want, "%s", dir);
	assert_int_equal(session_resolve(f->base, dir, path, sizeof path, &e), 0);
	assert_string_equal(path, want);
	sfmt(path, sizeof path, "rm -r '%s'", dir);
	assert_int_equal(system(path), 0);
	assert_int_equal(session_resolve(f->base, base_name(dir), path, sizeof path, &e), 0);
	sfmt(want, sizeof want, "%s.tar.gz", dir);
	assert_string_equal(path, want);
	assert_int_equal(session_resolve(f->base, "20000101-000000", path, sizeof path, &e),
			 -ERR_NOT_FOUND);
	assert_non_null(strstr(e.text, "20000101-000000"));
	assert_int_equal(session_resolve(f->base, "", path, sizeof path, &e), -ERR_ARG);
}

/* Runs every archive test as one group. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_missing_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_from_archive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_tampered_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_without_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_tampered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_not_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
	};

	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
