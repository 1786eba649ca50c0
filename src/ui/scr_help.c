/* scr_help.c: the keys of the screen below and the global ones, generated
 * from their binding tables. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

static const struct ui_binding help_bindings[] = {
	{ KEY_F(1), '?', "F1 ? Esc", "close the help", "Esc", "Close", 90, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Draws the help in a frame over the whole area. */
static void help_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct ui_rect inner = { area.y + 1, area.x + 2, area.h - 2, area.w - 4 };

	ui_frame(u, area, s->title);
	ui_draw_list(u, s, inner);
}

/* One line of the help. */
static void help_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	const struct ui_lines *l = s->data;

	(void)u;
	snprintf(out, n, "%s", row < l->n ? l->v[row] : "");
}

/* Section titles look like headers. */
static enum ui_role help_role(struct ui *u, struct ui_screen *s, size_t row)
{
	const struct ui_lines *l = s->data;

	(void)u;
	return row < l->n && l->v[row][0] != ' ' ? R_HEADER : R_NORMAL;
}

/* Recounts the lines. */
static void help_refresh(struct ui *u, struct ui_screen *s)
{
	const struct ui_lines *l = s->data;

	(void)u;
	list_view_set_count(&s->list, l->n);
}

/* Frees the lines. */
static void help_destroy(struct ui_screen *s)
{
	ui_lines_free(s->data);
	free(s->data);
}

const struct ui_screen_ops ui_help_ops = {
	.name = "Help",
	.bindings = help_bindings,
	.draw = help_draw,
	.update = help_refresh,
	.row_text = help_row,
	.row_role = help_role,
	.destroy = help_destroy,
};

/* Splits the generated help into lines. */
static void split(struct ui_lines *l, const char *text)
{
	char line[512];
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		ui_lines_add(l, line);
		p += len;
		if (*p == '\n')
			p++;
	}
}

/* Where the settings are read from (XDG_CONFIG_HOME, else ~/.config). */
static void settings_line(struct ui_lines *l)
{
	char path[4096], line[4200];

	if (ui_config_path(path, sizeof path) == 0)
		snprintf(line, sizeof line, "  Settings: %s", path);
	else
		snprintf(line, sizeof line, "  Settings: none (XDG_CONFIG_HOME and HOME unset)");
	ui_lines_add(l, line);
}

/* The help of a screen. */
struct ui_screen *ui_help_screen(struct ui *u, const struct ui_screen *about)
{
	struct ui_lines *l = calloc(1, sizeof *l);
	struct ui_screen *s;
	char text[8192];
	const char *name = about->title[0] ? about->title : about->ops->name;

	if (l == NULL)
		return NULL;
	ui_help_text(name, about->ops->bindings, text, sizeof text);
	split(l, text);
	ui_lines_add(l, "");
	ui_lines_add(l, "  Colours follow NO_COLOR and --no-color; line drawing is ASCII with");
	ui_lines_add(l, "  --ascii or outside a UTF-8 locale.");
	settings_line(l);
	s = ui_screen_new(u, &ui_help_ops, l);
	if (s)
		snprintf(s->title, sizeof s->title, "obdcon keys: %s", name);
	return s;
}
