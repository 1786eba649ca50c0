/* scr_module.c: one module: its identification (part, software,
 * hardware, serial, system name, CAN IDs), its fault codes, flash
 * procedures and live data one key away (F7, F6, F9), and its coding
 * features. */
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
	{ KEY_F(4), 'c', "F4 c", "coding: the features of every module", NULL, NULL, 0,
	  ACT_CODING },
	{ KEY_F(5), 'r', "F5 r", "read the coding features again", "F5", "Reread", 50,
	  ACT_REFRESH },
	{ KEY_F(6), 'f', "F6 f", "flash wizard for this module's procedures", "F6", "Flash", 60,
	  ACT_FLASH },
	{ KEY_F(7), 'd', "F7 d", "fault codes of this module: read, details, clear", "F7",
	  "Faults", 70, ACT_FAULTS },
	{ KEY_F(9), 'l', "F9 l", "live data: OBD-II values of the engine with trends", "F9", "Live",
	  90, ACT_LIVE },
	{ 't', 0, "t", "adapter terminal: type AT commands by hand", NULL, NULL, 0, ACT_TERMINAL },
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
					       "Serial number", "System name", "Supplier" };
	const char *values[] = { md->part, md->sw, md->hw, md->serial, md->system, md->supplier };
	int y = a.y, i;

	ui_draw_header(u, y++, a.x, a.w, "Identification");
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "  %-14s %0*X -> %0*X%s", "CAN IDs", md->ext ? 8 : 3,
		(unsigned)md->tx, md->ext ? 8 : 3, (unsigned)md->rx, md->ext ? " (29-bit)" : "");
	for (i = 0; i < 6; i++)
		if (values[i][0] || i < 5)
			ui_putf(u, y++, a.x, a.w, values[i][0] ? R_NORMAL : R_DIM, "  %-14s %s",
				labels[i], values[i][0] ? values[i] : "-");
	if (md->discovered)
		ui_putf(u, y++, a.x, a.w, R_DIM, "  %-14s %s", "Found",
			"by probing: the brand script does not declare it");
	if (!md->present)
		ui_putf(u, y++, a.x, a.w, R_ERROR, "  %-14s %s", "State", md->error[0] ? md->error
										  : "no answer");
	return y - a.y;
}

/* The module's fault codes in one line. */
static void dtc_line(const struct ui *u, size_t mi, char *out, size_t n)
{
	const struct app_module_dtcs *md = &u->snap->dtcs[mi];
	size_t i, used;

	if (!md->read) {
		snprintf(out, n, "%s", md->error[0] ? md->error : "not read yet: F7 reads them");
		return;
	}
	used = (size_t)snprintf(out, n, "%zu stored%s", md->n, md->n ? ":" : " (F7 for details)");
	for (i = 0; i < md->n && i < 4 && used < n; i++)
		used += (size_t)snprintf(out + used, n - used, " %s%s", md->dtcs[i].code,
					 i + 1 < md->n ? "," : "");
	if (md->n > 4 && used < n)
		snprintf(out + used, n - used, " ...");
	if (md->n && used < n)
		snprintf(out + strlen(out), n - strlen(out), "   F7 shows them");
}

/* The module's flash procedures in one line. */
static void flash_line(const struct ui *u, const struct app_module *md, char *out, size_t n)
{
	size_t i, used = 0, count = 0;

	out[0] = 0;
	for (i = 0; i < u->snap->nflash && used < n; i++) {
		if (strcmp(u->snap->flash[i].module, md->id) != 0)
			continue;
		used += (size_t)snprintf(out + used, n - used, "%s%s (%s)", count ? ", " : "",
					 u->snap->flash[i].id, u->snap->flash[i].name);
		count++;
	}
	if (count == 0)
		snprintf(out, n, "none in the brand script");
	else if (used < n)
		snprintf(out + used, n - used, "   F6 starts the wizard");
}

/* The live data line: the OBD-II engine ECU (this module, or the
 * engine at its identifiers). */
static void live_line(const struct ui *u, const struct app_module *md, char *out, size_t n)
{
	const struct app_can_target *en = &u->snap->engine;

	if (md->tx == en->tx && md->ext == en->ext)
		snprintf(out, n, "F9: OBD-II values of this engine, with trends");
	else
		snprintf(out, n, "F9: OBD-II values of the engine (%0*X)", en->ext ? 8 : 3,
			 (unsigned)en->tx);
}

/* Fault codes, flash and live data, one line each; returns the rows used. */
static int draw_diag(struct ui *u, size_t mi, struct ui_rect a)
{
	const struct app_module *md = &u->snap->modules[mi];
	char text[512];
	bool any;

	ui_draw_header(u, a.y, a.x, a.w, "Fault codes, flash, live data");
	dtc_line(u, mi, text, sizeof text);
	ui_putf(u, a.y + 1, a.x, a.w, u->snap->dtcs[mi].n ? R_WARN : R_NORMAL, "  %-14s %s",
		"Fault codes", text);
	flash_line(u, md, text, sizeof text);
	any = strcmp(text, "none in the brand script") != 0;
	ui_putf(u, a.y + 2, a.x, a.w, any ? R_NORMAL : R_DIM, "  %-14s %s", "Flash", text);
	live_line(u, md, text, sizeof text);
	ui_putf(u, a.y + 3, a.x, a.w, R_NORMAL, "  %-14s %s", "Live data", text);
	return 4;
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
	used += draw_diag(u, m->module, (struct ui_rect){ a.y + used, a.x, 4, a.w });
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
	case ACT_FAULTS: ui_push(u, ui_dtc_screen(u, (int)m->module)); return UI_HANDLED | UI_REDRAW;
	case ACT_FLASH: ui_push(u, ui_flash_screen(u, (int)m->module)); return UI_HANDLED | UI_REDRAW;
	case ACT_LIVE: ui_push(u, ui_live_screen(u)); return UI_HANDLED | UI_REDRAW;
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
