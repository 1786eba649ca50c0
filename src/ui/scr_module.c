/* scr_module.c: one module: its identification (part, software,
 * hardware, serial, system name, CAN IDs) and its coding features. Later
 * sections (DTCs, live data, flash procedures) go below the features. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

/* The module screen's state. */
struct module {
	size_t module;
	size_t features[APP_MAX_FEATURES];
	size_t n;
};

static const struct ui_binding module_bindings[] = {
	{ ' ', '\n', "Space Enter",
	  "toggle the selected feature in the changes to write, or type its new value "
	  "(nothing is written yet)", "Spc", "Toggle", 3, ACT_TOGGLE },
	{ KEY_F(2), 'w', "F2 w", "review the marked changes, then write them", "F2", "Review", 20,
	  ACT_REVIEW },
	{ KEY_F(4), 'c', "F4 c", "coding: the features of every module", "F4", "Coding", 40,
	  ACT_CODING },
	{ KEY_F(5), 'r', "F5 r", "read the coding features again", "F5", "Reread", 50,
	  ACT_REFRESH },
	{ KEY_F(6), 't', "F6 t", "adapter terminal: type AT commands by hand", "F6", "Term", 60,
	  ACT_TERMINAL },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Collects this module's features. */
static void module_refresh(struct ui *u, struct ui_screen *s)
{
	struct module *m = s->data;
	size_t f;

	m->n = 0;
	for (f = 0; f < u->snap->nfeatures; f++)
		if (u->snap->features[f].module == m->module)
			m->features[m->n++] = f;
	list_view_set_count(&s->list, m->n);
}

/* Text of a feature row. */
static void module_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct module *m = s->data;

	if (row < m->n)
		ui_feature_row(u, m->features[row], out, n);
}

/* Look of a feature row. */
static enum ui_role module_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct module *m = s->data;

	return row < m->n ? ui_feature_role(u, m->features[row]) : R_NORMAL;
}

/* The identification block; returns the rows used. */
static int draw_ident(struct ui *u, const struct app_module *md, struct ui_rect a)
{
	static const char *const labels[] = { "Part number", "Software", "Hardware",
					       "Serial number", "System name" };
	const char *values[] = { md->part, md->sw, md->hw, md->serial, md->system };
	int y = a.y, i;

	ui_draw_header(u, y++, a.x, a.w, "Identification");
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "  %-14s %0*X -> %0*X%s", "CAN IDs", md->ext ? 8 : 3,
		(unsigned)md->tx, md->ext ? 8 : 3, (unsigned)md->rx, md->ext ? " (29-bit)" : "");
	for (i = 0; i < 5; i++)
		ui_putf(u, y++, a.x, a.w, values[i][0] ? R_NORMAL : R_DIM, "  %-14s %s", labels[i],
			values[i][0] ? values[i] : "-");
	if (!md->present)
		ui_putf(u, y++, a.x, a.w, R_ERROR, "  %-14s %s", "State", md->error[0] ? md->error
										  : "no answer");
	return y - a.y;
}

/* Draws the identification and the features. */
static void module_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct module *m = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };
	int used;

	if (m->module >= u->snap->nmodules) {
		ui_put(u, a.y, a.x, a.w, R_DIM, "this module is gone (the vehicle was scanned again)");
		return;
	}
	used = draw_ident(u, &u->snap->modules[m->module], a);
	ui_draw_header(u, a.y + used + 1, a.x, a.w, "Coding features (Space marks, F2 reviews)");
	if (m->n == 0) {
		ui_put(u, a.y + used + 2, a.x, a.w, R_DIM, "  none known for this module");
		return;
	}
	ui_draw_list(u, s, (struct ui_rect){ a.y + used + 2, a.x, a.h - used - 2, a.w });
}

/* Keys of the module screen. */
static int module_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct module *m = s->data;

	(void)key;
	switch (act) {
	case ACT_TOGGLE:
		if (s->list.selected < m->n)
			return ui_feature_toggle(u, m->features[s->list.selected]);
		return UI_HANDLED;
	case ACT_REVIEW: ui_push(u, ui_review_screen(u)); return UI_HANDLED | UI_REDRAW;
	case ACT_CODING: ui_push(u, ui_coding_screen(u)); return UI_HANDLED | UI_REDRAW;
	case ACT_REFRESH: ui_start_reread(u); return UI_HANDLED | UI_REDRAW;
	case ACT_TERMINAL:
		ui_push(u, ui_log_screen(u, UI_LOG_TERMINAL));
		return UI_HANDLED | UI_REDRAW;
	default: return 0;
	}
}

/* Frees the state. */
static void module_destroy(struct ui_screen *s)
{
	free(s->data);
}

const struct ui_screen_ops ui_module_ops = {
	.name = "Module",
	.bindings = module_bindings,
	.draw = module_draw,
	.action = module_action,
	.update = module_refresh,
	.row_text = module_row,
	.row_role = module_role,
	.destroy = module_destroy,
};

/* The screen of module index module. */
struct ui_screen *ui_module_screen(struct ui *u, size_t module)
{
	struct module *m = calloc(1, sizeof *m);
	struct ui_screen *s;

	if (m == NULL)
		return NULL;
	m->module = module;
	s = ui_screen_new(u, &ui_module_ops, m);
	if (s && module < u->snap->nmodules)
		snprintf(s->title, sizeof s->title, "Module %s %s", u->snap->modules[module].id,
			 u->snap->modules[module].name);
	return s;
}
