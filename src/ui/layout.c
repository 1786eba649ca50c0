/* layout.c: terminal-independent parts of the console. */
#include "config.h"
#include "ui/layout.h"

#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ROW ((size_t)-1)

/* True when a row may hold the selection. */
static bool can_select(const struct list_view *lv, size_t row)
{
	return row < lv->count && (lv->selectable == NULL || lv->selectable(lv->arg, row));
}

/* The first selectable row from row in direction dir, or NO_ROW. */
static size_t find_selectable(const struct list_view *lv, size_t row, int dir)
{
	while (row < lv->count) {
		if (can_select(lv, row))
			return row;
		if (dir < 0 && row == 0)
			break;
		row = dir < 0 ? row - 1 : row + 1;
	}
	return NO_ROW;
}

/* The selectable row nearest to row, looking in dir first. */
static size_t nearest_selectable(const struct list_view *lv, size_t row, int dir)
{
	size_t r = find_selectable(lv, row, dir);

	if (r == NO_ROW)
		r = find_selectable(lv, row, -dir);
	return r;
}

/* Keeps the selection inside the visible window; a group header right
 * above the first selectable row stays visible. */
static void list_view_scroll(struct list_view *lv)
{
	size_t h = (size_t)lv->height;

	if (lv->height <= 0) {
		/* not drawn yet: open at the top, the first draw scrolls as
		 * little as its height needs to show the selection */
		lv->top = 0;
		return;
	}

	if (lv->selected < lv->top)
		lv->top = lv->selected;
	if (lv->selected >= lv->top + h)
		lv->top = lv->selected - h + 1;
	if (lv->selected < h && find_selectable(lv, 0, +1) == lv->selected)
		lv->top = 0;
	if (lv->count <= h)
		lv->top = 0;
	else if (lv->top > lv->count - h)
		lv->top = lv->count - h;
}

/* The row a movement action aims at, before skipping unselectable rows. */
static size_t move_target(const struct list_view *lv, enum ui_action act, int *dir)
{
	size_t page = lv->height > 1 ? (size_t)lv->height - 1 : 1, s = lv->selected;

	*dir = act == ACT_UP || act == ACT_PAGE_UP || act == ACT_END ? -1 : +1;
	switch (act) {
	case ACT_UP: return s > 0 ? s - 1 : NO_ROW;
	case ACT_DOWN: return s + 1 < lv->count ? s + 1 : NO_ROW;
	case ACT_PAGE_UP: return s > page ? s - page : 0;
	case ACT_PAGE_DOWN: return s + page < lv->count ? s + page : lv->count - 1;
	case ACT_HOME: return 0;
	case ACT_END: return lv->count - 1;
	default: return NO_ROW;
	}
}

/* Applies a movement action to a list. */
bool list_view_move(struct list_view *lv, enum ui_action act)
{
	size_t old = lv->selected, target;
	int dir;

	if (lv->count == 0)
		return false;
	target = move_target(lv, act, &dir);
	if (target == NO_ROW)
		return false;
	if (act == ACT_UP || act == ACT_DOWN)
		target = find_selectable(lv, target, dir);
	else
		target = nearest_selectable(lv, target, dir);
	if (target != NO_ROW)
		lv->selected = target;
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
	size_t r;

	lv->count = count;
	if (count == 0)
		lv->selected = 0;
	else if (lv->selected >= count)
		lv->selected = count - 1;
	r = nearest_selectable(lv, lv->selected, +1);
	if (r != NO_ROW)
		lv->selected = r;
	list_view_scroll(lv);
}

/* Selects a row and scrolls to it. */
void list_view_select(struct list_view *lv, size_t row)
{
	size_t r;

	if (lv->count == 0)
		return;
	if (row >= lv->count)
		row = lv->count - 1;
	r = nearest_selectable(lv, row, +1);
	lv->selected = r != NO_ROW ? r : row;
	list_view_scroll(lv);
}

/* Scrolls the window by lines; the selection follows when it would leave. */
bool list_view_scroll_by(struct list_view *lv, int lines)
{
	size_t h = lv->height > 0 ? (size_t)lv->height : 1, old = lv->top, max_top, r;

	if (lv->count <= h)
		return false;
	max_top = lv->count - h;
	if (lines < 0)
		lv->top = (size_t)-lines > lv->top ? 0 : lv->top - (size_t)-lines;
	else
		lv->top = lv->top + (size_t)lines > max_top ? max_top : lv->top + (size_t)lines;
	if (lv->selected < lv->top || lv->selected >= lv->top + h) {
		r = lv->selected < lv->top ? lv->top : lv->top + h - 1;
		r = nearest_selectable(lv, r, lv->selected < lv->top ? +1 : -1);
		if (r != NO_ROW)
			lv->selected = r;
	}
	return lv->top != old;
}

/* True when text contains query, ignoring ASCII case. */
bool ui_match(const char *text, const char *query)
{
	size_t i, k, qn = strlen(query);

	if (qn == 0)
		return true;
	for (i = 0; text[i]; i++) {
		for (k = 0; k < qn && text[i + k]; k++)
			if (tolower((unsigned char)text[i + k]) != tolower((unsigned char)query[k]))
				break;
		if (k == qn)
			return true;
	}
	return false;
}

/* Index of the next row matching query, wrapping around, or -1. */
long ui_search(size_t count, size_t start, int dir, bool include_start, const char *query,
	       ui_row_text_fn text, void *arg)
{
	char line[1024];
	size_t i, row;

	if (count == 0 || query[0] == 0)
		return -1;
	if (start >= count)
		start = 0;
	for (i = 0; i < count; i++) {
		size_t off = (include_start ? i : i + 1) % count;
		row = dir < 0 ? (start + count - off) % count : (start + off) % count;
		text(arg, row, line, sizeof line);
		if (ui_match(line, query))
			return (long)row;
	}
	return -1;
}

/* Replaces the text of a field. */
void ui_entry_set(struct ui_entry *en, const char *text)
{
	snprintf(en->text, sizeof en->text, "%s", text);
	en->len = strlen(en->text);
	en->cur = en->len;
}

/* Deletes n bytes at position at. */
static void entry_delete(struct ui_entry *en, size_t at, size_t n)
{
	memmove(en->text + at, en->text + at + n, en->len - at - n + 1);
	en->len -= n;
}

/* Inserts one printable character at the cursor. */
static void entry_insert(struct ui_entry *en, char c)
{
	if (en->len + 1 >= sizeof en->text)
		return;
	memmove(en->text + en->cur + 1, en->text + en->cur, en->len - en->cur + 1);
	en->text[en->cur++] = c;
	en->len++;
}

/* Deletes the word before the cursor (^W). */
static void entry_delete_word(struct ui_entry *en)
{
	size_t start = en->cur;

	while (start > 0 && en->text[start - 1] == ' ')
		start--;
	while (start > 0 && en->text[start - 1] != ' ')
		start--;
	entry_delete(en, start, en->cur - start);
	en->cur = start;
}

/* True for keys a focused text field takes before the bindings do. */
bool ui_entry_wants(int key)
{
	return (key >= 0x20 && key < 0x7f) || key == KEY_BACKSPACE || key == 127 || key == 8 ||
	       key == KEY_DC || key == KEY_LEFT || key == KEY_RIGHT || key == KEY_HOME ||
	       key == KEY_END || key == UI_KEY_CTRL('a') || key == UI_KEY_CTRL('e') ||
	       key == UI_KEY_CTRL('u') || key == UI_KEY_CTRL('k') || key == UI_KEY_CTRL('w');
}

/* Applies an editing key. */
bool ui_entry_key(struct ui_entry *en, int key)
{
	if (key >= 0x20 && key < 0x7f)
		entry_insert(en, (char)key);
	else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && en->cur > 0)
		entry_delete(en, --en->cur, 1);
	else if (key == KEY_DC && en->cur < en->len)
		entry_delete(en, en->cur, 1);
	else if (key == KEY_LEFT && en->cur > 0)
		en->cur--;
	else if (key == KEY_RIGHT && en->cur < en->len)
		en->cur++;
	else if (key == KEY_HOME || key == UI_KEY_CTRL('a'))
		en->cur = 0;
	else if (key == KEY_END || key == UI_KEY_CTRL('e'))
		en->cur = en->len;
	else if (key == UI_KEY_CTRL('u')) {
		entry_delete(en, 0, en->cur);
		en->cur = 0;
	} else if (key == UI_KEY_CTRL('k'))
		entry_delete(en, en->cur, en->len - en->cur);
	else if (key == UI_KEY_CTRL('w'))
		entry_delete_word(en);
	else
		return ui_entry_wants(key);
	return true;
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

/* Columns text takes. */
size_t layout_width(const char *text)
{
	size_t cols = 0, i = 0;

	while (text[i]) {
		size_t len = utf8_len((unsigned char)text[i]), j;
		for (j = 0; j < len && text[i + j]; j++)
			;
		i += j;
		cols++;
	}
	return cols;
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

/* Number of items in a list separated by ", ". */
static size_t list_items(const char *list)
{
	size_t count = 1;
	const char *p;

	for (p = list; (p = strstr(p, ", ")) != NULL; p += 2)
		count++;
	return count;
}

/* Fits a list of items separated by ", " into width columns. */
void layout_list_fit(const char *list, size_t width, char *out, size_t n)
{
	size_t total = list_items(list), shown = 0, used = 0, len, tail;
	const char *p = list;

	if (n == 0)
		return;
	if (layout_width(list) <= width) {
		snprintf(out, n, "%s", list);
		return;
	}
	out[0] = 0;
	for (; shown + 1 < total; shown++) {
		len = (size_t)(strstr(p, ", ") - p);
		tail = (size_t)snprintf(NULL, 0, " +%zu", total - shown - 1);
		if (used + (shown ? 2 : 0) + len + tail > width || used + len + tail + 3 >= n)
			break;
		used += (size_t)snprintf(out + used, n - used, "%s%.*s", shown ? ", " : "", (int)len, p);
		p += len + 2;
	}
	if (shown == 0)
		layout_fit(list, width, out, n);
	else
		snprintf(out + used, n - used, " +%zu", total - shown);
}

/* How many bytes of a line of len bytes go on one wrapped line of maxw. */
static size_t wrap_take(const char *p, size_t len, size_t maxw)
{
	size_t take = len > maxw ? maxw : len, sp;

	if (take == len)
		return take;
	for (sp = take; sp > maxw / 2; sp--)
		if (p[sp] == ' ')
			return sp;
	return take;
}

/* Wraps body text for a dialog. */
struct text_box layout_box(const char *body, int cols, int rows, int extra_rows)
{
	struct text_box tb;
	int maxw = cols - 8 > 20 ? cols - 8 : 20, widest = 30, maxlines = rows - 4 - extra_rows;
	const char *p = body;

	memset(&tb, 0, sizeof tb);
	if (maxlines > BOX_MAX_LINES)
		maxlines = BOX_MAX_LINES;
	while (*p) {
		size_t len = strcspn(p, "\n");
		size_t take = wrap_take(p, len, (size_t)maxw);
		if (tb.nlines >= maxlines) {
			tb.clipped = true;
			break;
		}
		if (take >= BOX_LINE_MAX)
			take = BOX_LINE_MAX - 1;
		memcpy(tb.lines[tb.nlines], p, take);
		tb.lines[tb.nlines][take] = 0;
		if ((int)layout_width(tb.lines[tb.nlines]) > widest)
			widest = (int)layout_width(tb.lines[tb.nlines]);
		tb.nlines++;
		p += take;
		if (*p == ' ' && take < len)
			p++;
		else if (*p == '\n')
			p++;
	}
	tb.width = widest + 4;
	tb.height = tb.nlines + 3 + extra_rows;
	return tb;
}

/* Formats an amount: bytes as B/KiB/MiB with one decimal, items plain. */
static void amount_text(long long v, bool bytes, char *out, size_t n)
{
	if (!bytes)
		snprintf(out, n, "%lld", v);
	else if (v < 1024)
		snprintf(out, n, "%lld B", v);
	else if (v < 1024 * 1024)
		snprintf(out, n, "%.1f KiB", (double)v / 1024);
	else
		snprintf(out, n, "%.1f MiB", (double)v / (1024 * 1024));
}

/* Appends formatted text at the end of out. */
static void add(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends formatted text at the end of out. */
static void add(char *out, size_t n, const char *fmt, ...)
{
	size_t len = strlen(out);
	va_list ap;

	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(out + len, n - len, fmt, ap);
	va_end(ap);
}

/* Appends percentage, amounts, throughput and ETA when the total is known. */
static void add_amounts(const struct ui_progress *p, char *out, size_t n)
{
	char a[32], b[32];
	long long left;

	if (p->total <= 0 || p->done < 0)
		return;
	amount_text(p->done, p->bytes, a, sizeof a);
	amount_text(p->total, p->bytes, b, sizeof b);
	add(out, n, " - %lld%% %s/%s", p->done * 100 / p->total, a, b);
	if (p->elapsed_ms < 1000 || p->done <= 0)
		return;
	if (p->bytes) {
		amount_text(p->done * 1000 / p->elapsed_ms, true, a, sizeof a);
		add(out, n, " %s/s", a);
	}
	left = (p->total - p->done) * p->elapsed_ms / p->done / 1000;
	if (left >= 0)
		add(out, n, " ETA %lld:%02lld", left / 60, left % 60);
}

/* One line of progress text. */
void ui_progress_text(const struct ui_progress *p, const char *spinner, char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = 0;
	add(out, n, "%s%s%s", spinner ? spinner : "", spinner ? " " : "", p->step ? p->step : "");
	add_amounts(p, out, n);
	if (p->elapsed_ms >= 1000)
		add(out, n, " (%lld:%02lld)", (long long)(p->elapsed_ms / 60000),
		    (long long)(p->elapsed_ms / 1000 % 60));
}

/* Picks up "N%" or "N/M" in a step text. */
bool ui_progress_parse(const char *step, long long *done, long long *total)
{
	const char *p;
	char *end;
	long long a, b;

	for (p = step; *p; p++) {
		if (!isdigit((unsigned char)*p) || (p > step && isdigit((unsigned char)p[-1])))
			continue;
		a = strtoll(p, &end, 10);
		if (*end == '%' && a <= 100) {
			*done = a;
			*total = 100;
			return true;
		}
		if (*end == '/' && isdigit((unsigned char)end[1])) {
			b = strtoll(end + 1, &end, 10);
			if (b > 0 && a <= b) {
				*done = a;
				*total = b;
				return true;
			}
		}
	}
	return false;
}
