/* test_script_check.c: `obdcon check` diagnostics: one fixture per
 * diagnostic under tests/scripts/check, each naming the problems it must
 * produce ("-- expect: LINE: text" lines, or "-- expect: none"), checked
 * against a simulated vehicle whose DIDs the fixtures' brand matches; and
 * the shipped scripts check clean against the demo vehicle. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
};
static const struct script_check_vehicle chk_vehicle = { "CHK0SIMULATED0001", 3, chk_dids };

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

/* The shipped scripts check clean against the demo vehicle's DIDs. */
static void test_shipped(void **state)
{
	static const struct script_check_did demo[] = {
		{ 0x70E, 0x0600, 24 },
		{ 0x70E, 0x0601, 2 },
		{ 0x714, 0x0600, 16 },
	};
	const struct script_check_vehicle v = { "OBDDEMO0SIM000001", 3, demo };
	const char *files[] = { OBDCON_SRCDIR "/scripts/demo.lua",
				OBDCON_SRCDIR "/scripts/generic.lua" };
	struct reports r = { 0 };

	(void)state;
	if (script_check(files, 2, &v, 1, collect, &r) != 0)
		fail_msg("%s:%d: %s", r.file[0], r.line[0], r.msg[0]);
}

/* Compares two C strings for qsort. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One test per fixture, then the fixed tests. */
int main(void)
{
	struct CMUnitTest tests[MAX_FILES + 2];
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
	rc = _cmocka_run_group_tests("script_check", tests, n + 2, NULL, NULL);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
