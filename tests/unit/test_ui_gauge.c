/* test_ui_gauge.c: the console's pictures of numbers and its path
 * completion, without a terminal: value histories, sparklines in UTF-8
 * and ASCII, progress bars with partial cells, progress figures, the
 * samples-per-second rate over a sliding window, value formatting, and Tab
 * completion of file names in a temporary directory. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/complete.h"
#include "ui/gauge.h"

static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
				      "\u2585", "\u2586", "\u2587", "\u2588" };
static const char *const ascii[] = { "_", ".", "-", "~", "=", "+", "*", "#" };
static const char *const eighths[] = { "\u258f", "\u258e", "\u258d", "\u258c",
				       "\u258b", "\u258a", "\u2589" };

/* A history keeps the newest values in order and the extremes ever seen. */
static void test_series(void **state)
{
	struct ui_series s;
	int i;

	(void)state;
	memset(&s, 0, sizeof s);
	ui_series_add(&s, 5);
	ui_series_add(&s, -2);
	ui_series_add(&s, 9);
	assert_int_equal(s.n, 3);
	assert_true(ui_series_get(&s, 0) == 5 && ui_series_get(&s, 2) == 9);
	assert_true(s.min == -2 && s.max == 9 && s.last == 9);
	for (i = 0; i < UI_SERIES_MAX + 10; i++)
		ui_series_add(&s, i);
	assert_int_equal(s.n, UI_SERIES_MAX);
	assert_int_equal(s.total, UI_SERIES_MAX + 13);
	assert_true(ui_series_get(&s, 0) == 10);
	assert_true(ui_series_get(&s, UI_SERIES_MAX - 1) == UI_SERIES_MAX + 9);
	assert_true(s.min == -2); /* the extremes are of every value seen */
}

/* A sparkline scales the shown values from lowest to highest glyph, pads
 * on the left while short, shows only the newest when long, and draws a
 * level middle line for a constant value; ASCII works the same. */
static void test_sparkline(void **state)
{
	struct ui_series s;
	char out[256];
	int i;

	(void)state;
	memset(&s, 0, sizeof s);
	ui_sparkline(&s, 4, blocks, 8, out, sizeof out);
	assert_string_equal(out, "    ");
	for (i = 0; i < 8; i++)
		ui_series_add(&s, i * 10);
	ui_sparkline(&s, 8, blocks, 8, out, sizeof out);
	assert_string_equal(out, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
	ui_sparkline(&s, 10, ascii, 8, out, sizeof out);
	assert_string_equal(out, "  _.-~=+*#");
	ui_sparkline(&s, 2, ascii, 8, out, sizeof out); /* the newest two, scaled between them */
	assert_string_equal(out, "_#");
	memset(&s, 0, sizeof s);
	for (i = 0; i < 3; i++)
		ui_series_add(&s, 14.2);
	ui_sparkline(&s, 3, ascii, 8, out, sizeof out);
	assert_string_equal(out, "===");
	ui_sparkline(&s, 3, blocks, 8, out, 5); /* too small: whole glyphs only */
	assert_true(strlen(out) < 5);
}

/* A progress bar: full cells, one partial cell in eighths, empty rest;
 * in ASCII no partial cell; clamped to 0..1. */
static void test_progress_bar(void **state)
{
	char out[256];

	(void)state;
	ui_progress_bar(0.5, 10, "#", NULL, 0, "-", out, sizeof out);
	assert_string_equal(out, "#####-----");
	ui_progress_bar(0.55, 10, "#", NULL, 0, "-", out, sizeof out);
	assert_string_equal(out, "#####-----");
	ui_progress_bar(0.55, 10, "\u2588", eighths, 7, " ", out, sizeof out);
	assert_string_equal(out, "\u2588\u2588\u2588\u2588\u2588\u258c    ");
	ui_progress_bar(1.5, 4, "#", NULL, 0, "-", out, sizeof out);
	assert_string_equal(out, "####");
	ui_progress_bar(-1, 4, "#", NULL, 0, "-", out, sizeof out);
	assert_string_equal(out, "----");
	ui_progress_bar(0.999, 4, "\u2588", eighths, 7, " ", out, sizeof out);
	assert_string_equal(out, "\u2588\u2588\u2588\u2589");
}

/* The figures beside a bar: percentage, bytes, throughput and ETA where known. */
static void test_figures(void **state)
{
	char out[128];

	(void)state;
	ui_progress_figures(8192, 65536, 5189, 10.6, out, sizeof out);
	assert_string_equal(out, " 12% 8.0 KiB/64.0 KiB 5.1 KiB/s ETA 0:11");
	ui_progress_figures(65536, 65536, 0, -1, out, sizeof out);
	assert_string_equal(out, "100% 64.0 KiB/64.0 KiB");
	ui_progress_figures(512, 2 << 20, 300, 3725, out, sizeof out);
	assert_string_equal(out, "  0% 512 B/2.0 MiB 300 B/s ETA 62:05");
	ui_progress_figures(1, 0, 0, -1, out, sizeof out);
	assert_string_equal(out, "  0% 1 B/0 B");
}

/* The rate counts the samples after the first record of the window over
 * the time they took; nothing before two records or after a long pause. */
static void test_rate(void **state)
{
	struct ui_rate r;
	int i;

	(void)state;
	memset(&r, 0, sizeof r);
	assert_true(ui_rate_get(&r, 1000) == 0);
	ui_rate_add(&r, 1000, 10);
	assert_true(ui_rate_get(&r, 1000) == 0);
	ui_rate_add(&r, 1100, 10);
	ui_rate_add(&r, 1200, 10);
	assert_true(ui_rate_get(&r, 1200) == 100.0);
	for (i = 0; i < 100; i++) /* many records: the oldest fall out */
		ui_rate_add(&r, 1300 + i * 100, 5);
	assert_true(ui_rate_get(&r, 11200) == 50.0);
	assert_true(ui_rate_get(&r, 11200 + UI_RATE_WINDOW_MS) == 0);
}

/* Values: whole numbers without decimals, small ones with two. */
static void test_values(void **state)
{
	char out[32];

	(void)state;
	ui_value_text(48213, out, sizeof out);
	assert_string_equal(out, "48213");
	ui_value_text(14.25, out, sizeof out);
	assert_string_equal(out, "14.25");
	ui_value_text(786.52, out, sizeof out);
	assert_string_equal(out, "786.5");
	ui_value_text(-40, out, sizeof out);
	assert_string_equal(out, "-40");
	ui_value_text(0.8, out, sizeof out);
	assert_string_equal(out, "0.80");
}

/* Makes an empty file. */
static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fclose(f);
}

/* Completion: one name completes whole (a directory gets its slash),
 * several go as far as they agree and are listed sorted, hidden names only
 * when asked for, ~/ is the home directory, nothing leaves the text. */
static void test_complete(void **state)
{
	char dir[] = "/tmp/obdcon-complete-XXXXXX", path[512], text[512], out[512];
	struct ui_lines m = { 0 };
	const char *home = getenv("HOME");
	char *saved = home ? strdup(home) : NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/engine-2130.hex", dir);
	touch(path);
	snprintf(path, sizeof path, "%s/engine-2131.hex", dir);
	touch(path);
	snprintf(path, sizeof path, "%s/images", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/.hidden", dir);
	touch(path);

	snprintf(text, sizeof text, "%s/i", dir);
	assert_int_equal(ui_complete_path(text, out, sizeof out, &m), 1);
	snprintf(path, sizeof path, "%s/images/", dir);
	assert_string_equal(out, path);
	snprintf(text, sizeof text, "%s/e", dir);
	assert_int_equal(ui_complete_path(text, out, sizeof out, &m), 2);
	snprintf(path, sizeof path, "%s/engine-213", dir);
	assert_string_equal(out, path);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.v[0], "engine-2130.hex");
	assert_string_equal(m.v[1], "engine-2131.hex");
	snprintf(text, sizeof text, "%s/", dir);
	assert_int_equal(ui_complete_path(text, out, sizeof out, &m), 3); /* no .hidden */
	snprintf(text, sizeof text, "%s/.h", dir);
	assert_int_equal(ui_complete_path(text, out, sizeof out, NULL), 1);
	snprintf(text, sizeof text, "%s/x", dir);
	assert_int_equal(ui_complete_path(text, out, sizeof out, &m), 0);
	assert_string_equal(out, text);
	assert_int_equal(m.n, 0);
	assert_int_equal(ui_complete_path("/no/such/dir/x", out, sizeof out, &m), 0);
	setenv("HOME", dir, 1);
	assert_int_equal(ui_complete_path("~/im", out, sizeof out, NULL), 1);
	assert_string_equal(out, "~/images/");
	ui_expand_home("~/images/x.hex", out, sizeof out);
	snprintf(path, sizeof path, "%s/images/x.hex", dir);
	assert_string_equal(out, path);
	ui_expand_home("/abs/~/x", out, sizeof out);
	assert_string_equal(out, "/abs/~/x");
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
	ui_lines_free(&m);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),   cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_progress_bar), cmocka_unit_test(test_figures),
		cmocka_unit_test(test_rate),     cmocka_unit_test(test_values),
		cmocka_unit_test(test_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
