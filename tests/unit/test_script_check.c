/* test_script_check.c: `obdcon check` diagnostics: one fixture per
 * diagnostic under tests/scripts/check, each naming the problems it must
 * produce ("-- expect: LINE: text" lines, or "-- expect: none"), checked
 * against a simulated vehicle whose DIDs and flash memory the fixtures'
 * brand matches (flash_*.lua: procedures that fit it and ones that do
 * not); and the shipped scripts check clean against the demo vehicle. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "script/script.h"

#define CHECK_DIR OBDCON_SRCDIR "/tests/scripts/check"
#define MAX_FILES 64
#define MAX_PROBLEMS 16

/* The problems reported by one run. */
struct reports {
	size_t n;
	char file[MAX_PROBLEMS][256];
	int line[MAX_PROBLEMS];
	char msg[MAX_PROBLEMS][512];
};

/* Collects one reported problem. */
static void collect(void *arg, const char *file, int line, const char *msg)
{
	struct reports *r = arg;

	if (r->n == MAX_PROBLEMS)
		return;
	snprintf(r->file[r->n], sizeof r->file[0], "%s", file);
	r->line[r->n] = line;
	snprintf(r->msg[r->n], sizeof r->msg[0], "%s", msg);
	r->n++;
}

static const struct script_check_did chk_dids[] = {
	{ 0x70E, 0x0600, 4 },
	{ 0x70E, 0x0601, 2 },
	{ 0x714, 0x0600, 16 },
	{ 0x7A0, 0xF187, 10 }, /* a module without flash memory */
};
/* The engine's flash: 256 KiB at 0x80000 in sectors of 16 KiB, its part
 * number read from 0x200 and its software from 0x20C of the memory. */
static const struct script_check_flash chk_flash[] = {
	{ 0x7E0, 0x80000, 0x40000, 0x4000, 0xFF00, 0x0202, 0x200, UINT32_MAX, 0x20C },
};
static const struct script_check_vehicle chk_vehicle = { "CHK0SIMULATED0001", 4, chk_dids, 1,
							 chk_flash };

/* One fixture: exactly the expected problems, at the expected lines. */
static void test_fixture(void **state)
{
	const char *path = *state;
	const char *files[] = { path };
	struct reports r = { 0 };
	char buf[512];
	size_t expected = 0, i;
	int problems;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	problems = script_check(files, 1, &chk_vehicle, 1, collect, &r);
	assert_int_equal(problems, (int)r.n);
	while (fgets(buf, sizeof buf, f) && strncmp(buf, "-- expect: ", 11) == 0) {
		char *end, *want;
		int line;
		buf[strcspn(buf, "\r\n")] = 0;
		if (strcmp(buf + 11, "none") == 0)
			break;
		line = (int)strtol(buf + 11, &end, 10);
		want = end + 2;
		for (i = 0; i < r.n; i++)
			if (r.line[i] == line && strstr(r.msg[i], want) && strcmp(r.file[i], path) == 0)
				break;
		if (i == r.n)
			fail_msg("expected line %d: \"%s\"; got %zu problem(s), first: %d: %s", line,
				 want, r.n, r.n ? r.line[0] : 0, r.n ? r.msg[0] : "");
		expected++;
	}
	fclose(f);
	if (r.n != expected)
		fail_msg("%zu problem(s) reported, %zu expected; first: %d: %s", r.n, expected,
			 r.line[0], r.msg[0]);
}

/* A brand declared again in a second file is reported in that file; a
 * missing file is reported too. */
static void test_several_files(void **state)
{
	const char *files[] = { CHECK_DIR "/clean.lua", CHECK_DIR "/outside_did.lua",
				"/nonexistent/obdcon.lua" };
	struct reports r = { 0 };

	(void)state;
	assert_int_equal(script_check(files, 3, NULL, 0, collect, &r), 2);
	assert_string_equal(r.file[0], files[1]);
	assert_int_equal(r.line[0], 2);
	assert_non_null(strstr(r.msg[0], "duplicate id 'chk'"));
	assert_string_equal(r.file[1], files[2]);
	assert_non_null(strstr(r.msg[1], "cannot open"));
}

/* The shipped scripts check clean against the demo vehicle's DIDs and
 * flash memory. */
static void test_shipped(void **state)
{
	static const struct script_check_did demo[] = {
		{ 0x70E, 0x0600, 24 },
		{ 0x70E, 0x0601, 2 },
		{ 0x714, 0x0600, 16 },
	};
	static const struct script_check_flash flash[] = {
		{ 0x7E0, 0, 0x10000, 0x1000, 0xFF00, 0x0202, UINT32_MAX, UINT32_MAX, 0x10C },
	};
	const struct script_check_vehicle v = { "OBDDEMO0SIM000001", 3, demo, 1, flash };
	const char *files[] = { OBDCON_SRCDIR "/scripts/demo.lua",
				OBDCON_SRCDIR "/scripts/generic.lua" };
	struct reports r = { 0 };

	(void)state;
	if (script_check(files, 2, &v, 1, collect, &r) != 0)
		fail_msg("%s:%d: %s", r.file[0], r.line[0], r.msg[0]);
}

#define MAN_PAGE OBDCON_SRCDIR "/man/obdcon-scripts.5"

/* Extracts the worked example of the man page (between ".SH EXAMPLE",
 * ".RS" and ".RE") as Lua into path. */
static void extract_example(const char *path)
{
	FILE *in = fopen(MAN_PAGE, "r"), *out = fopen(path, "w");
	char line[512];
	int stage = 0;

	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof line, in) && stage < 3) {
		char *p = line, *q = line;
		if (stage == 0 && strncmp(line, ".SH EXAMPLE", 11) == 0)
			stage = 1;
		else if (stage == 1 && strncmp(line, ".RS", 3) == 0)
			stage = 2;
		else if (stage == 2 && strncmp(line, ".RE", 3) == 0)
			stage = 3;
		else if (stage == 2) {
			for (; *p; p++, q++) {
				if (p[0] == '\\' && (p[1] == '-' || p[1] == 'e')) {
					*q = p[1] == 'e' ? '\\' : '-';
					p++;
				} else {
					*q = *p;
				}
			}
			*q = 0;
			fputs(line, out);
		}
	}
	fclose(in);
	fclose(out);
	assert_int_equal(stage, 3);
}

/* The man page's worked example loads and checks clean on a vehicle its
 * brand matches, and one its match() refuses gets the fallback. */
static void test_man_example(void **state)
{
	static const struct script_check_did dids[] = {
		{ 0x70E, 0x0600, 16 },
		{ 0x70E, 0x0601, 2 },
	};
	const struct script_check_vehicle v = { "XMP000000L0000001", 2, dids, 0, NULL };
	char path[] = "/tmp/obdcon-test-example-XXXXXX.lua";
	const char *files[] = { path };
	struct reports r = { 0 };
	struct script_host *h;
	struct error e;
	int brand, fd = mkstemps(path, 4);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	extract_example(path);
	if (script_check(files, 1, &v, 1, collect, &r) != 0)
		fail_msg("%d: %s", r.line[0], r.msg[0]);
	assert_int_equal(script_host_new(&h, &e), 0);
	assert_int_equal(script_load_file(h, path, &e), 0);
	assert_int_equal(script_feature_count(h), 5);
	assert_int_equal(script_match_vehicle(h, "XMP000000L0000001", NULL, &brand, &e), 0);
	assert_int_equal(brand, 0);
	assert_int_equal(script_match_vehicle(h, "XMP000000H0000001", NULL, &brand, &e), 0);
	assert_int_equal(brand, -1);
	script_host_free(h);
	remove(path);
}

/* The man page renders without warnings (skipped without man). */
static void test_man_renders(void **state)
{
	char out[1024] = "";
	size_t n;
	FILE *p;

	(void)state;
	if (system("command -v man >/dev/null 2>&1") != 0)
		skip();
	p = popen("MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l " MAN_PAGE
		  " 2>&1 >/dev/null",
		  "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	pclose(p);
	assert_string_equal(out, "");
}

/* Compares two C strings for qsort. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One test per fixture, then the fixed tests. */
int main(void)
{
	struct CMUnitTest tests[MAX_FILES + 4];
	char *paths[MAX_FILES];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(CHECK_DIR);
	int rc;

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL && n < MAX_FILES) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".lua") == 0) {
			paths[n] = malloc(strlen(CHECK_DIR) + len + 2);
			sprintf(paths[n++], "%s/%s", CHECK_DIR, de->d_name);
		}
	}
	closedir(d);
	qsort(paths, n, sizeof *paths, compare_names);
	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ strrchr(paths[i], '/') + 1, test_fixture, NULL, NULL,
						paths[i] };
	tests[n] = (struct CMUnitTest){ "several files", test_several_files, NULL, NULL, NULL };
	tests[n + 1] = (struct CMUnitTest){ "shipped scripts", test_shipped, NULL, NULL, NULL };
	tests[n + 2] = (struct CMUnitTest){ "man page example", test_man_example, NULL, NULL, NULL };
	tests[n + 3] = (struct CMUnitTest){ "man page renders", test_man_renders, NULL, NULL, NULL };
	rc = _cmocka_run_group_tests("script_check", tests, n + 4, NULL, NULL);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
