/* layout.c: terminal-independent parts of the console. */
#include "config.h"
#include "ui/layout.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define KEY_ESC 27

static const struct binding bindings[] = {
	{ KEY_F(1), '?', "F1 ?", "help: this list of keys", "F1", "Help", ACT_HELP },
	{ '\n', ' ', "Enter Space", "toggle the selected feature (asks first)", "Spc", "Toggle",
	  ACT_ACTIVATE },
	{ '\t', 0, "Tab", "switch between modules and coding features", "Tab", "Pane",
	  ACT_SWITCH_PANE },
	{ KEY_F(5), 'r', "F5 r", "read the coding features again", "F5", "Reread", ACT_REFRESH },
	{ KEY_UP, 'k', "Up k", "previous line", NULL, NULL, ACT_UP },
	{ KEY_DOWN, 'j', "Down j", "next line", NULL, NULL, ACT_DOWN },
	{ KEY_PPAGE, 0, "PgUp", "previous page", NULL, NULL, ACT_PAGE_UP },
	{ KEY_NPAGE, 0, "PgDn", "next page", NULL, NULL, ACT_PAGE_DOWN },
	{ KEY_HOME, 'g', "Home g", "first line", NULL, NULL, ACT_HOME },
	{ KEY_END, 'G', "End G", "last line", NULL, NULL, ACT_END },
	{ KEY_ESC, 0, "Esc", "close a dialog, go back", NULL, NULL, ACT_BACK },
	{ KEY_F(10), 'q', "F10 q", "quit (the session is packed into an archive)", "F10", "Quit",
	  ACT_QUIT },
	{ 0, 0, NULL, NULL, NULL, NULL, ACT_NONE },
};

/* The binding table. */
const struct binding *ui_bindings(void)
{
	return bindings;
}

/* Action bound to a key code. */
enum ui_action ui_action_for_key(int key)
{
	const struct binding *b;

	if (key == KEY_ENTER || key == '\r')
		key = '\n';
	for (b = bindings; b->keyname; b++)
		if (key != 0 && (b->key == key || b->key2 == key))
			return b->action;
	return ACT_NONE;
}

/* Help text generated from the bindings. */
void ui_help_text(char *out, size_t n)
{
	const struct binding *b;
	size_t used = 0;

	out[0] = 0;
	for (b = bindings; b->keyname && used < n; b++) {
		int w = snprintf(out + used, n - used, "%-12s %s\n", b->keyname, b->help);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* Keeps the selection inside the visible window. */
static void list_view_scroll(struct list_view *lv)
{
	size_t h = lv->height > 0 ? (size_t)lv->height : 1;

	if (lv->selected < lv->top)
		lv->top = lv->selected;
	if (lv->selected >= lv->top + h)
		lv->top = lv->selected - h + 1;
	if (lv->count <= h)
		lv->top = 0;
	else if (lv->top > lv->count - h)
		lv->top = lv->count - h;
}

/* Applies a movement action to a list. */
bool list_view_move(struct list_view *lv, enum ui_action act)
{
	size_t old = lv->selected, page = lv->height > 1 ? (size_t)lv->height - 1 : 1;

	if (lv->count == 0)
		return false;
	switch (act) {
	case ACT_UP: if (lv->selected > 0) lv->selected--; break;
	case ACT_DOWN: if (lv->selected + 1 < lv->count) lv->selected++; break;
	case ACT_PAGE_UP: lv->selected = lv->selected > page ? lv->selected - page : 0; break;
	case ACT_PAGE_DOWN:
		lv->selected = lv->selected + page < lv->count ? lv->selected + page : lv->count - 1;
		break;
	case ACT_HOME: lv->selected = 0; break;
	case ACT_END: lv->selected = lv->count - 1; break;
	default: return false;
	}
	list_view_scroll(lv);
	return lv->selected != old;
}

/* Sets the visible height and keeps the selection in view. */
void list_view_set_height(struct list_view *lv, int height)
{
	lv->height = height;
	list_view_scroll(lv);
}

/* Sets the number of rows, clamping the selection. */
void list_view_set_count(struct list_view *lv, size_t count)
{
	lv->count = count;
	if (count == 0)
		lv->selected = 0;
	else if (lv->selected >= count)
		lv->selected = count - 1;
	list_view_scroll(lv);
}

/* Splits rows between two stacked panes with one header line each. */
struct pane_split layout_split(int rows, size_t first_count, size_t second_count)
{
	struct pane_split s = { 0, 0 };
	int avail = rows - 2, half;

	(void)second_count;
	if (avail < 2)
		return s;
	half = avail / 2;
	s.first_rows = first_count < (size_t)half ? (int)first_count : half;
	if (s.first_rows < 1)
		s.first_rows = 1;
	s.second_rows = avail - s.first_rows;
	return s;
}

/* Length in bytes of the UTF-8 sequence starting with c (1 for invalid). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	if (c >= 0xE0)
		return c <= 0xEF ? 3 : 1;
	if (c >= 0xC2)
		return 2;
	return 1;
}

/* Copies text clipped or padded to exactly width columns. */
void layout_fit(const char *text, size_t width, char *out, size_t n)
{
	size_t cols = 0, i = 0, k = 0;

	while (text[i] && cols < width) {
		size_t len = utf8_len((unsigned char)text[i]), j;
		if (k + len + 1 >= n)
			break;
		for (j = 0; j < len && text[i + j]; j++)
			out[k++] = (unsigned char)text[i + j] < 0x20 ? ' ' : text[i + j];
		i += j;
		cols++;
	}
	while (cols < width && k + 1 < n) {
		out[k++] = ' ';
		cols++;
	}
	out[k] = 0;
}

/* Wraps body text for a dialog. */
struct text_box layout_box(const char *body, int cols, int rows)
{
	struct text_box tb;
	int maxw = cols - 8 > 20 ? cols - 8 : 20, widest = 30;
	const char *p = body;

	memset(&tb, 0, sizeof tb);
	while (*p && tb.nlines < BOX_MAX_LINES && tb.nlines < rows - 6) {
		size_t len = strcspn(p, "\n");
		size_t take = len > (size_t)maxw ? (size_t)maxw : len;
		if (take >= BOX_LINE_MAX)
			take = BOX_LINE_MAX - 1;
		memcpy(tb.lines[tb.nlines], p, take);
		tb.lines[tb.nlines][take] = 0;
		if ((int)take > widest)
			widest = (int)take;
		tb.nlines++;
		p += take;
		if (*p == '\n')
			p++;
	}
	tb.width = widest + 4;
	tb.height = tb.nlines + 3;
	return tb;
}
