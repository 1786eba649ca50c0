/* scr_coding.c: the coding screen (every feature grouped by module, with
 * its current value, the value marked to write and its support), the
 * review screen (the plan, then one transaction for all marked changes)
 * and the feature rows the module screen shares. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

/* A row of the coding list: a module header or a feature. */
struct crow {
	bool header;
	size_t index; /* module or feature index in the snapshot */
};

/* The coding screen's rows. */
struct coding {
	struct crow rows[APP_MAX_MODULES + APP_MAX_FEATURES];
	size_t n;
};

static const struct ui_binding coding_bindings[] = {
	{ ' ', '\n', "Space Enter",
	  "toggle the selected feature in the changes to write, or type its new value "
	  "(nothing is written yet)", "Spc", "Toggle", 3, ACT_TOGGLE },
	{ KEY_F(2), 'w', "F2 w", "review the marked changes, then write them in one transaction",
	  "F2", "Review", 20, ACT_REVIEW },
	{ KEY_F(5), 'r', "F5 r", "read the coding features again from the vehicle", "F5",
	  "Reread", 50, ACT_REFRESH },
	{ 'u', 0, "u", "forget every marked change", NULL, NULL, 0, ACT_FORGET },
	{ 'U', 0, "U", "undo: write back the values this session backed up before its first "
	  "change (asks first, No by default)", "U", "Undo", 40, ACT_RESTORE },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* The mark in front of a feature: [x] on, [ ] off, [=] a value of another
 * kind, [?] unknown, [-] unsupported or read-only. */
static const char *feature_mark(const struct ui_feature *f)
{
	if (!f->supported || !f->writable)
		return "[-]";
	if (!f->known)
		return "[?]";
	if (f->kind != APP_FEATURE_BIT)
		return "[=]";
	return f->value ? "[x]" : "[ ]";
}

/* One feature as a row: mark, name, module, value, then what is marked
 * or why it cannot change. */
void ui_feature_row(struct ui *u, size_t fi, char *out, size_t n)
{
	const struct ui_feature *f;
	char note[300];
	int p;

	if (fi >= u->snap->nfeatures)
		return;
	f = &u->snap->features[fi];
	p = ui_pending_find(&u->pending, f->id);
	if (p >= 0)
		snprintf(note, sizeof note, "%s %s  (marked)", u->g->arrow, u->pending.items[p].value);
	else if (!f->supported)
		snprintf(note, sizeof note, "unsupported: %s", f->reason);
	else if (!f->writable)
		snprintf(note, sizeof note, "read-only");
	else if (!f->known)
		snprintf(note, sizeof note, "%s", f->reason);
	else if (f->kind != APP_FEATURE_BIT)
		snprintf(note, sizeof note, "(%s)", f->values);
	else
		note[0] = 0;
	snprintf(out, n, "  %s %-34s %-4s %-10s %s", feature_mark(f), f->name,
		 u->snap->modules[f->module].id, ui_feature_value_text(f), note);
}

/* How a feature row looks: marked, unsupported or plain. */
enum ui_role ui_feature_role(struct ui *u, size_t fi)
{
	const struct ui_feature *f;

	if (fi >= u->snap->nfeatures)
		return R_NORMAL;
	f = &u->snap->features[fi];
	if (ui_pending_find(&u->pending, f->id) >= 0)
		return R_PENDING;
	return f->supported && f->writable && f->known ? R_NORMAL : R_DIM;
}

/* Says what marking did. */
static void say_marked(struct ui *u, const struct ui_feature *f, int rc, const char *why)
{
	if (rc < 0)
		ui_say(u, APP_WARNING, "%s", why);
	else
		ui_say(u, APP_INFO, "%s %s; %zu marked, F2 reviews and writes", f->name,
		       rc ? "marked to change" : "unmarked", u->pending.n);
	ui_refresh_screens(u);
}

/* The typed value of a feature of another kind than a switch. */
static void value_typed(struct ui *u, const char *text, void *arg)
{
	char why[400];
	int fi, rc;

	fi = ui_snapshot_feature(u->snap, arg);
	if (text == NULL || fi < 0) {
		free(arg);
		return;
	}
	rc = ui_pending_set(&u->pending, u->snap, (size_t)fi, text, why, sizeof why);
	say_marked(u, &u->snap->features[fi], rc, why);
	free(arg);
}

/* Refuses a typed value the feature does not accept, naming what it does. */
static bool value_acceptable(struct ui *u, const char *text, void *arg, char *why, size_t n)
{
	int fi = ui_snapshot_feature(u->snap, arg);

	return fi < 0 || ui_value_check(&u->snap->features[fi], text, why, n) == 0;
}

/* Opens the value field of a feature that is not a switch. */
static void ask_value(struct ui *u, const struct ui_feature *f)
{
	char body[600], *id = strdup(f->id);
	int p = ui_pending_find(&u->pending, f->id);
	struct ui_screen *s;

	if (id == NULL)
		return;
	snprintf(body, sizeof body, "%s (module %s)\nNow:     %s\nAccepts: %s\n"
		 "Nothing is written yet: the value joins the marked changes.",
		 f->name, u->snap->modules[f->module].id, ui_feature_value_text(f),
		 f->values[0] ? f->values : "see the brand script");
	s = ui_input_screen(u, "New value", body,
			    p >= 0 ? u->pending.items[p].value : f->value_text, value_typed, id);
	ui_input_set_check(s, value_acceptable);
	ui_push(u, s);
}

/* Space on a feature: flip a switch, type the value of other kinds, or
 * say why it cannot change. */
int ui_feature_toggle(struct ui *u, size_t fi)
{
	const struct ui_feature *f;
	char why[400];
	int rc;

	if (fi >= u->snap->nfeatures)
		return UI_HANDLED;
	f = &u->snap->features[fi];
	if (f->kind != APP_FEATURE_BIT && f->supported && f->writable && f->known) {
		ask_value(u, f);
		return UI_HANDLED | UI_REDRAW;
	}
	rc = ui_pending_toggle(&u->pending, u->snap, fi, why, sizeof why);
	say_marked(u, f, rc, why);
	return UI_HANDLED | UI_REDRAW;
}

/* Rebuilds the rows: each module with features, then its features. */
static void coding_refresh(struct ui *u, struct ui_screen *s)
{
	struct coding *c = s->data;
	size_t m, f;

	c->n = 0;
	for (m = 0; m < u->snap->nmodules; m++) {
		bool any = false;
		for (f = 0; f < u->snap->nfeatures; f++) {
			if (u->snap->features[f].module != m)
				continue;
			if (!any)
				c->rows[c->n++] = (struct crow){ true, m };
			any = true;
			c->rows[c->n++] = (struct crow){ false, f };
		}
	}
	list_view_set_count(&s->list, c->n);
}

/* Text of a row. */
static void coding_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct coding *c = s->data;
	const struct app_module *m;

	if (row >= c->n)
		return;
	if (!c->rows[row].header) {
		ui_feature_row(u, c->rows[row].index, out, n);
		return;
	}
	m = &u->snap->modules[c->rows[row].index];
	snprintf(out, n, "%s %s  (part %s, software %s)", m->id, m->name, m->part[0] ? m->part : "-",
		 m->sw[0] ? m->sw : "-");
}

/* Look of a row. */
static enum ui_role coding_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct coding *c = s->data;

	if (row >= c->n || c->rows[row].header)
		return R_HEADER;
	return ui_feature_role(u, c->rows[row].index);
}

/* Module headers cannot be selected. */
static bool coding_selectable(struct ui *u, struct ui_screen *s, size_t row)
{
	struct coding *c = s->data;

	(void)u;
	return row < c->n && !c->rows[row].header;
}

/* Draws the explanation line and the list. */
static void coding_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	ui_putf(u, area.y + 1, area.x + 1, area.w - 2, u->pending.n ? R_PENDING : R_NORMAL,
		"%zu marked. Space marks a feature to change; F2 reviews and writes them.",
		u->pending.n);
	ui_putf(u, area.y + 2, area.x + 1, area.w - 2, R_DIM, "  %-3s %-34s %-4s %-10s %s", "",
		"feature", "mod", "now", "change / note");
	if (s->list.count == 0) {
		ui_put(u, area.y + 4, area.x + 1, area.w - 2, R_DIM,
		       "no coding features for this vehicle (no brand script matched?)");
		return;
	}
	ui_draw_list(u, s, (struct ui_rect){ area.y + 3, area.x + 1, area.h - 3, area.w - 2 });
}

/* Keys of the coding screen. */
static int coding_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct coding *c = s->data;

	(void)key;
	switch (act) {
	case ACT_TOGGLE:
		if (s->list.selected < c->n && !c->rows[s->list.selected].header)
			return ui_feature_toggle(u, c->rows[s->list.selected].index);
		return UI_HANDLED;
	case ACT_REVIEW:
		ui_push(u, ui_review_screen(u));
		return UI_HANDLED | UI_REDRAW;
	case ACT_REFRESH:
		ui_start_reread(u);
		return UI_HANDLED | UI_REDRAW;
	case ACT_RESTORE:
		ui_start_restore(u, u->snap->session);
		return UI_HANDLED | UI_REDRAW;
	case ACT_FORGET:
		u->pending.n = 0;
		ui_say(u, APP_INFO, "every mark forgotten: nothing will be written");
		ui_refresh_screens(u);
		return UI_HANDLED | UI_REDRAW;
	default: return 0;
	}
}

/* Frees the rows. */
static void coding_destroy(struct ui_screen *s)
{
	free(s->data);
}

const struct ui_screen_ops ui_coding_ops = {
	.name = "Coding",
	.bindings = coding_bindings,
	.draw = coding_draw,
	.action = coding_action,
	.update = coding_refresh,
	.row_text = coding_row,
	.row_role = coding_role,
	.row_selectable = coding_selectable,
	.destroy = coding_destroy,
};

/* The coding screen. */
struct ui_screen *ui_coding_screen(struct ui *u)
{
	struct coding *c = calloc(1, sizeof *c);

	return c ? ui_screen_new(u, &ui_coding_ops, c) : NULL;
}

static const struct ui_binding review_bindings[] = {
	{ KEY_F(2), '\n', "F2 Enter",
	  "write these changes: the next question shows old -> new and the backups", "F2",
	  "Write", 20, ACT_APPLY },
	{ 'u', 0, "u", "forget every marked change and go back", NULL, NULL, 0, ACT_FORGET },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Rebuilds the plan lines. */
static void review_refresh(struct ui *u, struct ui_screen *s)
{
	struct ui_lines *plan = s->data;

	ui_lines_free(plan);
	ui_pending_plan(&u->pending, u->snap, plan);
	list_view_set_count(&s->list, plan->n);
}

/* Text of a plan line. */
static void review_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct ui_lines *plan = s->data;

	(void)u;
	snprintf(out, n, "%s", row < plan->n ? plan->v[row] : "");
}

/* Module lines look like headers. */
static enum ui_role review_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct ui_lines *plan = s->data;

	(void)u;
	return row < plan->n && plan->v[row][0] != ' ' ? R_HEADER : R_PENDING;
}

/* Draws the plan and what writing it means. */
static void review_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };
	int h = (int)s->list.count < a.h - 6 ? (int)s->list.count : a.h - 6;

	if (s->list.count == 0) {
		ui_put(u, a.y, a.x, a.w, R_NORMAL,
		       "Nothing is marked. Space on a feature of the coding screen (F4) marks it.");
		return;
	}
	ui_putf(u, a.y, a.x, a.w, R_HEADER, "%zu change%s to write in one transaction:",
		u->pending.n, u->pending.n == 1 ? "" : "s");
	ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, h, a.w });
	ui_put(u, a.y + h + 3, a.x, a.w, R_NORMAL,
	       "F2 or Enter: every value is read fresh and backed up, you confirm old -> new,");
	ui_put(u, a.y + h + 4, a.x, a.w, R_NORMAL,
	       "then each is written and read back; on any failure the backups are written back.");
	ui_put(u, a.y + h + 5, a.x, a.w, R_DIM, "Esc goes back without writing.");
}

/* Keys of the review screen. */
static int review_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	(void)s;
	(void)key;
	if (act == ACT_APPLY) {
		ui_start_coding(u);
		return UI_HANDLED | UI_REDRAW;
	}
	if (act == ACT_FORGET) {
		u->pending.n = 0;
		ui_say(u, APP_INFO, "every mark forgotten: nothing will be written");
		ui_refresh_screens(u);
		return UI_HANDLED | UI_REDRAW | UI_POP;
	}
	return 0;
}

/* Frees the plan. */
static void review_destroy(struct ui_screen *s)
{
	ui_lines_free(s->data);
	free(s->data);
}

const struct ui_screen_ops ui_review_ops = {
	.name = "Review",
	.bindings = review_bindings,
	.draw = review_draw,
	.action = review_action,
	.update = review_refresh,
	.row_text = review_row,
	.row_role = review_role,
	.destroy = review_destroy,
};

/* The review screen. */
struct ui_screen *ui_review_screen(struct ui *u)
{
	struct ui_lines *plan = calloc(1, sizeof *plan);

	return plan ? ui_screen_new(u, &ui_review_ops, plan) : NULL;
}
