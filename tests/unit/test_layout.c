/* test_layout.c: the console's key bindings, list scrolling, pane split,
 * text fitting and dialog wrapping, without a terminal. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "ui/layout.h"

/* Keys map to the actions the help promises, vi keys included. */
static void test_bindings(void **state)
{
	(void)state;
	assert_int_equal(ui_action_for_key(KEY_F(1)), ACT_HELP);
	assert_int_equal(ui_action_for_key('?'), ACT_HELP);
	assert_int_equal(ui_action_for_key(KEY_F(10)), ACT_QUIT);
	assert_int_equal(ui_action_for_key('q'), ACT_QUIT);
	assert_int_equal(ui_action_for_key(' '), ACT_ACTIVATE);
	assert_int_equal(ui_action_for_key(KEY_ENTER), ACT_ACTIVATE);
	assert_int_equal(ui_action_for_key('\r'), ACT_ACTIVATE);
	assert_int_equal(ui_action_for_key('j'), ACT_DOWN);
	assert_int_equal(ui_action_for_key(KEY_UP), ACT_UP);
	assert_int_equal(ui_action_for_key('G'), ACT_END);
	assert_int_equal(ui_action_for_key('x'), ACT_NONE);
	assert_int_equal(ui_action_for_key(0), ACT_NONE);
}

/* The help text lists every binding with its description. */
static void test_help_text(void **state)
{
	char text[4096];
	const struct binding *b;

	(void)state;
	ui_help_text(text, sizeof text);
	for (b = ui_bindings(); b->keyname; b++) {
		assert_non_null(strstr(text, b->keyname));
		assert_non_null(strstr(text, b->help));
	}
}

/* Moving keeps the selection in range and in view. */
static void test_list_scroll(void **state)
{
	struct list_view lv = { 0 };

	(void)state;
	list_view_set_count(&lv, 10);
	list_view_set_height(&lv, 4);
	assert_false(list_view_move(&lv, ACT_UP));
	assert_true(list_view_move(&lv, ACT_END));
	assert_int_equal(lv.selected, 9);
	assert_int_equal(lv.top, 6);
	assert_true(list_view_move(&lv, ACT_PAGE_UP));
	assert_int_equal(lv.selected, 6);
	assert_int_equal(lv.top, 6);
	assert_true(list_view_move(&lv, ACT_UP));
	assert_int_equal(lv.top, 5);
	assert_true(list_view_move(&lv, ACT_HOME));
	assert_int_equal(lv.top, 0);
	list_view_set_count(&lv, 0);
	assert_false(list_view_move(&lv, ACT_DOWN));
	list_view_set_count(&lv, 3);
	list_view_move(&lv, ACT_END);
	list_view_set_count(&lv, 2);
	assert_int_equal(lv.selected, 1);
}

/* The first pane gets what it needs up to half the rows. */
static void test_split(void **state)
{
	struct pane_split s;

	(void)state;
	s = layout_split(20, 3, 50);
	assert_int_equal(s.first_rows, 3);
	assert_int_equal(s.second_rows, 15);
	s = layout_split(20, 40, 50);
	assert_int_equal(s.first_rows, 9);
	assert_int_equal(s.second_rows, 9);
	s = layout_split(3, 4, 4);
	assert_int_equal(s.first_rows, 0);
	assert_int_equal(s.second_rows, 0);
}

/* Text is clipped or padded to exact columns, UTF-8 counted as one column. */
static void test_fit(void **state)
{
	char out[64];

	(void)state;
	layout_fit("abcdef", 3, out, sizeof out);
	assert_string_equal(out, "abc");
	layout_fit("ab", 4, out, sizeof out);
	assert_string_equal(out, "ab  ");
	layout_fit("\xc3\xa9t\xc3\xa9", 2, out, sizeof out);
	assert_string_equal(out, "\xc3\xa9t");
	layout_fit("a\tb", 3, out, sizeof out);
	assert_string_equal(out, "a b");
}

/* Dialogs wrap long lines to the screen and size themselves. */
static void test_box(void **state)
{
	struct text_box tb;
	char longline[200];

	(void)state;
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	tb = layout_box("one\ntwo", 80, 24);
	assert_int_equal(tb.nlines, 2);
	assert_string_equal(tb.lines[1], "two");
	assert_int_equal(tb.height, 5);
	tb = layout_box(longline, 80, 24);
	assert_int_equal(tb.nlines, 3);
	assert_int_equal((int)strlen(tb.lines[0]), 72);
	assert_true(tb.width <= 80);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bindings),    cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_list_scroll), cmocka_unit_test(test_split),
		cmocka_unit_test(test_fit),         cmocka_unit_test(test_box),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
