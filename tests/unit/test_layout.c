/* test_layout.c: the console's key lookup, generated help and key bar,
 * list scrolling and selection, incremental search, text fields, text
 * fitting, dialog wrapping and progress text, without a terminal. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "ui/keys.h"
#include "ui/layout.h"

/* A screen table that takes over Esc and adds Space, as dialogs do. */
static const struct ui_binding screen_table[] = {
	{ ' ', '\n', "Space Enter", "toggle the selected feature", "Spc", "Toggle", 3, ACT_TOGGLE },
	{ UI_KEY_ESC, 'q', "Esc q", "answer no", "Esc", "No", 90, ACT_NO },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* A screen table too wide for 80 columns with Search and Log. */
static const struct ui_binding wide_table[] = {
	{ '\n', 0, "Enter", "open", "Enter", "Open", 2, ACT_OPEN },
	{ KEY_F(2), 0, "F2", "first", "F2", "First", 20, ACT_REVIEW },
	{ KEY_F(4), 0, "F4", "second", "F4", "Second", 40, ACT_CODING },
	{ KEY_F(5), 0, "F5", "third", "F5", "Third", 50, ACT_REFRESH },
	{ KEY_F(6), 0, "F6", "fourth", "F6", "Fourth", 60, ACT_FLASH },
	{ KEY_F(7), 0, "F7", "fifth", "F7", "Fifth", 70, ACT_FAULTS },
	{ KEY_F(9), 0, "F9", "sixth", "F9", "Sixth", 91, ACT_LIVE },
	{ 'S', 0, "S", "seventh", "S", "Seventh", 96, ACT_SESSIONS },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Global keys map to the actions the help promises, vi keys included. */
static void test_global_keys(void **state)
{
	(void)state;
	assert_int_equal(ui_action_for_key(NULL, KEY_F(1)), ACT_HELP);
	assert_int_equal(ui_action_for_key(NULL, '?'), ACT_HELP);
	assert_int_equal(ui_action_for_key(NULL, KEY_F(10)), ACT_QUIT);
	assert_int_equal(ui_action_for_key(NULL, 'q'), ACT_QUIT);
	assert_int_equal(ui_action_for_key(NULL, 'j'), ACT_DOWN);
	assert_int_equal(ui_action_for_key(NULL, KEY_UP), ACT_UP);
	assert_int_equal(ui_action_for_key(NULL, 'g'), ACT_HOME);
	assert_int_equal(ui_action_for_key(NULL, 'G'), ACT_END);
	assert_int_equal(ui_action_for_key(NULL, KEY_NPAGE), ACT_PAGE_DOWN);
	assert_int_equal(ui_action_for_key(NULL, '/'), ACT_SEARCH);
	assert_int_equal(ui_action_for_key(NULL, 'n'), ACT_SEARCH_NEXT);
	assert_int_equal(ui_action_for_key(NULL, 'N'), ACT_SEARCH_PREV);
	assert_int_equal(ui_action_for_key(NULL, UI_KEY_ESC), ACT_BACK);
	assert_int_equal(ui_action_for_key(NULL, UI_KEY_CTRL('l')), ACT_REDRAW);
	assert_int_equal(ui_action_for_key(NULL, 'x'), ACT_NONE);
	assert_int_equal(ui_action_for_key(NULL, 0), ACT_NONE);
}

/* A screen's own table comes first; Enter variants are one key. */
static void test_screen_keys(void **state)
{
	(void)state;
	assert_int_equal(ui_action_for_key(screen_table, ' '), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(screen_table, KEY_ENTER), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(screen_table, '\r'), ACT_TOGGLE);
	assert_int_equal(ui_action_for_key(screen_table, 'q'), ACT_NO);
	assert_int_equal(ui_action_for_key(screen_table, UI_KEY_ESC), ACT_NO);
	assert_int_equal(ui_action_for_key(screen_table, KEY_F(10)), ACT_QUIT);
	assert_string_equal(ui_action_name(ACT_TOGGLE), "toggle");
	assert_string_equal(ui_action_name(ACT_COUNT), "?");
}

/* The help lists the screen's keys, then the global ones it does not take over. */
static void test_help_text(void **state)
{
	char text[8192];
	const struct ui_binding *b;

	(void)state;
	ui_help_text("Coding", screen_table, text, sizeof text);
	assert_non_null(strstr(text, "Keys on this screen (Coding):"));
	assert_non_null(strstr(text, "toggle the selected feature"));
	assert_true(strstr(text, "Keys on this screen") < strstr(text, "Everywhere:"));
	for (b = ui_global_bindings(); b->keyname; b++) {
		if (b->key == UI_KEY_ESC)
			continue;
		assert_non_null(strstr(text, b->help));
	}
	/* Esc and q answer no here: back is gone, quit is left with F10 only */
	assert_null(strstr(text, "go back one screen"));
	assert_non_null(strstr(text, "  F10            quit (the session"));
	assert_null(strstr(text, "F10 q"));
	ui_help_text("x", NULL, text, 40);
	assert_true(strlen(text) < 40);
}

/* The key bar: ordered by position, screen items replace global ones,
 * hidden actions left out, clipped to the width, and clicks map back. */
static void test_bar(void **state)
{
	struct ui_bar_item items[UI_BAR_MAX];
	size_t n, i;

	(void)state;
	n = ui_bar_layout(screen_table, 0, 80, items, UI_BAR_MAX);
	assert_true(n >= 4);
	assert_string_equal(items[0].key, "F1");
	assert_string_equal(items[1].label, "Toggle");
	assert_int_equal(items[1].x, items[0].width);
	assert_string_equal(items[n - 1].label, "Quit");
	for (i = 0; i < n; i++)
		assert_int_not_equal(items[i].action, ACT_BACK); /* Esc is "No" here */
	assert_int_equal(ui_bar_hit(items, n, 0), ACT_HELP);
	assert_int_equal(ui_bar_hit(items, n, items[1].x + 1), ACT_TOGGLE);
	assert_int_equal(ui_bar_hit(items, n, 79), ACT_NONE);
	n = ui_bar_layout(NULL, UI_ACT_BIT(ACT_SEARCH) | UI_ACT_BIT(ACT_BACK), 80, items,
			  UI_BAR_MAX);
	for (i = 0; i < n; i++) {
		assert_int_not_equal(items[i].action, ACT_SEARCH);
		assert_int_not_equal(items[i].action, ACT_BACK);
	}
	/* too narrow: Search and Log go first, then Back, Help and Quit stay */
	n = ui_bar_layout(NULL, 0, 20, items, UI_BAR_MAX);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].label, "Help");
	assert_string_equal(items[1].label, "Quit");
	assert_int_equal(items[1].x, 7);
	n = ui_bar_layout(NULL, 0, 12, items, UI_BAR_MAX);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].label, "Help");
	for (i = 0; i < n; i++)
		assert_true(items[i].x + items[i].width - 1 <= 12);
	/* the screen's own items stay longer than Search and Log, the
	 * rightmost of them going first */
	n = ui_bar_layout(wide_table, 0, 80, items, UI_BAR_MAX);
	for (i = 0; i < n; i++) {
		assert_int_not_equal(items[i].action, ACT_SEARCH);
		assert_int_not_equal(items[i].action, ACT_LOG);
		assert_true(items[i].x + items[i].width - 1 <= 80);
	}
	assert_string_equal(items[n - 1].label, "Quit");
	assert_string_equal(items[n - 2].label, "Back");
	assert_string_equal(items[n - 3].label, "Fifth"); /* Seventh, then Sixth left out */
	n = ui_bar_layout(wide_table, 0, 200, items, UI_BAR_MAX);
	assert_int_equal(n, 13); /* all of them, Search and Log included */
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
	assert_true(list_view_move(&lv, ACT_PAGE_DOWN));
	assert_int_equal(lv.selected, 3);
	list_view_set_count(&lv, 0);
	assert_false(list_view_move(&lv, ACT_DOWN));
	list_view_set_count(&lv, 3);
	list_view_move(&lv, ACT_END);
	list_view_set_count(&lv, 2);
	assert_int_equal(lv.selected, 1);
}

/* Rows 0, 4 and 8 are group headers. */
static bool not_header(void *arg, size_t row)
{
	(void)arg;
	return row % 4 != 0;
}

/* Movement skips headers; the header above the first row stays visible. */
static void test_list_headers(void **state)
{
	struct list_view lv = { .selectable = not_header };

	(void)state;
	list_view_set_count(&lv, 10);
	list_view_set_height(&lv, 3);
	assert_int_equal(lv.selected, 1);
	assert_int_equal(lv.top, 0);
	list_view_move(&lv, ACT_DOWN);
	list_view_move(&lv, ACT_DOWN);
	assert_int_equal(lv.selected, 3);
	list_view_move(&lv, ACT_DOWN);
	assert_int_equal(lv.selected, 5);
	list_view_move(&lv, ACT_UP);
	assert_int_equal(lv.selected, 3);
	list_view_move(&lv, ACT_HOME);
	assert_int_equal(lv.selected, 1);
	assert_int_equal(lv.top, 0);
	list_view_move(&lv, ACT_END);
	assert_int_equal(lv.selected, 9);
	list_view_select(&lv, 8);
	assert_int_equal(lv.selected, 9);
	lv.selected = 1;
	assert_false(list_view_move(&lv, ACT_UP));
}

/* The wheel scrolls the window; the selection follows at the edges. */
static void test_list_wheel(void **state)
{
	struct list_view lv = { 0 };

	(void)state;
	list_view_set_count(&lv, 20);
	list_view_set_height(&lv, 5);
	assert_true(list_view_scroll_by(&lv, 3));
	assert_int_equal(lv.top, 3);
	assert_int_equal(lv.selected, 3);
	assert_true(list_view_scroll_by(&lv, 100));
	assert_int_equal(lv.top, 15);
	assert_int_equal(lv.selected, 15);
	assert_true(list_view_scroll_by(&lv, -100));
	assert_int_equal(lv.top, 0);
	assert_int_equal(lv.selected, 4);
	assert_false(list_view_scroll_by(&lv, -1));
}

static const char *const rows[] = { "01 Engine", "09 Central electrics", "17 Cluster",
				    "19 Gateway", "44 Steering", "09 Comfort" };

/* Row text for the search tests. */
static void row_text(void *arg, size_t row, char *out, size_t n)
{
	(void)arg;
	snprintf(out, n, "%s", rows[row]);
}

/* Matching ignores case; search wraps around and honours the direction. */
static void test_search(void **state)
{
	(void)state;
	assert_true(ui_match("Central electrics", "ELEC"));
	assert_true(ui_match("anything", ""));
	assert_false(ui_match("Engine", "engines"));
	assert_int_equal(ui_search(6, 0, +1, true, "09", row_text, NULL), 1);
	assert_int_equal(ui_search(6, 1, +1, false, "09", row_text, NULL), 5);
	assert_int_equal(ui_search(6, 5, +1, false, "09", row_text, NULL), 1);
	assert_int_equal(ui_search(6, 1, -1, false, "09", row_text, NULL), 5);
	assert_int_equal(ui_search(6, 5, -1, false, "09", row_text, NULL), 1);
	assert_int_equal(ui_search(6, 3, +1, true, "gate", row_text, NULL), 3);
	assert_int_equal(ui_search(6, 3, +1, false, "gate", row_text, NULL), 3);
	assert_int_equal(ui_search(6, 0, +1, true, "xyz", row_text, NULL), -1);
	assert_int_equal(ui_search(0, 0, +1, true, "09", row_text, NULL), -1);
	assert_int_equal(ui_search(6, 0, +1, true, "", row_text, NULL), -1);
}

/* A text field: insert, move, delete, kill, word delete. */
static void test_entry(void **state)
{
	struct ui_entry en;

	(void)state;
	ui_entry_set(&en, "192.168.0.10");
	assert_int_equal(en.cur, 12);
	assert_true(ui_entry_key(&en, ':'));
	assert_true(ui_entry_key(&en, '3'));
	assert_string_equal(en.text, "192.168.0.10:3");
	assert_true(ui_entry_key(&en, KEY_HOME));
	assert_true(ui_entry_key(&en, KEY_DC));
	assert_string_equal(en.text, "92.168.0.10:3");
	assert_true(ui_entry_key(&en, KEY_RIGHT));
	assert_true(ui_entry_key(&en, KEY_BACKSPACE));
	assert_string_equal(en.text, "2.168.0.10:3");
	assert_true(ui_entry_key(&en, UI_KEY_CTRL('k')));
	assert_string_equal(en.text, "");
	ui_entry_set(&en, "AT SH 7E0");
	assert_true(ui_entry_key(&en, UI_KEY_CTRL('w')));
	assert_string_equal(en.text, "AT SH ");
	assert_true(ui_entry_key(&en, UI_KEY_CTRL('u')));
	assert_int_equal(en.len, 0);
	assert_false(ui_entry_key(&en, KEY_F(2)));
	assert_false(ui_entry_wants(KEY_UP));
	assert_false(ui_entry_wants('\t'));
	assert_true(ui_entry_wants('q'));
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
	assert_int_equal(layout_width("\xe2\x94\x80x"), 2);
	layout_list_fit("failed, confirmed, pending, MIL, failed this cycle, failed since clear", 30,
			out, sizeof out);
	assert_string_equal(out, "failed, confirmed, pending +3");
	layout_list_fit("failed, confirmed", 30, out, sizeof out);
	assert_string_equal(out, "failed, confirmed");
	layout_list_fit("not tested since clear, MIL", 12, out, sizeof out);
	assert_string_equal(out, "not tested s"); /* even the first does not fit */
	layout_list_fit("a, b, c", 6, out, sizeof out);
	assert_string_equal(out, "a +2");
	layout_list_fit("", 6, out, sizeof out);
	assert_string_equal(out, "");
}

/* Dialogs wrap long lines at spaces, size themselves and say when clipped. */
static void test_box(void **state)
{
	struct text_box tb;
	char longline[200], many[400];
	int i;

	(void)state;
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	tb = layout_box("one\ntwo", 80, 24, 0);
	assert_int_equal(tb.nlines, 2);
	assert_string_equal(tb.lines[1], "two");
	assert_int_equal(tb.height, 5);
	tb = layout_box("one\ntwo", 80, 24, 2);
	assert_int_equal(tb.height, 7);
	tb = layout_box(longline, 80, 24, 0);
	assert_int_equal(tb.nlines, 3);
	assert_int_equal((int)strlen(tb.lines[0]), 72);
	assert_true(tb.width <= 80);
	tb = layout_box("alpha beta gamma delta", 30, 24, 0);
	assert_string_equal(tb.lines[0], "alpha beta gamma delta");
	tb = layout_box("alpha beta gamma delta epsilon zeta eta theta", 30, 24, 0);
	assert_string_equal(tb.lines[0], "alpha beta gamma delta");
	assert_string_equal(tb.lines[1], "epsilon zeta eta theta");
	tb = layout_box("alpha beta gamma deltaepsilon", 30, 24, 0);
	assert_string_equal(tb.lines[0], "alpha beta gamma");
	assert_string_equal(tb.lines[1], "deltaepsilon");
	many[0] = 0;
	for (i = 0; i < 40; i++)
		strcat(many, "line\n");
	tb = layout_box(many, 80, 24, 2);
	assert_true(tb.clipped);
	assert_int_equal(tb.nlines, 18);
	assert_true(tb.height <= 24);
}

/* Progress: spinner and step always; percentage, amount, throughput and
 * ETA when the total is known; time spent after a second. */
static void test_progress(void **state)
{
	struct ui_progress p = { "identifying 09", 400, -1, -1, false };
	char out[256];
	long long done, total;

	(void)state;
	ui_progress_text(&p, "|", out, sizeof out);
	assert_string_equal(out, "| identifying 09");
	p.elapsed_ms = 65000;
	ui_progress_text(&p, "/", out, sizeof out);
	assert_string_equal(out, "/ identifying 09 (1:05)");
	p = (struct ui_progress){ "writing", 2000, 2048, 8192, true };
	ui_progress_text(&p, "-", out, sizeof out);
	assert_string_equal(out, "- writing - 25% 2.0 KiB/8.0 KiB 1.0 KiB/s ETA 0:06 (0:02)");
	p = (struct ui_progress){ "modules", 500, 2, 3, false };
	ui_progress_text(&p, NULL, out, sizeof out);
	assert_string_equal(out, "modules - 66% 2/3");
	ui_progress_text(&p, NULL, out, 5);
	assert_int_equal(strlen(out), 4);
	assert_true(ui_progress_parse("erasing 45% done", &done, &total));
	assert_int_equal(done, 45);
	assert_int_equal(total, 100);
	assert_true(ui_progress_parse("block 3/12", &done, &total));
	assert_int_equal(done, 3);
	assert_int_equal(total, 12);
	assert_false(ui_progress_parse("identifying 09 Central electrics", &done, &total));
	assert_false(ui_progress_parse("12/3 is not progress", &done, &total));
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global_keys),  cmocka_unit_test(test_screen_keys),
		cmocka_unit_test(test_help_text),    cmocka_unit_test(test_bar),
		cmocka_unit_test(test_list_scroll),  cmocka_unit_test(test_list_headers),
		cmocka_unit_test(test_list_wheel),   cmocka_unit_test(test_search),
		cmocka_unit_test(test_entry),        cmocka_unit_test(test_fit),
		cmocka_unit_test(test_box),          cmocka_unit_test(test_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
