/* test_session.c: the session layer: directory, logs, backups, manifest, packing. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "session/manifest.h"
#include "session/replay.h"
#include "session/session.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#define ISO_LEN 24 /* "2026-11-27T22:43:18.123Z" */

/* Per-test state: a private temporary directory. */
struct fixture {
	char tmp[PATH_MAX];
	char base[PATH_MAX]; /* tmp/sessions */
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

/* Creates the temporary directory for one test. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/obdcon-session-XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	sfmt(f->base, sizeof f->base, "%s/sessions", f->tmp);
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

/* Removes the temporary directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Reads a whole file into b (fails the test if it cannot). */
static void slurp(const char *path, struct buf *b)
{
	struct error e = { 0 };

	buf_reset(b);
	if (fs_read_file(path, b, 64 << 20, &e) < 0)
		fail_msg("%s", e.text);
}

/* Reads file name inside dir into b. */
static void slurp_in(const char *dir, const char *name, struct buf *b)
{
	char path[PATH_MAX];

	assert_int_equal(fs_join(path, sizeof path, dir, name), 0);
	slurp(path, b);
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
		buf_reserve(out, 0);
	assert_int_equal(pclose(p), 0);
}

/* True if text s has an exact line equal to line. */
static bool has_line(const char *s, const char *line)
{
	size_t n = strlen(line);
	const char *p = s;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == s || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
			return true;
		p++;
	}
	return false;
}

/* Number of occurrences of needle in s. */
static int count_of(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)) != NULL; s++)
		n++;
	return n;
}

/* True if p starts with an ISO 8601 UTC timestamp with milliseconds. */
static bool is_iso_ms(const char *p)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t i;

	for (i = 0; i < ISO_LEN; i++) {
		if (p[i] == 0)
			return false;
		if (shape[i] == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != shape[i])
			return false;
	}
	return true;
}

/* Checks one log line "<timestamp> <rest>" and returns its rest. */
static const char *line_rest(const char *line)
{
	assert_true(is_iso_ms(line));
	assert_int_equal(line[ISO_LEN], ' ');
	return line + ISO_LEN + 1;
}

/* The permission bits of path (fails the test if it does not exist). */
static unsigned mode_of(const char *path, bool want_dir)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	assert_true(want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
	return (unsigned)(st.st_mode & 07777);
}

/* The last path component. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Creates a session under base, failing the test on error. */
static struct session *new_session(const char *base)
{
	struct session *s = NULL;
	struct error e = { 0 };

	if (session_create(base, &s, &e) < 0)
		fail_msg("session_create: %s", e.text);
	assert_non_null(s);
	return s;
}

/* Closes a session without packing, failing the test on error. */
static void end_session(struct session *s)
{
	struct error e = { 0 };

	if (session_close(s, false, NULL, 0, &e) < 0)
		fail_msg("session_close: %s", e.text);
}

/* Backs up one value, failing the test on error. */
static void backup(struct session *s, const char *module, uint16_t did, const uint8_t *data,
		   size_t len, char *path, size_t n)
{
	struct session_backup b = { .module = module, .tx = 0x710, .rx = 0x77A, .did = did,
				    .data = data, .len = len };
	struct error e = { 0 };

	if (session_backup(s, &b, path, n, &e) < 0)
		fail_msg("session_backup: %s", e.text);
}

/* The directory, its logs and backups/ get private modes; a first manifest exists. */
static void test_create_modes(void **state)
{
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	const char *dir = session_path(s);
	const char *name = base_name(dir);
	char p[PATH_MAX];
	struct buf m = { 0 };
	size_t i;

	assert_int_equal(strncmp(dir, f->base, strlen(f->base)), 0);
	assert_int_equal(dir[strlen(f->base)], '/');
	assert_int_equal(strlen(name), 15);
	for (i = 0; i < 15; i++)
		assert_true(i == 8 ? name[i] == '-' : (name[i] >= '0' && name[i] <= '9'));
	assert_int_equal(mode_of(f->base, true), 0700);
	assert_int_equal(mode_of(dir, true), 0700);
	fs_join(p, sizeof p, dir, "transcript.log");
	assert_int_equal(mode_of(p, false), 0600);
	fs_join(p, sizeof p, dir, "events.log");
	assert_int_equal(mode_of(p, false), 0600);
	fs_join(p, sizeof p, dir, "backups");
	assert_int_equal(mode_of(p, true), 0700);
	fs_join(p, sizeof p, dir, "manifest.json");
	assert_int_equal(mode_of(p, false), 0600);
	slurp(p, &m);
	assert_non_null(strstr(buf_str(&m), "\"format\": \"obdcon-session-1\""));
	assert_non_null(strstr(buf_str(&m), "\"program\": \"obdcon " PACKAGE_VERSION "\""));
	assert_non_null(strstr(buf_str(&m), "\"clean\": false"));
	assert_non_null(strstr(buf_str(&m), "\"ended\": null"));
	assert_non_null(strstr(buf_str(&m), "\"vin\": null"));
	sfmt(p, sizeof p, "%s", dir);
	end_session(s);
	slurp_in(p, "manifest.json", &m);
	assert_non_null(strstr(buf_str(&m), "\"clean\": true"));
	assert_null(strstr(buf_str(&m), "\"ended\": null"));
	assert_non_null(strstr(buf_str(&m), "\"ended\": \"20"));
	buf_free(&m);
}

/* With no base, sessions go under $XDG_DATA_HOME/obdcon/sessions. */
static void test_xdg_default(void **state)
{
	struct fixture *f = *state;
	char xdg[PATH_MAX], want[PATH_MAX], *old = getenv("XDG_DATA_HOME");
	struct session *s;

	old = old ? strdup(old) : NULL;
	sfmt(xdg, sizeof xdg, "%s/xdg", f->tmp);
	sfmt(want, sizeof want, "%s/obdcon/sessions/", xdg);
	assert_int_equal(setenv("XDG_DATA_HOME", xdg, 1), 0);
	s = new_session(NULL);
	assert_int_equal(strncmp(session_path(s), want, strlen(want)), 0);
	assert_null(strchr(session_path(s) + strlen(want), '/'));
	want[strlen(want) - 1] = 0;
	assert_int_equal(mode_of(want, true), 0700);
	assert_true(fs_is_file(session_path(s)) == false && fs_is_dir(session_path(s)));
	end_session(s);
	if (old)
		setenv("XDG_DATA_HOME", old, 1);
	else
		unsetenv("XDG_DATA_HOME");
	free(old);
}

/* One escaped, timestamped line per chunk; NULL session and empty chunks are no-ops. */
static void test_transcript_escaping(void **state)
{
	static const uint8_t tx[] = { 'A', 'T', 'Z', '\r', '\n', 0x00, 0xFC, '\\', '\t', ' ', '~', 0x7F };
	static const uint8_t rx[] = { 'O', 'K', '\r', '\r', '>' };
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	struct buf t = { 0 };
	char *nl;

	session_transcript(s, SESSION_TX, tx, sizeof tx);
	session_transcript(NULL, SESSION_TX, tx, sizeof tx);
	session_transcript(s, SESSION_TX, tx, 0);
	session_transcript(s, SESSION_RX, rx, sizeof rx);
	slurp_in(session_path(s), "transcript.log", &t);
	assert_int_equal(count_of(buf_str(&t), "\n"), 2);
	nl = strchr((char *)t.data, '\n');
	*nl = 0;
	assert_string_equal(line_rest(buf_str(&t)), "TX ATZ\\r\\n\\x00\\xFC\\\\\\t ~\\x7F");
	nl[strlen(nl + 1)] = 0; /* drop the final newline */
	assert_string_equal(line_rest(nl + 1), "RX OK\\r\\r>");
	end_session(s);
	buf_free(&t);
}

/* An event is one line, with newlines and backslashes in its text escaped. */
static void test_event_line(void **state)
{
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	struct buf t = { 0 };

	session_event(s, "script %s: %d\nsecond \\ line", "vw.lua", 42);
	session_event(NULL, "nothing %d", 1);
	slurp_in(session_path(s), "events.log", &t);
	assert_int_equal(count_of(buf_str(&t), "\n"), 1);
	assert_int_equal(t.data[t.len - 1], '\n');
	t.data[--t.len] = 0;
	assert_string_equal(line_rest(buf_str(&t)), "script vw.lua: 42\\nsecond \\\\ line");
	end_session(s);
	buf_free(&t);
}

/* set_vin renames the directory; open logs follow it; a new VIN renames again. */
static void test_set_vin_renames(void **state)
{
	static const uint8_t atz[] = "ATZ\r";
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	const char *live = session_path(s);
	char first[PATH_MAX], want[PATH_MAX], keep[PATH_MAX];
	struct error e = { 0 };
	struct buf t = { 0 };

	sfmt(first, sizeof first, "%s", live);
	assert_int_equal(session_set_vin(s, "wvw-ZZZ 1JZ XW000001 extra", &e), 0);
	sfmt(want, sizeof want, "%s-wvwZZZ1JZXW000001", first);
	assert_string_equal(session_path(s), want);
	assert_ptr_equal(session_path(s), live); /* the pointer stays valid */
	assert_false(fs_is_dir(first));
	assert_true(fs_is_dir(want));
	session_transcript(s, SESSION_TX, atz, 4);
	session_event(s, "after rename");
	slurp_in(want, "transcript.log", &t);
	assert_string_equal(line_rest(buf_str(&t)), "TX ATZ\\r\n");
	slurp_in(want, "events.log", &t);
	assert_string_equal(line_rest(buf_str(&t)), "after rename\n");
	assert_int_equal(session_set_vin(s, "wvwZZZ1JZXW000001", &e), 0);
	assert_string_equal(session_path(s), want);
	assert_int_equal(session_set_vin(s, "-- --", &e), -ERR_ARG);
	assert_int_equal(e.kind, ERR_ARG);
	assert_int_equal(session_set_vin(s, "WAUZZZ8K9BA000002", &e), 0);
	sfmt(keep, sizeof keep, "%s-WAUZZZ8K9BA000002", first);
	assert_string_equal(session_path(s), keep);
	assert_false(fs_is_dir(want));
	slurp_in(keep, "transcript.log", &t);
	assert_string_equal(line_rest(buf_str(&t)), "TX ATZ\\r\n");
	end_session(s);
	slurp_in(keep, "manifest.json", &t);
	assert_non_null(strstr(buf_str(&t), "\"vin\": \"WAUZZZ8K9BA000002\""));
	buf_free(&t);
}

/* Number of entries in a directory, besides . and .. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* A backup is written once with exact content; a second one keeps the original. */
static void test_backup_kept(void **state)
{
	static const uint8_t orig[] = { 0x01, 0x02, 0xFC, 0x00 };
	static const uint8_t changed[] = { 0x09, 0x09 };
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	char path[PATH_MAX], want[PATH_MAX], dir[PATH_MAX];
	struct session_backup bad = { .module = NULL };
	struct error e = { 0 };
	struct buf t = { 0 };

	sfmt(dir, sizeof dir, "%s", session_path(s));
	backup(s, "BCM", 0x0600, orig, sizeof orig, path, sizeof path);
	sfmt(want, sizeof want, "%s/backups/BCM-0600.bin", dir);
	assert_string_equal(path, want);
	assert_int_equal(mode_of(path, false), 0600);
	slurp(path, &t);
	assert_int_equal(t.len, sizeof orig);
	assert_memory_equal(t.data, orig, sizeof orig);
	backup(s, "BCM", 0x0600, changed, sizeof changed, path, sizeof path);
	assert_string_equal(path, want);
	slurp(path, &t);
	assert_int_equal(t.len, sizeof orig);
	assert_memory_equal(t.data, orig, sizeof orig);
	backup(s, "../evil", 0xF190, orig, 1, path, sizeof path);
	sfmt(want, sizeof want, "%s/backups/_._evil-F190.bin", dir);
	assert_string_equal(path, want);
	sfmt(want, sizeof want, "%s/backups", dir);
	assert_int_equal(dir_entries(want), 2); /* no temporary files left */
	assert_int_equal(session_backup(s, &bad, path, sizeof path, &e), -ERR_ARG);
	slurp_in(dir, "events.log", &t);
	assert_non_null(strstr(buf_str(&t), " backup BCM DID 0600 (4 bytes) -> backups/BCM-0600.bin\n"));
	assert_int_equal(session_write_manifest(s, false, &e), 0);
	slurp_in(dir, "manifest.json", &t);
	assert_int_equal(count_of(buf_str(&t), "\"file\": \"backups/BCM-0600.bin\""), 1);
	assert_non_null(strstr(buf_str(&t), "\"data\": \"0102FC00\""));
	assert_null(strstr(buf_str(&t), "\"data\": \"0909\""));
	end_session(s);
	buf_free(&t);
}

/* The object in text that contains position at (from its '{' to its '}'). */
static void object_around(const char *text, const char *at, char *out, size_t n)
{
	const char *start = at, *end = strchr(at, '}');

	while (start > text && *start != '{')
		start--;
	assert_non_null(end);
	assert_true((size_t)(end - start) < n);
	memcpy(out, start, (size_t)(end - start + 1));
	out[end - start + 1] = 0;
}

/* Records modules (updated by id), info (replaced by key) and a backup for the manifest. */
static void fill_manifest_data(struct session *s)
{
	static const uint8_t vin[] = { 0xDE, 0xAD, 0xBE, 0xEF };
	struct session_module ecu = { "ECU", "Engine", 0x7E0, 0x7E8, "03L906018", "0001", NULL };
	struct session_module bcm = { "BCM", "Body", 0x70E, 0x778, "5Q0937084", "0203", "H07" };
	struct error e = { 0 };

	session_set_info(s, "port", "/dev/ttyUSB0");
	session_set_info(s, "adapter", "ELM327 v1.5");
	session_set_info(s, "port", "/dev/ttyUSB1");
	session_add_module(s, &ecu);
	ecu.sw = "0002";
	session_add_module(s, &bcm);
	session_add_module(s, &ecu);
	assert_int_equal(session_set_vin(s, "WVWZZZ1JZXW000001", &e), 0);
	session_transcript(s, SESSION_TX, (const uint8_t *)"0902\r", 5);
	backup(s, "ECU", 0xF190, vin, sizeof vin, NULL, 0);
}

/* The manifest holds VIN, info, modules, backups and the SHA-256 of every file but itself. */
static void test_manifest_contents(void **state)
{
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	char hex[65], want[128], obj[1024];
	struct error e = { 0 };
	struct buf m = { 0 };
	uint64_t size = 0;
	const char *txt, *at;

	fill_manifest_data(s);
	assert_int_equal(session_write_manifest(s, false, &e), 0);
	slurp_in(session_path(s), "manifest.json", &m);
	txt = buf_str(&m);
	assert_non_null(strstr(txt, "\"vin\": \"WVWZZZ1JZXW000001\""));
	assert_non_null(strstr(txt, "\"clean\": false"));
	assert_true(strstr(txt, "\"port\": \"/dev/ttyUSB1\"") < strstr(txt, "\"adapter\": \"ELM327 v1.5\""));
	assert_null(strstr(txt, "ttyUSB0"));
	assert_int_equal(count_of(txt, "\"id\": \"ECU\""), 1);
	assert_true(strstr(txt, "\"id\": \"ECU\"") < strstr(txt, "\"id\": \"BCM\""));
	object_around(txt, strstr(txt, "\"id\": \"ECU\""), obj, sizeof obj);
	assert_non_null(strstr(obj, "\"tx\": 2016"));
	assert_non_null(strstr(obj, "\"rx\": 2024"));
	assert_non_null(strstr(obj, "\"sw\": \"0002\""));
	assert_non_null(strstr(obj, "\"hw\": null"));
	object_around(txt, strstr(txt, "\"module\": \"ECU\""), obj, sizeof obj);
	assert_non_null(strstr(obj, "\"did\": 61840"));
	assert_non_null(strstr(obj, "\"file\": \"backups/ECU-F190.bin\""));
	assert_non_null(strstr(obj, "\"length\": 4"));
	assert_non_null(strstr(obj, "\"data\": \"DEADBEEF\""));
	sfmt(want, sizeof want, "%s/transcript.log", session_path(s));
	assert_int_equal(sha256_file_hex(want, hex, &size), 0);
	at = strstr(txt, "\"path\": \"transcript.log\"");
	assert_non_null(at);
	object_around(txt, at, obj, sizeof obj);
	sfmt(want, sizeof want, "\"sha256\": \"%s\"", hex);
	assert_non_null(strstr(obj, want));
	sfmt(want, sizeof want, "\"size\": %llu", (unsigned long long)size);
	assert_non_null(strstr(obj, want));
	sha256_hex("\xDE\xAD\xBE\xEF", 4, hex);
	object_around(txt, strstr(txt, "\"path\": \"backups/ECU-F190.bin\""), obj, sizeof obj);
	assert_non_null(strstr(obj, hex));
	assert_true(strstr(txt, "\"path\": \"backups/ECU-F190.bin\"") < strstr(txt, "\"path\": \"events.log\""));
	assert_true(strstr(txt, "\"path\": \"events.log\"") < at);
	assert_null(strstr(txt, "\"path\": \"manifest.json\""));
	end_session(s);
	buf_free(&m);
}

/* Extracts one member of an archive to memory with the given command prefix. */
static void extract(const char *cmd, const char *archive, const char *member, struct buf *out)
{
	char line[3 * PATH_MAX];

	sfmt(line, sizeof line, "%s '%s' '%s'", cmd, archive, member);
	run_capture(line, out);
}

/* Asserts a tar listing holds the whole session. */
static void assert_tar_listing(const char *list, const char *name, const char *module)
{
	char want[PATH_MAX];

	sfmt(want, sizeof want, "%s/", name);
	assert_true(has_line(list, want));
	sfmt(want, sizeof want, "%s/transcript.log", name);
	assert_true(has_line(list, want));
	sfmt(want, sizeof want, "%s/events.log", name);
	assert_true(has_line(list, want));
	sfmt(want, sizeof want, "%s/manifest.json", name);
	assert_true(has_line(list, want));
	sfmt(want, sizeof want, "%s/backups/", name);
	assert_true(has_line(list, want));
	sfmt(want, sizeof want, "%s/backups/%s-0600.bin", name, module);
	assert_true(has_line(list, want));
}

/* session_close packs <dir>.tar.gz that tar lists and extracts. */
static void test_close_packs_targz(void **state)
{
	static const uint8_t val[] = { 0x00, 0x11, 0xA5 };
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	char dir[PATH_MAX], name[NAME_MAX + 1], archive[PATH_MAX], want[PATH_MAX + 16],
		cmd[PATH_MAX + 32], member[PATH_MAX];
	struct error e = { 0 };
	struct buf out = { 0 };

	assert_int_equal(session_set_vin(s, "WVWZZZ1JZXW000001", &e), 0);
	sfmt(dir, sizeof dir, "%s", session_path(s));
	sfmt(name, sizeof name, "%s", base_name(dir));
	session_transcript(s, SESSION_RX, (const uint8_t *)"ELM327 v1.5\r\r>", 14);
	backup(s, "BCM", 0x0600, val, sizeof val, NULL, 0);
	assert_int_equal(session_close(s, true, archive, sizeof archive, &e), 0);
	sfmt(want, sizeof want, "%s.tar.gz", dir);
	assert_string_equal(archive, want);
	assert_int_equal(mode_of(archive, false), 0600);
	sfmt(want, sizeof want, "%s.tar.gz.tmp", dir);
	assert_false(fs_is_file(want));
	sfmt(cmd, sizeof cmd, "tar -tzf '%s'", archive);
	run_capture(cmd, &out);
	assert_tar_listing(buf_str(&out), name, "BCM");
	sfmt(member, sizeof member, "%s/backups/BCM-0600.bin", name);
	extract("tar -xOzf", archive, member, &out);
	assert_int_equal(out.len, sizeof val);
	assert_memory_equal(out.data, val, sizeof val);
	sfmt(member, sizeof member, "%s/manifest.json", name);
	extract("tar -xOzf", archive, member, &out);
	assert_non_null(strstr(buf_str(&out), "\"clean\": true"));
	sfmt(cmd, sizeof cmd, "tar --numeric-owner -tvzf '%s' | grep 'transcript.log$'", archive);
	run_capture(cmd, &out);
	assert_int_equal(strncmp(buf_str(&out), "-rw------- 0/0 ", 15), 0);
	buf_free(&out);
}

/* Writes a 200 KiB file with a pattern into dir (to cross chunk boundaries). */
static void write_big(const char *dir, struct buf *big)
{
	char path[PATH_MAX];
	struct error e = { 0 };
	uint32_t x = 12345;
	size_t i;

	buf_reset(big);
	for (i = 0; i < 200 * 1024; i++) {
		x = x * 1103515245u + 12345u;
		buf_putc(big, (uint8_t)(x >> 16));
	}
	fs_join(path, sizeof path, dir, "big.bin");
	assert_int_equal(fs_write_atomic(path, big->data, big->len, 0644, &e), 0);
}

/* Closes a session with a backup and a big file; its path goes to dir. */
static void closed_session(struct fixture *f, char *dir, size_t n, struct buf *big)
{
	static const uint8_t val[] = { 0xCA, 0xFE };
	struct session *s = new_session(f->base);

	sfmt(dir, n, "%s", session_path(s));
	session_transcript(s, SESSION_TX, (const uint8_t *)"ATI\r", 4);
	backup(s, "ECU", 0x0600, val, sizeof val, NULL, 0);
	write_big(dir, big);
	end_session(s);
}

/* Packs to a format and checks the listing and the big file's content. */
static void check_format(void **state, enum session_format fmt, const char *lister,
			 const char *extractor)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], archive[PATH_MAX], cmd[PATH_MAX + 32], member[PATH_MAX];
	const char *name;
	struct buf big = { 0 }, out = { 0 };
	struct error e = { 0 };

	closed_session(f, dir, sizeof dir, &big);
	name = base_name(dir);
	sfmt(archive, sizeof archive, "%s/out%s", f->tmp, session_format_ext(fmt));
	assert_int_equal(session_pack(dir, archive, fmt, &e), 0);
	sfmt(cmd, sizeof cmd, "%s '%s'", lister, archive);
	run_capture(cmd, &out);
	if (fmt == SESSION_ZIP) {
		sfmt(member, sizeof member, "   %s/backups/ECU-0600.bin\n", name);
		assert_non_null(strstr(buf_str(&out), member));
		sfmt(member, sizeof member, "   %s/transcript.log\n", name);
		assert_non_null(strstr(buf_str(&out), member));
		sfmt(member, sizeof member, "   %s/manifest.json\n", name);
		assert_non_null(strstr(buf_str(&out), member));
	} else {
		assert_tar_listing(buf_str(&out), name, "ECU");
	}
	sfmt(member, sizeof member, "%s/big.bin", name);
	extract(extractor, archive, member, &out);
	assert_int_equal(out.len, big.len);
	assert_memory_equal(out.data, big.data, big.len);
	buf_free(&big);
	buf_free(&out);
}

/* tar.gz through session_pack, extracted byte for byte. */
static void test_pack_tar_gz(void **state)
{
	check_format(state, SESSION_TAR_GZ, "tar -tzf", "tar -xOzf");
}

/* tar.xz lists with tar -tJf and extracts byte for byte. */
static void test_pack_tar_xz(void **state)
{
	check_format(state, SESSION_TAR_XZ, "tar -tJf", "tar -xOJf");
}

/* zip lists with unzip -l and extracts byte for byte. */
static void test_pack_zip(void **state)
{
	check_format(state, SESSION_ZIP, "unzip -l", "unzip -p");
}

/* Packing a missing directory fails and leaves no file behind. */
static void test_pack_missing_dir(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], archive[PATH_MAX];
	struct error e = { 0 };

	sfmt(dir, sizeof dir, "%s/nope", f->tmp);
	sfmt(archive, sizeof archive, "%s/nope.tar.gz", f->tmp);
	assert_int_equal(session_pack(dir, archive, SESSION_TAR_GZ, &e), -ERR_IO);
	assert_non_null(strstr(e.text, "nope"));
	assert_int_equal(dir_entries(f->tmp), 0);
	assert_string_equal(session_format_ext(SESSION_TAR_XZ), ".tar.xz");
	assert_string_equal(session_format_ext(SESSION_ZIP), ".zip");
}

/* Two more sessions in a second whose name is taken get -2 and -3. */
static void test_name_collision(void **state)
{
	struct fixture *f = *state;
	char stamp[32], again[32], path[PATH_MAX], want[64];
	struct session *a, *b;
	struct error e = { 0 };
	int tries;

	assert_int_equal(fs_mkdir_p(f->base, 0700, &e), 0);
	for (tries = 0; tries < 5; tries++) {
		clock_compact(stamp, sizeof stamp);
		fs_join(path, sizeof path, f->base, stamp);
		assert_int_equal(mkdir(path, 0700), 0);
		a = new_session(f->base);
		b = new_session(f->base);
		clock_compact(again, sizeof again);
		if (strcmp(stamp, again) == 0)
			break;
		end_session(a); /* the second changed: try again in the next one */
		end_session(b);
	}
	assert_true(tries < 5);
	sfmt(want, sizeof want, "%s-2", stamp);
	assert_string_equal(base_name(session_path(a)), want);
	sfmt(want, sizeof want, "%s-3", stamp);
	assert_string_equal(base_name(session_path(b)), want);
	sfmt(path, sizeof path, "%s/%s-3-WVWZZZ1JZXW000001", f->base, stamp);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(session_set_vin(b, "WVWZZZ1JZXW000001", &e), 0);
	sfmt(want, sizeof want, "%s-3-WVWZZZ1JZXW000001-2", stamp);
	assert_string_equal(base_name(session_path(b)), want);
	end_session(a);
	end_session(b);
}

/* A killed process leaves its transcript, events and a first manifest behind. */
static void test_survives_kill(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX];
	struct buf t = { 0 };
	DIR *d;
	struct dirent *de;
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct session *s = NULL;

		if (session_create(f->base, &s, NULL) < 0)
			_exit(1);
		session_transcript(s, SESSION_TX, (const uint8_t *)"ATRV\r", 5);
		session_event(s, "about to die");
		kill(getpid(), SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	d = opendir(f->base);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL && de->d_name[0] == '.')
		;
	assert_non_null(de);
	fs_join(dir, sizeof dir, f->base, de->d_name);
	closedir(d);
	slurp_in(dir, "transcript.log", &t);
	assert_string_equal(line_rest(buf_str(&t)), "TX ATRV\\r\n");
	slurp_in(dir, "events.log", &t);
	assert_string_equal(line_rest(buf_str(&t)), "about to die\n");
	slurp_in(dir, "manifest.json", &t);
	assert_non_null(strstr(buf_str(&t), "\"clean\": false"));
	buf_free(&t);
}

/* Closing NULL is a no-op that clears the archive path. */
static void test_close_null(void **state)
{
	char archive[16] = "junk";
	struct error e = { 0 };

	(void)state;
	assert_int_equal(session_close(NULL, true, archive, sizeof archive, &e), 0);
	assert_string_equal(archive, "");
}

/* Operations are recorded once each, in order, and read back with the rest. */
static void test_operations(void **state)
{
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	struct session_manifest m;
	struct error e = { 0 };
	char dir[PATH_MAX];

	fill_manifest_data(s);
	session_set_operation(s, "scan");
	session_set_operation(s, "coding");
	session_set_operation(s, "scan");
	session_set_operation(s, "");
	session_set_operation(s, NULL);
	session_set_operation(NULL, "scan");
	sfmt(dir, sizeof dir, "%s", session_path(s));
	end_session(s);
	if (session_manifest_load(dir, &m, &e) < 0)
		fail_msg("%s", e.text);
	assert_int_equal(m.noperations, 2);
	assert_string_equal(m.operations[0], "scan");
	assert_string_equal(m.operations[1], "coding");
	assert_true(m.clean);
	assert_non_null(m.ended);
	assert_string_equal(m.vin, "WVWZZZ1JZXW000001");
	assert_int_equal(m.nmodules, 2);
	assert_string_equal(m.modules[0].sw, "0002");
	assert_null(m.modules[0].hw);
	assert_int_equal(m.nbackups, 1);
	assert_int_equal(m.backups[0].did, 0xF190);
	assert_memory_equal(m.backups[0].data, "\xDE\xAD\xBE\xEF", 4);
	assert_non_null(session_manifest_file(&m, "transcript.log"));
	assert_null(session_manifest_file(&m, "manifest.json"));
	assert_int_equal(session_manifest_verify(&m, dir, false, NULL, &e), 0);
	session_manifest_free(&m);
}

/* A backup is in the manifest as soon as it is made: a session killed right
 * after it still lists it for restore. */
static void test_backup_in_manifest_at_once(void **state)
{
	static const uint8_t val[] = { 0x5A, 0xA5 };
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	struct session_manifest m;
	struct error e = { 0 };

	backup(s, "BCM", 0x0600, val, sizeof val, NULL, 0);
	if (session_manifest_load(session_path(s), &m, &e) < 0)
		fail_msg("%s", e.text);
	assert_false(m.clean);
	assert_int_equal(m.nbackups, 1);
	assert_string_equal(m.backups[0].module, "BCM");
	assert_memory_equal(m.backups[0].data, val, sizeof val);
	assert_non_null(session_manifest_file(&m, "backups/BCM-0600.bin"));
	session_manifest_free(&m);
	end_session(s);
}

/* Manifests that must be refused, and the field each names. */
static void test_manifest_refused(void **state)
{
	static const char *const bad[][2] = {
		{ "[]", "not a JSON object" },
		{ "{}", "format: missing" },
		{ "{\"format\": \"obdcon-session-9\"}", "unknown format 'obdcon-session-9'" },
		{ "{\"format\": \"obdcon-session-1\", \"clean\": 1}", "clean: not a boolean" },
		{ "{\"format\": \"obdcon-session-1\", \"files\": {}}", "files: not an array" },
		{ "{\"format\": \"obdcon-session-1\", \"files\": [{\"path\": \"../x\", \"size\": 1,"
		  " \"sha256\": \"\"}]}", "files[0].path: refused path '../x'" },
		{ "{\"format\": \"obdcon-session-1\", \"files\": [{\"path\": \"a\", \"size\": -1,"
		  " \"sha256\": \"\"}]}", "files[0].size: -1 out of range" },
		{ "{\"format\": \"obdcon-session-1\", \"files\": [{\"path\": \"a\", \"size\": 1,"
		  " \"sha256\": \"AB\"}]}", "files[0].sha256: not a SHA-256 in hex" },
		{ "{\"format\": \"obdcon-session-1\", \"modules\": [{\"id\": \"x\", \"tx\": \"7E0\"}]}",
		  "modules[0].tx: not an integer" },
		{ "{\"format\": \"obdcon-session-1\", \"backups\": [{\"module\": \"x\", \"tx\": 1,"
		  " \"rx\": 2, \"did\": 70000, \"length\": 1, \"data\": \"00\"}]}",
		  "backups[0].did: 70000 out of range" },
		{ "{\"format\": \"obdcon-session-1\", \"backups\": [{\"module\": \"x\", \"tx\": 1,"
		  " \"rx\": 2, \"did\": 1, \"length\": 2, \"data\": \"00\"}]}",
		  "backups[0].data: not 2 bytes of hex" },
		{ "{\"format\": \"obdcon-session-1\", \"vin\": \"a\\u0000b\"}", "vin: not a string" },
		{ "{\"format\": \"obdcon-session-1\"", "JSON line 1" },
	};
	struct session_manifest m;
	struct error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		error_clear(&e);
		assert_true(session_manifest_parse(bad[i][0], strlen(bad[i][0]), &m, &e) < 0);
		assert_int_equal(e.kind, ERR_FORMAT);
		if (strstr(e.text, bad[i][1]) == NULL)
			fail_msg("'%s': got '%s', want '%s'", bad[i][0], e.text, bad[i][1]);
		assert_null(m.priv);
	}
}

/* The manifest is the first file of an archive (listing reads only it). */
static void test_pack_manifest_first(void **state)
{
	struct fixture *f = *state;
	struct session *s = new_session(f->base);
	char dir[PATH_MAX], archive[PATH_MAX], cmd[PATH_MAX + 32], want[PATH_MAX];
	struct buf out = { 0 };

	backup(s, "BCM", 0x0600, (const uint8_t *)"\x01", 1, NULL, 0);
	sfmt(dir, sizeof dir, "%s", session_path(s));
	assert_int_equal(session_close(s, true, archive, sizeof archive, NULL), 0);
	sfmt(cmd, sizeof cmd, "tar -tzf '%s' | head -n 2", archive);
	run_capture(cmd, &out);
	sfmt(want, sizeof want, "%s/\n%s/manifest.json\n", base_name(dir), base_name(dir));
	assert_string_equal(buf_str(&out), want);
	buf_free(&out);
}

/* One recorded exchange: what the console sent and what came back. */
struct exchange {
	const char *tx;
	const char *rx;
	size_t rxlen; /* 0: strlen(rx) */
};

/* Records exchanges into a new session and closes it (packed); the
 * directory goes to dir. */
static void record(struct fixture *f, const struct exchange *x, size_t n, char *dir, size_t dn)
{
	struct session *s = new_session(f->base);
	struct error e = { 0 };
	size_t i;

	sfmt(dir, dn, "%s", session_path(s));
	for (i = 0; i < n; i++) {
		session_transcript(s, SESSION_TX, (const uint8_t *)x[i].tx, strlen(x[i].tx));
		if (x[i].rx)
			session_transcript(s, SESSION_RX, (const uint8_t *)x[i].rx,
					   x[i].rxlen ? x[i].rxlen : strlen(x[i].rx));
	}
	if (session_close(s, true, NULL, 0, &e) < 0)
		fail_msg("session_close: %s", e.text);
}

/* Opens a replay, failing the test on error. */
static struct session_replay *replay(const char *path)
{
	struct session_replay *r = NULL;
	struct error e = { 0 };

	if (session_replay_open(path, &r, &e) < 0)
		fail_msg("session_replay_open: %s", e.text);
	return r;
}

/* Sends one string and checks the exact answer. */
static void ask(struct session_replay *r, const char *tx, const char *want, size_t wantlen)
{
	struct buf rx = { 0 };

	assert_int_equal(session_replay_answer(r, (const uint8_t *)tx, strlen(tx), &rx), 0);
	if (wantlen == 0)
		wantlen = strlen(want);
	assert_int_equal(rx.len, wantlen);
	if (wantlen)
		assert_memory_equal(rx.data, want, wantlen);
	buf_free(&rx);
}

/* Exchanges with every escaped byte, answered back from the directory and
 * from the archive; lines split across calls or joined in one. */
static void test_replay_round_trip(void **state)
{
	static const char odd[] = "41 00 \x00\x01\x7F\xFF\\\t~\r\n\r>";
	static const struct exchange x[] = {
		{ "ATZ\r", "\r\rELM327 v1.5\r\r>", 0 },
		{ "ATE0\r", "ATE0\rOK\r\r>", 0 },
		{ "0100\r", odd, sizeof odd - 1 },
		{ "22 F1 90\r", "62F1905756\r\r>", 0 },
	};
	struct fixture *f = *state;
	char dir[PATH_MAX], arch[PATH_MAX];
	struct session_replay *r;
	int pass;

	record(f, x, 4, dir, sizeof dir);
	sfmt(arch, sizeof arch, "%s.tar.gz", dir);
	for (pass = 0; pass < 2; pass++) {
		r = replay(pass ? arch : dir);
		assert_int_equal(session_replay_commands(r), 4);
		ask(r, "ATZ\r", "\r\rELM327 v1.5\r\r>", 0);
		ask(r, "ate0\r", "ATE0\rOK\r\r>", 0);
		ask(r, "01", "", 0);
		ask(r, "00\r", odd, sizeof odd - 1);
		ask(r, "22F190\rATZ\r", "62F1905756\r\r>\r\rELM327 v1.5\r\r>", 0);
		assert_int_equal(session_replay_unknown(r), 0);
		session_replay_close(r);
	}
}

/* A command sent several times gets its answers in recorded order, then
 * starts over. */
static void test_replay_repeated(void **state)
{
	static const struct exchange x[] = {
		{ "0100\r", "A\r>", 0 }, { "010C\r", "B\r>", 0 },
		{ "010C\r", "C\r>", 0 }, { "0100\r", "D\r>", 0 },
	};
	struct fixture *f = *state;
	char dir[PATH_MAX];
	struct session_replay *r;

	record(f, x, 4, dir, sizeof dir);
	r = replay(dir);
	ask(r, "0100\r", "A\r>", 0);
	ask(r, "010C\r", "B\r>", 0);
	ask(r, "010C\r", "C\r>", 0);
	ask(r, "0100\r", "D\r>", 0);
	ask(r, "0100\r", "A\r>", 0);
	ask(r, "010C\r", "B\r>", 0);
	ask(r, "0100\r", "D\r>", 0);
	ask(r, "010C\r", "B\r>", 0);
	session_replay_close(r);
}

/* Collects notes for the test. */
static void collect_note(void *arg, const char *text)
{
	buf_printf(arg, "%s\n", text);
}

/* A command never recorded gets "?" (AT/ST) or NO DATA, and a note. */
static void test_replay_unknown(void **state)
{
	static const struct exchange x[] = { { "ATI\r", "ELM327 v1.5\r\r>", 0 } };
	static const char want[] = "replay: 'ATMA' was not recorded; answered ?\n"
				   "replay: 'STDI' was not recorded; answered ?\n"
				   "replay: '0902' was not recorded; answered NO DATA\n";
	struct fixture *f = *state;
	char dir[PATH_MAX], longline[5000];
	struct session_replay *r;
	struct buf notes = { 0 };

	record(f, x, 1, dir, sizeof dir);
	r = replay(dir);
	session_replay_set_note(r, collect_note, &notes);
	ask(r, "ATMA\r", "?\r\r>", 0);
	ask(r, "STDI\r", "?\r\r>", 0);
	ask(r, "0902\r", "NO DATA\r\r>", 0);
	ask(r, "ATI\r", "ELM327 v1.5\r\r>", 0);
	memset(longline, 'A', sizeof longline - 2);
	longline[1] = 'T'; /* "ATAAA...": too long to have been recorded */
	longline[sizeof longline - 2] = '\r';
	longline[sizeof longline - 1] = 0;
	ask(r, longline, "?\r\r>", 0);
	assert_int_equal(session_replay_unknown(r), 4);
	assert_int_equal(strncmp(buf_str(&notes), want, strlen(want)), 0);
	assert_int_equal(count_of(buf_str(&notes), "\n"), 4);
	session_replay_close(r);
	buf_free(&notes);
}

/* Malformed transcripts are refused with the line number. */
static void test_replay_malformed(void **state)
{
	static const char *const bad[][2] = {
		{ "T TX ATZ\\r\nT RX OK\\q\n", "transcript.log:2: unknown escape" },
		{ "T TX ATZ\\r\nT RX OK\\x4\n", "transcript.log:2: truncated \\x escape" },
		{ "T TX ATZ\\xG0\n", "transcript.log:1: bad \\x escape" },
		{ "T TX ATZ\\\n", "transcript.log:1: escape at the end of the line" },
		{ "T TX ATZ\\x4\nT TX ATI\r\n", "transcript.log:1: truncated \\x escape" },
		{ "T TX A\tZ\n", "transcript.log:1: unexpected byte" },
		{ "T XX ATZ\n", "transcript.log:1: TX or RX expected after the timestamp" },
		{ "\nT TX ATZ\n", "transcript.log:1: no timestamp" },
		{ "T TX ok\nT TX ok\nTXATZ\n", "transcript.log:3: no timestamp" },
	};
	static const char *const cut[][2] = {
		{ "T TX ATZ\\r\nT RX OK\\x4", "OK" },
		{ "T TX ATZ\\r\nT RX OK\\r\\", "OK\r" },
		{ "T TX ATZ\\r\nT RX OK\\x", "OK" },
		{ "T TX ATZ\\r\nT R", "" },
		{ "T TX ATZ\\r\n2026-11-28T01:3", "" },
	};
	struct session_replay *r = NULL;
	struct error e;
	struct buf big = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		error_clear(&e);
		assert_int_equal(session_replay_parse(bad[i][0], strlen(bad[i][0]), &r, &e),
				 -ERR_FORMAT);
		assert_null(r);
		assert_string_equal(e.text, bad[i][1]);
	}
	buf_puts(&big, "T TX ");
	for (i = 0; i < SESSION_REPLAY_LINE_MAX; i++)
		buf_putc(&big, 'A');
	assert_int_equal(session_replay_parse((char *)big.data, big.len, &r, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "transcript.log:1: line too long");
	assert_int_equal(session_replay_parse("T TX ATZ\\r\nT RX OK", 18, &r, &e), 0);
	assert_int_equal(session_replay_commands(r), 1); /* a last line without newline counts */
	ask(r, "ATZ\r", "OK", 0);
	session_replay_close(r);
	/* a last line cut by a crash keeps what it holds whole */
	for (i = 0; i < sizeof cut / sizeof cut[0]; i++) {
		assert_int_equal(session_replay_parse(cut[i][0], strlen(cut[i][0]), &r, &e), 0);
		assert_int_equal(session_replay_commands(r), 1);
		ask(r, "ATZ\r", cut[i][1], 0);
		session_replay_close(r);
	}
	assert_int_equal(session_replay_parse("", 0, &r, &e), 0);
	assert_int_equal(session_replay_commands(r), 0);
	session_replay_close(r);
	buf_free(&big);
}

/* An archive whose transcript was changed after packing is not replayed. */
static void test_replay_tampered(void **state)
{
	static const struct exchange x[] = { { "ATI\r", "ELM327 v1.5\r\r>", 0 } };
	struct fixture *f = *state;
	char dir[PATH_MAX], path[PATH_MAX], arch[PATH_MAX];
	struct session_replay *r = NULL;
	struct error e = { 0 };

	record(f, x, 1, dir, sizeof dir);
	sfmt(path, sizeof path, "%s/transcript.log", dir);
	assert_int_equal(fs_write_atomic(path, "T TX ATI\\r\nT RX LIE\n", 20, 0600, &e), 0);
	sfmt(arch, sizeof arch, "%s/tampered.tar.gz", f->tmp);
	assert_int_equal(session_pack(dir, arch, SESSION_TAR_GZ, &e), 0);
	assert_int_equal(session_replay_open(arch, &r, &e), -ERR_VERIFY);
	assert_null(r);
	assert_non_null(strstr(e.text, "transcript.log: SHA-256 does not match the manifest"));
	sfmt(path, sizeof path, "%s/nothing", f->tmp);
	assert_int_equal(session_replay_open(path, &r, &e), -ERR_NOT_FOUND);
}

/* Runs every session test as one group. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdg_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transcript_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_vin_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_contents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_packs_targz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_tar_gz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_tar_xz, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_zip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pack_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_collision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_in_manifest_at_once, setup, teardown),
		cmocka_unit_test(test_manifest_refused),
		cmocka_unit_test_setup_teardown(test_pack_manifest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_repeated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_unknown, setup, teardown),
		cmocka_unit_test(test_replay_malformed),
		cmocka_unit_test_setup_teardown(test_replay_tampered, setup, teardown),
	};

	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
