/* test_ui_settings.c: the console's configuration file (values, and
 * config:LINE errors that skip the line), the recent ports list, and the
 * choice of ASCII or UTF-8 line drawing and of colours. */
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

#include "ui/settings.h"
#include "ui/theme.h"

/* Collected error lines. */
struct errors {
	char text[8][200];
	int n;
};

/* Error callback: keeps the texts. */
static void collect(void *arg, const char *text)
{
	struct errors *e = arg;

	if (e->n < 8)
		snprintf(e->text[e->n++], sizeof e->text[0], "%s", text);
}

/* Every key is read, comments and blank lines are skipped. */
static void test_config_values(void **state)
{
	struct ui_config c;
	struct errors e = { .n = 0 };

	(void)state;
	ui_config_defaults(&c);
	assert_true(c.mouse);
	assert_false(c.ascii);
	assert_int_equal(c.theme, UI_THEME_DEFAULT);
	assert_int_equal(ui_config_parse("# obdcon\n\n  port = tcp:192.168.0.10:35000  # wifi\n"
					 "theme=mono\nmouse = off\nascii = yes\n"
					 "confirm_default = yes\n",
					 &c, collect, &e),
			 0);
	assert_int_equal(e.n, 0);
	assert_string_equal(c.port, "tcp:192.168.0.10:35000");
	assert_int_equal(c.theme, UI_THEME_MONO);
	assert_false(c.mouse);
	assert_true(c.ascii);
	assert_true(c.confirm_yes);
	assert_int_equal(ui_config_parse("mouse = ON\r\nascii = 0", &c, collect, &e), 0);
	assert_true(c.mouse);
	assert_false(c.ascii);
}

/* Bad lines are reported as config:LINE: message and skipped; the good
 * lines around them still apply. */
static void test_config_errors(void **state)
{
	struct ui_config c;
	struct errors e = { .n = 0 };
	char text[2000];

	(void)state;
	ui_config_defaults(&c);
	assert_int_equal(ui_config_parse("colour = red\nmouse = maybe\nport = /dev/ttyUSB0\n"
					 "just words\ntheme = blue\nport =\nascii = on\n",
					 &c, collect, &e),
			 5);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.text[0], "config:1: unknown key 'colour' (known: port, theme, "
				       "mouse, ascii, confirm_default)");
	assert_string_equal(e.text[1], "config:2: mouse is on or off, not 'maybe'");
	assert_string_equal(e.text[2], "config:4: expected 'key = value', got 'just words'");
	assert_string_equal(e.text[3], "config:5: theme is default or mono, not 'blue'");
	assert_non_null(strstr(e.text[4], "config:6: port needs a value"));
	assert_string_equal(c.port, "/dev/ttyUSB0");
	assert_int_equal(c.theme, UI_THEME_DEFAULT);
	assert_true(c.mouse);
	assert_true(c.ascii);
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = 0;
	e.n = 0;
	assert_int_equal(ui_config_parse(text, &c, collect, &e), 1);
	assert_non_null(strstr(e.text[0], "config:1: line longer than"));
	assert_int_equal(ui_config_parse("confirm_default = sure\n", &c, NULL, NULL), 1);
}

/* A missing file is no error; an unreadable one is reported, not fatal. */
static void test_config_load(void **state)
{
	char dir[] = "/tmp/obdcon-ui-XXXXXX", path[256];
	struct ui_config c;
	struct errors e = { .n = 0 };
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/none", dir);
	ui_config_defaults(&c);
	assert_int_equal(ui_config_load(path, &c, collect, &e), 0);
	assert_int_equal(e.n, 0);
	snprintf(path, sizeof path, "%s/config", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("theme = mono\nbogus\n", f);
	fclose(f);
	assert_int_equal(ui_config_load(path, &c, collect, &e), 1);
	assert_int_equal(c.theme, UI_THEME_MONO);
	assert_string_equal(e.text[0], "config:2: expected 'key = value', got 'bogus'");
	assert_int_equal(ui_config_load(dir, &c, collect, &e), 1);
	assert_non_null(strstr(e.text[1], "config:0: "));
	unlink(path);
	rmdir(dir);
}

/* Recent ports: newest first, no repeats, at most ten. */
static void test_recent_list(void **state)
{
	struct ui_recent r;
	char port[32];
	int i;

	(void)state;
	ui_recent_parse("sim:\n\n/dev/ttyUSB0\nsim:\n  tcp:10.0.0.1:35000 \n", &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ports[2], "tcp:10.0.0.1:35000");
	ui_recent_add(&r, "/dev/ttyUSB0");
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ports[0], "/dev/ttyUSB0");
	assert_string_equal(r.ports[1], "sim:");
	for (i = 0; i < 12; i++) {
		snprintf(port, sizeof port, "/dev/ttyACM%d", i);
		ui_recent_add(&r, port);
	}
	assert_int_equal(r.n, UI_RECENT_MAX);
	assert_string_equal(r.ports[0], "/dev/ttyACM11");
	assert_string_equal(r.ports[9], "/dev/ttyACM2");
	ui_recent_add(&r, "");
	assert_string_equal(r.ports[0], "/dev/ttyACM11");
}

/* The recent list survives a save and a load; the directory is created. */
static void test_recent_file(void **state)
{
	char dir[] = "/tmp/obdcon-ui-XXXXXX", path[256], sub[256];
	struct ui_recent r = { .n = 0 }, back;
	struct error e;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/state/obdcon", dir);
	snprintf(path, sizeof path, "%s/recent", sub);
	error_clear(&e);
	assert_int_equal(ui_recent_load(path, &back, &e), 0);
	assert_int_equal(back.n, 0);
	ui_recent_add(&r, "sim:");
	ui_recent_add(&r, "tcp:192.168.0.10:35000");
	assert_int_equal(ui_recent_save(path, &r, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(ui_recent_load(path, &back, &e), 0);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.ports[0], "tcp:192.168.0.10:35000");
	assert_string_equal(back.ports[1], "sim:");
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/state", dir);
	rmdir(sub);
	rmdir(dir);
}

/* ASCII drawing when asked or when the locale is not UTF-8. */
static void test_ascii_choice(void **state)
{
	const struct ui_glyphs *g;
	int i;

	(void)state;
	assert_true(ui_codeset_is_utf8("UTF-8"));
	assert_true(ui_codeset_is_utf8("utf8"));
	assert_false(ui_codeset_is_utf8("ANSI_X3.4-1968"));
	assert_false(ui_codeset_is_utf8(NULL));
	assert_false(ui_want_ascii("UTF-8", false, false));
	assert_true(ui_want_ascii("UTF-8", true, false));
	assert_true(ui_want_ascii("UTF-8", false, true));
	assert_true(ui_want_ascii("ISO-8859-1", false, false));
	g = ui_glyphs(true);
	assert_string_equal(g->hline, "-");
	assert_string_equal(g->tl, "+");
	for (i = 0; i < g->nspinner; i++)
		assert_true((unsigned char)g->spinner[i][0] < 0x80);
	g = ui_glyphs(false);
	assert_string_equal(g->hline, "\xe2\x94\x80");
	assert_int_equal(g->nspinner, 10);
}

/* Colours unless the terminal has none, NO_COLOR is set (non-empty),
 * --no-color is given or the theme is mono. */
static void test_colour_choice(void **state)
{
	(void)state;
	assert_true(ui_want_colour(true, NULL, false, false));
	assert_true(ui_want_colour(true, "", false, false));
	assert_false(ui_want_colour(true, "1", false, false));
	assert_false(ui_want_colour(false, NULL, false, false));
	assert_false(ui_want_colour(true, NULL, true, false));
	assert_false(ui_want_colour(true, NULL, false, true));
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_values), cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_load),   cmocka_unit_test(test_recent_list),
		cmocka_unit_test(test_recent_file),   cmocka_unit_test(test_ascii_choice),
		cmocka_unit_test(test_colour_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
