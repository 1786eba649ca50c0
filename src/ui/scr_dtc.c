/* scr_dtc.c: fault codes of one module or of every module: each code as
 * P/C/B/U with its hex form, its status bits in words and a description;
 * Enter shows every status bit, F5 reads again, F7 clears after the app's
 * confirmation (default No) and reads again. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

/* Kinds of row. */
enum dtc_row_kind { DROW_MODULE, DROW_CODE, DROW_NOTE };

/* One row: a module header, one of its codes, or a note about it. */
struct drow {
	enum dtc_row_kind kind;
	size_t module;
	size_t code;
};

/* The screen's state. */
struct dtcscr {
	int module;        /* -1: every module */
	bool asked;        /* the first read was started */
	struct drow *rows;
	size_t n, cap;
};

static const struct ui_binding dtc_bindings[] = {
	{ '\n', 0, "Enter", "details of the selected code: every status bit and the raw bytes",
	  "Enter", "Details", 2, ACT_OPEN },
	{ KEY_F(5), 'r', "F5 r", "read the fault codes again", "F5", "Read", 50, ACT_REFRESH },
	{ KEY_F(7), 'C', "F7 C",
	  "clear the fault codes shown (asks first, No by default), then read them again", "F7",
	  "Clear", 70, ACT_CLEAR },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Appends a row. */
static void add_row(struct dtcscr *d, enum dtc_row_kind kind, size_t module, size_t code)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct drow *rows = realloc(d->rows, cap * sizeof *rows);
		if (rows == NULL)
			return;
		d->rows = rows;
		d->cap = cap;
	}
	d->rows[d->n++] = (struct drow){ kind, module, code };
}

/* True when module i is shown here. */
static bool in_scope(const struct ui *u, const struct dtcscr *d, size_t i)
{
	return (d->module < 0 || (size_t)d->module == i) && u->snap->modules[i].present;
}

/* Rebuilds the rows from the snapshot. */
static void dtc_refresh(struct ui *u, struct ui_screen *s)
{
	struct dtcscr *d = s->data;
	size_t i, k;

	d->n = 0;
	for (i = 0; i < u->snap->nmodules; i++) {
		const struct app_module_dtcs *md = &u->snap->dtcs[i];
		if (!in_scope(u, d, i))
			continue;
		add_row(d, DROW_MODULE, i, 0);
		for (k = 0; md->read && k < md->n; k++)
			add_row(d, DROW_CODE, i, k);
		if (!md->read || md->n == 0)
			add_row(d, DROW_NOTE, i, 0);
	}
	list_view_set_count(&s->list, d->n);
}

/* The header of a module: name and how its codes were read. */
static void module_text(const struct ui *u, size_t i, char *out, size_t n)
{
	const struct app_module *m = &u->snap->modules[i];
	const struct app_module_dtcs *md = &u->snap->dtcs[i];

	if (!md->read)
		snprintf(out, n, "%s %s", m->id, m->name);
	else if (md->obd)
		snprintf(out, n, "%s %s: %zu fault code%s (OBD-II mode 03, stored codes)", m->id,
			 m->name, md->n, md->n == 1 ? "" : "s");
	else
		snprintf(out, n, "%s %s: %zu fault code%s (UDS 0x19, status bits supported %02X)",
			 m->id, m->name, md->n, md->n == 1 ? "" : "s", md->avail_mask);
}

/* Text of a row. */
static void dtc_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct dtcscr *d = s->data;
	const struct drow *r;
	const struct app_module_dtcs *md;
	const struct app_dtc *c;
	char status[128];

	if (row >= d->n)
		return;
	r = &d->rows[row];
	md = &u->snap->dtcs[r->module];
	if (r->kind == DROW_MODULE) {
		module_text(u, r->module, out, n);
	} else if (r->kind == DROW_NOTE) {
		snprintf(out, n, "    %s%s", !md->read && md->error[0] ? "read failed: " : "",
			 md->read ? "no fault codes stored"
			 : md->error[0] ? md->error : "not read yet: F5 reads");
	} else {
		c = &md->dtcs[r->code];
		layout_list_fit(c->status_text, 30, status, sizeof status);
		snprintf(out, n, "  %-6s %-7s %-30s %s", c->code, c->raw, status,
			 c->text ? c->text : "(no description known)");
	}
}

/* Look of a row: headers, confirmed codes stand out, notes dim. */
static enum ui_role dtc_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct dtcscr *d = s->data;
	const struct drow *r;

	if (row >= d->n)
		return R_NORMAL;
	r = &d->rows[row];
	if (r->kind == DROW_MODULE)
		return R_HEADER;
	if (r->kind == DROW_NOTE)
		return u->snap->dtcs[r->module].error[0] ? R_WARN : R_DIM;
	return u->snap->dtcs[r->module].dtcs[r->code].status & 0x88 ? R_ERROR : R_NORMAL;
}

/* Only codes can be selected. */
static bool dtc_selectable(struct ui *u, struct ui_screen *s, size_t row)
{
	struct dtcscr *d = s->data;

	(void)u;
	return row < d->n && d->rows[row].kind == DROW_CODE;
}

/* Modules (one, or all for -1) whose last read failed. */
static size_t failed_reads(const struct ui *u, int module)
{
	size_t i, n = 0;

	for (i = 0; i < u->snap->nmodules; i++)
		n += (module < 0 || (size_t)module == i) && !u->snap->dtcs[i].read &&
		     u->snap->dtcs[i].error[0];
	return n;
}

/* Draws the summary line, the column titles and the list. */
static void dtc_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct dtcscr *d = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };
	bool read;
	size_t count = ui_snapshot_dtc_count(u->snap, d->module, &read);

	size_t failed = failed_reads(u, d->module);

	if (failed)
		ui_putf(u, a.y, a.x, a.w, R_WARN, "%zu module%s could not be read (see below)%s; F5 "
			"reads again.", failed, failed == 1 ? "" : "s",
			count ? ", the others have codes" : read ? ", the others have none" : "");
	else
		ui_putf(u, a.y, a.x, a.w, count ? R_WARN : R_NORMAL, "%s",
			!read ? "Not read yet (F5 reads)."
			: count ? "Enter shows a code's details; F7 clears after asking; F5 reads again."
				: "No fault codes stored. F5 reads again.");
	ui_putf(u, a.y + 1, a.x, a.w, R_DIM, "  %-6s %-7s %-30s %s", "code", "hex", "status",
		"description");
	if (d->n == 0)
		ui_put(u, a.y + 3, a.x, a.w, R_DIM, "no module answered the scan");
	else
		ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
}

/* Appends formatted text to out at *used. */
static void add(char *out, size_t n, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Appends formatted text to out at *used. */
static void add(char *out, size_t n, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used + 1 >= n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *used, n - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used = *used + (size_t)w < n ? *used + (size_t)w : n - 1;
}

/* The details of a code: description, bytes and every status bit. */
static void show_details(struct ui *u, const struct drow *r)
{
	const struct app_module *m = &u->snap->modules[r->module];
	const struct app_module_dtcs *md = &u->snap->dtcs[r->module];
	const struct app_dtc *c = &md->dtcs[r->code];
	char body[2048];
	size_t used = 0;
	unsigned bit;

	add(body, sizeof body, &used, "%s  %s\nhex %s", c->code,
	    c->text ? c->text : "(no description known)", c->raw);
	if (!md->obd)
		add(body, sizeof body, &used, ", failure type %02X", c->failure_type);
	add(body, sizeof body, &used, "\nmodule %s %s, read with %s\n\nstatus %02X:\n", m->id,
	    m->name, md->obd ? "OBD-II mode 03" : "UDS 0x19 02", c->status);
	for (bit = 0; bit < 8; bit++)
		add(body, sizeof body, &used, "  %s %-22s (%s)%s\n",
		    c->status & (1u << bit) ? "[x]" : "[ ]", app_dtc_status_bit(bit, false),
		    app_dtc_status_bit(bit, true),
		    md->obd || md->avail_mask & (1u << bit) ? "" : "  not supported");
	ui_push(u, ui_tell_screen(u, c->code, body));
}

/* Keys of the fault codes screen. */
static int dtc_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct dtcscr *d = s->data;

	(void)key;
	switch (act) {
	case ACT_OPEN:
		if (s->list.selected < d->n && d->rows[s->list.selected].kind == DROW_CODE)
			show_details(u, &d->rows[s->list.selected]);
		return UI_HANDLED | UI_REDRAW;
	case ACT_REFRESH: ui_start_dtc_read(u, d->module); return UI_HANDLED | UI_REDRAW;
	case ACT_CLEAR: ui_start_dtc_clear(u, d->module); return UI_HANDLED | UI_REDRAW;
	default: return 0;
	}
}

/* The first time it is shown: reads the codes unless they are known. */
static void dtc_enter(struct ui *u, struct ui_screen *s)
{
	struct dtcscr *d = s->data;
	bool read;

	if (d->asked)
		return;
	d->asked = true;
	ui_snapshot_dtc_count(u->snap, d->module, &read);
	if (!read && !ui_busy(u))
		ui_start_dtc_read(u, d->module);
}

/* Frees the rows. */
static void dtc_destroy(struct ui_screen *s)
{
	struct dtcscr *d = s->data;

	if (d)
		free(d->rows);
	free(d);
}

const struct ui_screen_ops ui_dtc_ops = {
	.name = "Fault codes",
	.bindings = dtc_bindings,
	.enter = dtc_enter,
	.draw = dtc_draw,
	.action = dtc_action,
	.update = dtc_refresh,
	.row_text = dtc_row,
	.row_role = dtc_role,
	.row_selectable = dtc_selectable,
	.destroy = dtc_destroy,
};

/* Fault codes of one module (index) or of every module (-1). */
struct ui_screen *ui_dtc_screen(struct ui *u, int module)
{
	struct dtcscr *d = calloc(1, sizeof *d);
	struct ui_screen *s;

	if (d == NULL)
		return NULL;
	d->module = module;
	s = ui_screen_new(u, &ui_dtc_ops, d);
	if (s && module >= 0 && (size_t)module < u->snap->nmodules)
		snprintf(s->title, sizeof s->title, "Fault codes %s", u->snap->modules[module].id);
	else if (s)
		snprintf(s->title, sizeof s->title, "Fault codes (all modules)");
	return s;
}
