/* draw.c: widgets every screen uses: clipped text, lines and frames,
 * lists, text fields, dialogs and the list of an operation's steps. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/console.h"
#include "util/clock.h"

/* Prints text clipped and padded to w columns with a role's look. */
void ui_put(struct ui *u, int y, int x, int w, enum ui_role role, const char *text)
{
	char line[2048];

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return;
	if (w > COLS - x)
		w = COLS - x;
	layout_fit(text, (size_t)w, line, sizeof line);
	attrset(ui_attr(u->colours, role));
	mvaddstr(y, x, line);
	attrset(A_NORMAL);
}

/* Prints formatted text clipped and padded to w columns. */
void ui_putf(struct ui *u, int y, int x, int w, enum ui_role role, const char *fmt, ...)
{
	char text[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ui_put(u, y, x, w, role, text);
}

/* A horizontal line of w columns. */
void ui_hline(struct ui *u, int y, int x, int w, enum ui_role role)
{
	int i;

	if (y < 0 || y >= LINES)
		return;
	attrset(ui_attr(u->colours, role));
	for (i = 0; i < w && x + i < COLS; i++)
		mvaddstr(y, x + i, u->g->hline);
	attrset(A_NORMAL);
}

/* A framed box with a title on its top edge; the inside is cleared. */
void ui_frame(struct ui *u, struct ui_rect r, const char *title)
{
	int y;

	for (y = r.y; y < r.y + r.h; y++)
		ui_put(u, y, r.x, r.w, R_NORMAL, "");
	ui_hline(u, r.y, r.x, r.w, R_FRAME);
	ui_hline(u, r.y + r.h - 1, r.x, r.w, R_FRAME);
	attrset(ui_attr(u->colours, R_FRAME));
	for (y = r.y; y < r.y + r.h; y++) {
		mvaddstr(y, r.x, u->g->vline);
		mvaddstr(y, r.x + r.w - 1, u->g->vline);
	}
	mvaddstr(r.y, r.x, u->g->tl);
	mvaddstr(r.y, r.x + r.w - 1, u->g->tr);
	mvaddstr(r.y + r.h - 1, r.x, u->g->bl);
	mvaddstr(r.y + r.h - 1, r.x + r.w - 1, u->g->br);
	attrset(A_NORMAL);
	if (title && title[0]) {
		int tw = (int)layout_width(title) + 2;
		ui_putf(u, r.y, r.x + 2, tw < r.w - 4 ? tw : r.w - 4, R_HEADER, " %s ", title);
	}
}

/* Draws the screen's list in area with its row callbacks. */
void ui_draw_list(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	char text[1024];
	size_t i, row;

	s->list_area = area;
	list_view_set_height(&s->list, area.h);
	for (i = 0; i < (size_t)area.h && s->list.top + i < s->list.count; i++) {
		enum ui_role role;
		row = s->list.top + i;
		text[0] = 0;
		if (s->ops->row_text)
			s->ops->row_text(u, s, row, text, sizeof text);
		role = s->ops->row_role ? s->ops->row_role(u, s, row) : R_NORMAL;
		if (row == s->list.selected && (!s->ops->row_selectable ||
						s->ops->row_selectable(u, s, row)))
			role = R_SELECTED;
		ui_put(u, area.y + (int)i, area.x, area.w, role, text);
	}
}

/* A text field; focused fields place the cursor. */
void ui_draw_entry(struct ui *u, int y, int x, int w, const char *label,
		   const struct ui_entry *en, bool focused)
{
	int lw = (int)layout_width(label), fw = w - lw;
	size_t start;

	if (fw < 2)
		return;
	ui_put(u, y, x, lw, focused ? R_HEADER : R_NORMAL, label);
	start = en->cur >= (size_t)fw ? en->cur - (size_t)fw + 1 : 0;
	ui_put(u, y, x + lw, fw, focused ? R_ENTRY : R_NORMAL, en->text + start);
	if (focused) {
		u->cursor_y = y;
		u->cursor_x = x + lw + (int)(en->cur - start);
	}
}

/* A section header line with a rule after it. */
void ui_draw_header(struct ui *u, int y, int x, int w, const char *text)
{
	int tw = (int)layout_width(text);

	ui_put(u, y, x, tw, R_HEADER, text);
	if (tw + 1 < w)
		ui_hline(u, y, x + tw + 1, w - tw - 1, R_FRAME);
}

/* A centred dialog with body text. */
struct ui_rect ui_draw_dialog(struct ui *u, const char *title, const char *body, int extra_rows)
{
	static struct text_box tb;
	struct ui_rect r;
	int i;

	tb = layout_box(body, COLS, LINES - 4, extra_rows);
	r.w = tb.width;
	r.h = tb.height;
	r.y = 1 + (LINES - 4 - r.h) / 2;
	r.x = (COLS - r.w) / 2;
	if (r.y < 1)
		r.y = 1;
	ui_frame(u, r, title);
	for (i = 0; i < tb.nlines; i++)
		ui_put(u, r.y + 1 + i, r.x + 2, r.w - 4, R_NORMAL, tb.lines[i]);
	if (tb.clipped)
		ui_put(u, r.y + 1 + tb.nlines - 1, r.x + 2, r.w - 4, R_DIM,
		       "... (the full text is in the log, F8)");
	return r;
}

/* A centred dialog whose body scrolls. */
struct ui_rect ui_draw_dialog_scroll(struct ui *u, const char *title, const char *body,
				     int extra_rows, struct ui_scroll *sc)
{
	static struct text_box tb;
	int avail = LINES - 4 - 3 - extra_rows, i;
	bool scroll;
	struct ui_rect r;

	tb = layout_box(body, COLS, 4 + BOX_MAX_LINES, 0);
	if (tb.clipped)
		snprintf(tb.lines[tb.nlines - 1], BOX_LINE_MAX, "... (the full text is in the log, F8)");
	scroll = tb.nlines > avail;
	sc->total = tb.nlines;
	sc->visible = scroll ? avail - 1 : tb.nlines;
	if (sc->visible < 1)
		sc->visible = 1;
	if (sc->top > sc->total - sc->visible)
		sc->top = sc->total - sc->visible;
	if (sc->top < 0)
		sc->top = 0;
	r.w = tb.width;
	r.h = sc->visible + (scroll ? 1 : 0) + 3 + extra_rows;
	r.y = 1 + (LINES - 4 - r.h) / 2;
	r.x = (COLS - r.w) / 2;
	if (r.y < 1)
		r.y = 1;
	ui_frame(u, r, title);
	for (i = 0; i < sc->visible; i++)
		ui_put(u, r.y + 1 + i, r.x + 2, r.w - 4, R_NORMAL, tb.lines[sc->top + i]);
	if (scroll)
		ui_putf(u, r.y + 1 + sc->visible, r.x + 2, r.w - 4, R_HEADER,
			"-- lines %d-%d of %d: Up/Down, PgUp/PgDn scroll --", sc->top + 1,
			sc->top + sc->visible, sc->total);
	return r;
}

/* Applies a movement action to a scrolling dialog. */
bool ui_scroll_move(struct ui_scroll *sc, enum ui_action act)
{
	int old = sc->top, page = sc->visible > 1 ? sc->visible - 1 : 1;

	switch (act) {
	case ACT_UP: sc->top--; break;
	case ACT_DOWN: sc->top++; break;
	case ACT_PAGE_UP: sc->top -= page; break;
	case ACT_PAGE_DOWN: sc->top += page; break;
	case ACT_HOME: sc->top = 0; break;
	case ACT_END: sc->top = sc->total; break;
	default: return false;
	}
	if (sc->top > sc->total - sc->visible)
		sc->top = sc->total - sc->visible;
	if (sc->top < 0)
		sc->top = 0;
	return sc->top != old;
}

/* The spinner frame for now. */
const char *ui_spinner(const struct ui *u)
{
	return u->g->spinner[(clock_ms() / 100) % u->g->nspinner];
}

/* The mark in front of a step line. */
static const char *step_mark(struct ui *u, const struct ui_log_line *ln, bool last)
{
	if (ln->level == APP_ERROR)
		return u->g->cross;
	if (ln->level == APP_WARNING)
		return "!";
	if (last && ui_busy(u))
		return ui_spinner(u);
	return u->g->check;
}

/* True when log line i is a progress report the next line replaces (the
 * same step a little further: "download 8192/65536 bytes"). */
static bool superseded(const struct ui_log *l, size_t i)
{
	const struct ui_log_line *a = ui_log_get(l, i), *b = ui_log_get(l, i + 1);
	size_t len;

	if (a == NULL || b == NULL || a->level != APP_PROGRESS || b->level != APP_PROGRESS)
		return false;
	len = strcspn(a->text, " ");
	return strncmp(a->text, b->text, len) == 0 && (b->text[len] == ' ' || b->text[len] == 0);
}

#define STEPS_MAX 256

/* The steps of the running or last operation, the newest at the bottom; a
 * progress report replaced by the next one is left out. */
void ui_draw_steps(struct ui *u, struct ui_rect area, unsigned long since)
{
	size_t from = ui_log_index_of(&u->log, since), n = ui_log_count(&u->log), i, k = 0;
	size_t shown[STEPS_MAX];

	for (i = n; i-- > from && k < (size_t)area.h && k < STEPS_MAX;)
		if (!superseded(&u->log, i))
			shown[k++] = i;
	for (i = 0; i < k; i++) {
		const struct ui_log_line *ln = ui_log_get(&u->log, shown[k - 1 - i]);
		enum ui_role role = ln->level == APP_ERROR ? R_ERROR
				    : ln->level == APP_WARNING ? R_WARN : R_NORMAL;
		ui_putf(u, area.y + (int)i, area.x, area.w, role, " %s %s",
			step_mark(u, ln, shown[k - 1 - i] + 1 == n), ln->text);
	}
}

/* A progress bar of w columns: bar, percentage, bytes, throughput, ETA. */
void ui_draw_progress(struct ui *u, int y, int x, int w, const struct app_progress *p)
{
	char figures[128], bar[1024];
	int fw, bw;

	if (p->unit)
		snprintf(figures, sizeof figures, "%3u%% %llu/%llu %s",
			 p->total ? (unsigned)(p->done >= p->total ? 100 : p->done * 100 / p->total) : 0,
			 (unsigned long long)p->done, (unsigned long long)p->total, p->unit);
	else
		ui_progress_figures(p->done, p->total, p->bytes_per_s, p->eta_s, figures,
				    sizeof figures);
	fw = (int)layout_width(figures);
	bw = w - fw - 3;
	if (bw < 4) {
		ui_put(u, y, x, w, R_NORMAL, figures);
		return;
	}
	ui_progress_bar(p->total ? (double)p->done / (double)p->total : 0, (size_t)bw,
			u->g->bar_full, u->g->bar_part, u->g->nbar_part, u->g->bar_empty, bar,
			sizeof bar);
	ui_put(u, y, x, 1, R_NORMAL, "[");
	ui_put(u, y, x + 1, bw, R_GOOD, bar);
	ui_put(u, y, x + 1 + bw, 1, R_NORMAL, "]");
	ui_put(u, y, x + bw + 3, fw, R_NORMAL, figures);
}
