/* test_script_hostile.c: the hostile-script corpus (tests/scripts/hostile):
 * every file is loaded into one host, fails with the error its first line
 * expects ("-- expect: a|b"), and leaves the host working: a good script
 * loaded at the start still answers, and a probe script finds every
 * library and helper intact. One test per file. */
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

#define HOSTILE_DIR OBDCON_SRCDIR "/tests/scripts/hostile"
#define GOOD_DIR OBDCON_SRCDIR "/tests/scripts/good"
#define MAX_FILES 128

static struct script_host *host;
static size_t log_lines;

/* Counts log lines (print floods go here, never to the terminal). */
static void count_log(void *arg, const char *line)
{
	(void)arg;
	(void)line;
	log_lines++;
}

/* Reads the "-- expect: ..." text of a fixture's first line. */
static void read_expectation(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "rb");
	char line[256] = "";
	const char *p;

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	p = strstr(line, "-- expect: ");
	assert_non_null(p);
	snprintf(out, n, "%s", p + strlen("-- expect: "));
	out[strcspn(out, "\r\n")] = 0;
}

/* True when text contains one of the |-separated alternatives. */
static bool contains_any(const char *text, char *alternatives)
{
	char *save = NULL, *alt;

	for (alt = strtok_r(alternatives, "|", &save); alt; alt = strtok_r(NULL, "|", &save))
		if (strstr(text, alt))
			return true;
	return false;
}

/* The host still works: the good script's predicate answers, its feature
 * decodes, and the probe finds the libraries intact. */
static void host_still_works(void)
{
	struct script_ecu ecu = { "P", "0460", "H" };
	uint8_t d600[16] = { 0 }, d601[2] = { 0x05, 0x1E };
	struct script_record recs[] = { { 0x0600, d600, 16 }, { 0x0601, d601, 2 } };
	struct script_value v;
	struct error e;
	char reason[128];
	bool ok = false;
	int fold = script_feature_find(host, 0, "fold");
	int horn = script_feature_find(host, 0, "horn");

	assert_true(fold >= 0 && horn >= 0);
	assert_int_equal(script_feature_supported(host, (size_t)fold, &ecu, &ok, reason,
						  sizeof reason, &e),
			 0);
	assert_true(ok);
	assert_int_equal(script_feature_decode(host, (size_t)horn, recs, 2, &v, &e), 0);
	assert_true(v.num == 1);
	if (script_load_file(host, GOOD_DIR "/probe.lua", &e) != 0)
		fail_msg("probe after hostile script: %s", e.text);
}

/* One hostile file: contained with the expected error, host intact. */
static void test_hostile(void **state)
{
	const char *path = *state;
	const char *base = strrchr(path, '/') + 1;
	char expect[256];
	struct error e;
	size_t nbrands = script_brand_count(host);

	read_expectation(path, expect, sizeof expect);
	error_clear(&e);
	assert_int_equal(script_load_file(host, path, &e), -ERR_SCRIPT);
	if (!contains_any(e.text, expect))
		fail_msg("%s: got \"%s\", expected \"%s\"", base, e.text, expect);
	if (strstr(e.text, base) == NULL)
		fail_msg("%s: the message does not name the file: \"%s\"", base, e.text);
	assert_int_equal(script_brand_count(host), nbrands);
	assert_int_equal(access("/tmp/obdcon-hostile", F_OK), -1);
	host_still_works();
}

/* Runtime errors keep a traceback for the session log. */
static void test_traceback(void **state)
{
	struct error e;

	(void)state;
	assert_int_equal(script_load_file(host, HOSTILE_DIR "/error_table.lua", &e), -ERR_SCRIPT);
	assert_non_null(strstr(script_traceback(host), "stack traceback"));
	assert_non_null(strstr(script_traceback(host), "error_table.lua:2"));
}

/* Loads the good script the corpus runs against. */
static int setup(void **state)
{
	struct error e;

	(void)state;
	if (script_host_new(&host, &e) < 0)
		return -1;
	script_set_logger(host, count_log, NULL);
	return script_load_file(host, GOOD_DIR "/kinds.lua", &e) == 0 ? 0 : -1;
}

/* Frees the host. */
static int teardown(void **state)
{
	(void)state;
	script_host_free(host);
	return 0;
}

/* Compares two C strings for qsort. */
static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One test per hostile file, in name order. */
int main(void)
{
	struct CMUnitTest tests[MAX_FILES + 1];
	char *paths[MAX_FILES];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d = opendir(HOSTILE_DIR);
	int rc;

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL && n < MAX_FILES) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".lua") == 0) {
			paths[n] = malloc(strlen(HOSTILE_DIR) + len + 2);
			sprintf(paths[n++], "%s/%s", HOSTILE_DIR, de->d_name);
		}
	}
	closedir(d);
	qsort(paths, n, sizeof *paths, compare_names);
	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ strrchr(paths[i], '/') + 1, test_hostile, NULL, NULL,
						paths[i] };
	tests[n] = (struct CMUnitTest){ "traceback kept", test_traceback, NULL, NULL, NULL };
	rc = _cmocka_run_group_tests("hostile", tests, n + 1, setup, teardown);
	for (i = 0; i < n; i++)
		free(paths[i]);
	return rc;
}
