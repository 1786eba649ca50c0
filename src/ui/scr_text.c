/* scr_text.c: a scrollable, searchable text: a session's details, its
 * events, its adapter transcript. Lines that end with ':' and do not start
 * with a space are section titles. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

static const struct ui_binding text_bindings[] = {
	{ 'q', 0, "q", "close this text", NULL, NULL, 0, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Draws the lines with a count and the position. */
static void text_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };

	ui_putf(u, a.y, a.x, a.w, R_DIM, "%zu line%s, at %zu   (/ searches, n next, Esc closes)",
		s->list.count, s->list.count == 1 ? "" : "s",
		s->list.count ? s->list.selected + 1 : 0);
	ui_draw_list(u, s, (struct ui_rect){ a.y + 1, a.x, a.h - 1, a.w });
}

/* One line. */
static void text_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	const struct ui_lines *l = s->data;

	(void)u;
	snprintf(out, n, "%s", row < l->n ? l->v[row] : "");
}

/* Section titles look like headers. */
static enum ui_role text_role(struct ui *u, struct ui_screen *s, size_t row)
{
	const struct ui_lines *l = s->data;
	size_t len;

	(void)u;
	if (row >= l->n || l->v[row][0] == ' ' || l->v[row][0] == 0)
		return R_NORMAL;
	len = strlen(l->v[row]);
	return l->v[row][len - 1] == ':' ? R_HEADER : R_NORMAL;
}

/* Recounts the lines. */
static void text_refresh(struct ui *u, struct ui_screen *s)
{
	const struct ui_lines *l = s->data;

	(void)u;
	list_view_set_count(&s->list, l->n);
}

/* Frees the lines. */
static void text_destroy(struct ui_screen *s)
{
	ui_lines_free(s->data);
	free(s->data);
}

const struct ui_screen_ops ui_text_ops = {
	.name = "Text",
	.bindings = text_bindings,
	.draw = text_draw,
	.update = text_refresh,
	.row_text = text_row,
	.row_role = text_role,
	.destroy = text_destroy,
};

/* A text viewer; takes the lines (lines is left empty). */
struct ui_screen *ui_text_screen(struct ui *u, const char *title, struct ui_lines *lines)
{
	struct ui_lines *l = calloc(1, sizeof *l);
	struct ui_screen *s;

	if (l == NULL) {
		ui_lines_free(lines);
		return NULL;
	}
	*l = *lines;
	memset(lines, 0, sizeof *lines);
	s = ui_screen_new(u, &ui_text_ops, l);
	if (s)
		snprintf(s->title, sizeof s->title, "%s", title);
	return s;
}
