/* scr_live.c: live data from the engine: first the OBD-II mode 01 values
 * to read (those the engine says it supports, with their names and units;
 * Space marks, Enter starts), then each value with its unit, its extremes
 * and a sparkline of its recent history, the samples per second above. The
 * reading runs in the worker until Esc; p pauses it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"
#include "util/clock.h"

#define PIDS_MAX 128
#define VALUES_MAX 64
#define CHOSEN_MAX 24

/* One value being watched (a PID may carry several). */
struct lvalue {
	uint8_t pid;
	const char *name, *label, *unit; /* static strings of the PID table */
	unsigned hex_digits;             /* bit-encoded: shown in hex (no extremes) */
	struct ui_series s;
};

/* The screen's state. */
struct live {
	bool running;                /* values are being read */
	bool paused;
	bool asked;                  /* the supported PIDs were asked for */
	bool answered;               /* ...and the asking ended */
	bool known;                  /* ... and the answer came */
	struct app_pid table[PIDS_MAX];
	size_t ntable;
	bool supported[256];
	bool chosen[256];
	size_t rows[PIDS_MAX];       /* choose phase: table index of each row */
	size_t nrows;
	struct lvalue values[VALUES_MAX];
	size_t nvalues;
	struct ui_rate rate;
	unsigned long samples;
	int spark_w;
};

static const struct ui_binding live_bindings[] = {
	{ ' ', 0, "Space", "mark or unmark the selected value; while reading: pause", "Spc",
	  "Mark", 3, ACT_TOGGLE },
	{ '\n', 0, "Enter", "start reading the marked values (as fast as the link allows)",
	  "Enter", "Start", 2, ACT_OPEN },
	{ 'p', 0, "p", "pause or go on (the values stay on screen)", "p", "Pause", 45, ACT_PAUSE },
	{ KEY_F(5), 0, "F5", "ask the engine again which values it supports", "F5", "Supported",
	  50, ACT_REFRESH },
	{ UI_KEY_ESC, 0, "Esc", "stop reading; again: back", "Esc", "Back", 90, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* The values chosen when the screen opens: the usual engine figures. */
static const uint8_t default_pids[] = { 0x0C, 0x0D, 0x05, 0x04, 0x11, 0x42 };

/* A unit as the terminal can show it: "°C" is "C" in ASCII. */
static const char *unit_text(const struct ui *u, const char *unit)
{
	if (u->ascii && strncmp(unit, "\xc2\xb0", 2) == 0)
		return unit + 2;
	return unit;
}

/* Rebuilds the choose rows: supported PIDs when known, else all. */
static void build_rows(struct live *l)
{
	size_t i;

	l->nrows = 0;
	for (i = 0; i < l->ntable; i++)
		if (!l->known || l->supported[l->table[i].pid])
			l->rows[l->nrows++] = i;
}

/* Recounts the rows of the current phase. */
static void live_refresh(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;

	(void)u;
	list_view_set_count(&s->list, l->running || l->nvalues ? l->nvalues : l->nrows);
}

/* Number of values marked. */
static size_t chosen_count(const struct live *l)
{
	size_t i, n = 0;

	for (i = 0; i < 256; i++)
		n += l->chosen[i];
	return n;
}

/* The marked PIDs in table order; returns how many. */
static size_t chosen_pids(const struct live *l, uint8_t *out)
{
	size_t i, n = 0;

	for (i = 0; i < l->nrows; i++)
		if (l->chosen[l->table[l->rows[i]].pid])
			out[n++] = l->table[l->rows[i]].pid;
	return n;
}

/* The engine's supported PIDs arrived (n 0: unknown, every PID offered). */
void ui_live_supported(struct ui *u, struct ui_screen *s, const uint8_t *pids, size_t n)
{
	struct live *l = s->data;
	size_t i;

	memset(l->supported, 0, sizeof l->supported);
	for (i = 0; i < n; i++)
		l->supported[pids[i]] = true;
	l->known = n > 0;
	l->answered = true; /* or given up on */
	for (i = 0; l->known && i < 256; i++)
		l->chosen[i] = l->chosen[i] && l->supported[i];
	build_rows(l);
	live_refresh(u, s);
	u->dirty = true;
}

/* The live job ended: back to choosing (the last values stay shown). */
void ui_live_stopped(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;

	l->running = false;
	l->paused = false;
	live_refresh(u, s);
	u->dirty = true;
}

/* The value of a sample, created on first sight; NULL when full. */
static struct lvalue *value_of(struct live *l, const struct app_sample *sm)
{
	size_t i;

	for (i = 0; i < l->nvalues; i++)
		if (l->values[i].pid == sm->pid && strcmp(l->values[i].label, sm->label) == 0)
			return &l->values[i];
	if (l->nvalues == VALUES_MAX)
		return NULL;
	memset(&l->values[l->nvalues], 0, sizeof l->values[l->nvalues]);
	l->values[l->nvalues].pid = sm->pid;
	l->values[l->nvalues].name = sm->name;
	l->values[l->nvalues].label = sm->label;
	l->values[l->nvalues].unit = sm->unit;
	l->values[l->nvalues].hex_digits = sm->hex_digits;
	return &l->values[l->nvalues++];
}

/* A batch of samples from the live job. */
static void live_data(struct ui *u, struct ui_screen *s, void *data)
{
	struct live *l = s->data;
	const struct ui_samples *b = data;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct lvalue *v = value_of(l, &b->v[i]);
		if (v)
			ui_series_add(&v->s, b->v[i].value);
	}
	l->samples += b->n + b->extra;
	ui_rate_add(&l->rate, clock_ms(), (unsigned)(b->n + b->extra));
	live_refresh(u, s);
}

/* Text of a choose row: mark, PID, name, unit. */
static void choose_row(const struct ui *u, const struct live *l, size_t row, char *out, size_t n)
{
	const struct app_pid *p;

	if (row >= l->nrows)
		return;
	p = &l->table[l->rows[row]];
	snprintf(out, n, " %s %02X  %-44s %s", l->chosen[p->pid] ? "[x]" : "[ ]", p->pid, p->name,
		 unit_text(u, p->unit));
}

/* Text of a value row: name, value, unit, extremes, trend. */
static void value_row(struct ui *u, const struct live *l, size_t row, char *out, size_t n)
{
	const struct lvalue *v = &l->values[row];
	char name[96], now[32], lo[32], hi[32], spark[1024];

	snprintf(name, sizeof name, "%s%s%s", v->name, v->label[0] ? ": " : "", v->label);
	if (v->hex_digits) { /* bits: no extremes, no unit */
		snprintf(now, sizeof now, "%0*llX", (int)v->hex_digits, (unsigned long long)v->s.last);
		snprintf(lo, sizeof lo, "-");
		snprintf(hi, sizeof hi, "-");
	} else {
		ui_value_text(v->s.last, now, sizeof now);
		ui_value_text(v->s.min, lo, sizeof lo);
		ui_value_text(v->s.max, hi, sizeof hi);
	}
	ui_sparkline(&v->s, l->spark_w > 0 ? (size_t)l->spark_w : 0, u->g->spark, u->g->nspark,
		     spark, sizeof spark);
	snprintf(out, n, " %-28.28s %8s %-5.5s %7s %7s  %s", name, now, unit_text(u, v->unit), lo, hi,
		 spark);
}

/* Text of a row of the current phase. */
static void live_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct live *l = s->data;

	if (l->running || l->nvalues) {
		if (row < l->nvalues)
			value_row(u, l, row, out, n);
		return;
	}
	choose_row(u, l, row, out, n);
}

/* Marked rows stand out while choosing. */
static enum ui_role live_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct live *l = s->data;

	(void)u;
	if (l->running || l->nvalues || row >= l->nrows)
		return R_NORMAL;
	return l->chosen[l->table[l->rows[row]].pid] ? R_PENDING : R_NORMAL;
}

/* The line above the values: rate, count, state. */
static void draw_status(struct ui *u, struct live *l, struct ui_rect a)
{
	double rate = ui_rate_get(&l->rate, clock_ms());

	ui_putf(u, a.y, a.x, a.w, l->paused ? R_WARN : R_HEADER,
		"%s  %.1f samples/s  %lu samples  %zu values%s", l->running ? "Reading" : "Stopped",
		l->paused ? 0.0 : rate, l->samples, l->nvalues,
		l->paused ? "  PAUSED (p goes on)" : l->running ? "  (p pauses, Esc stops)"
								: "  (Enter reads again, Esc back)");
	ui_putf(u, a.y + 1, a.x, a.w, R_DIM, " %-28s %8s %-5s %7s %7s  %s", "value", "now", "unit",
		"min", "max", "trend");
}

/* Draws the phase: the values while reading, else the choice. */
static void live_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct live *l = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };

	if (l->running || l->nvalues) {
		l->spark_w = a.w - 62 > 8 ? a.w - 62 : 8;
		draw_status(u, l, a);
		if (l->nvalues == 0)
			ui_put(u, a.y + 3, a.x, a.w, R_DIM, " waiting for the first values...");
		ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
		return;
	}
	ui_putf(u, a.y, a.x, a.w, R_NORMAL,
		"%zu marked. Space marks the values to read, Enter starts.%s", chosen_count(l),
		l->known ? "" : l->asked && !l->answered ? " (asking the engine what it supports...)"
					 : " (the engine did not say what it supports: all are offered)");
	ui_putf(u, a.y + 1, a.x, a.w, R_DIM, " %-3s %-3s %-44s %s", "", "PID", "OBD-II value (SAE J1979)",
		"unit");
	ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
}

/* Space while choosing: marks or unmarks a value. */
static int toggle_row(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;
	uint8_t pid;

	if (s->list.selected >= l->nrows)
		return UI_HANDLED;
	pid = l->table[l->rows[s->list.selected]].pid;
	if (!l->chosen[pid] && chosen_count(l) >= CHOSEN_MAX) {
		ui_say(u, APP_WARNING, "at most %d values at once", CHOSEN_MAX);
		return UI_HANDLED | UI_REDRAW;
	}
	l->chosen[pid] = !l->chosen[pid];
	return UI_HANDLED | UI_REDRAW;
}

/* Enter: starts reading the marked values (fresh histories). */
static int start(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;
	uint8_t pids[256];
	size_t n;

	if (l->running)
		return UI_HANDLED;
	if (l->nvalues) { /* the last run's values are shown: back to choosing */
		l->nvalues = 0;
		live_refresh(u, s);
		return UI_HANDLED | UI_REDRAW;
	}
	n = chosen_pids(l, pids);
	if (n == 0) {
		ui_say(u, APP_INFO, "mark at least one value with Space first");
		return UI_HANDLED | UI_REDRAW;
	}
	memset(&l->rate, 0, sizeof l->rate);
	l->samples = 0;
	l->running = ui_start_live(u, pids, n);
	live_refresh(u, s);
	return UI_HANDLED | UI_REDRAW;
}

/* p or Space while reading: pause or go on. */
static int pause_live(struct ui *u, struct live *l)
{
	if (!l->running)
		return UI_HANDLED;
	l->paused = !l->paused;
	ui_live_pause(u, l->paused);
	ui_say(u, APP_INFO, l->paused ? "live data paused: p goes on" : "live data goes on");
	return UI_HANDLED | UI_REDRAW;
}

/* Keys of the live screen. */
static int live_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct live *l = s->data;

	(void)key;
	switch (act) {
	case ACT_TOGGLE: return l->running ? pause_live(u, l) : l->nvalues ? UI_HANDLED
										  : toggle_row(u, s);
	case ACT_PAUSE: return pause_live(u, l);
	case ACT_OPEN: return start(u, s);
	case ACT_REFRESH:
		if (!l->running)
			ui_start_live_supported(u);
		return UI_HANDLED | UI_REDRAW;
	case ACT_BACK:
		if (!ui_busy(u) && l->nvalues && !l->running) {
			l->nvalues = 0;
			live_refresh(u, s);
			return UI_HANDLED | UI_REDRAW;
		}
		return 0;
	default: return 0;
	}
}

/* The first time it is shown: asks the engine what it supports. */
static void live_enter(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;

	if (l->asked)
		return;
	l->asked = true;
	if (!ui_busy(u))
		ui_start_live_supported(u);
}

/* Once a second: the rate goes on changing (and to 0 when paused). */
static int live_tick(struct ui *u, struct ui_screen *s)
{
	struct live *l = s->data;

	(void)u;
	return l->running ? UI_REDRAW : 0;
}

/* Frees the state. */
static void live_destroy(struct ui_screen *s)
{
	free(s->data);
}

const struct ui_screen_ops ui_live_ops = {
	.name = "Live data",
	.bindings = live_bindings,
	.enter = live_enter,
	.draw = live_draw,
	.action = live_action,
	.update = live_refresh,
	.row_text = live_row,
	.row_role = live_role,
	.tick = live_tick,
	.data = live_data,
	.destroy = live_destroy,
};

/* Live data: PIDs to choose, then values with trends. */
struct ui_screen *ui_live_screen(struct ui *u)
{
	struct live *l = calloc(1, sizeof *l);
	size_t i;

	if (l == NULL)
		return NULL;
	l->ntable = app_live_pid_table(l->table, PIDS_MAX);
	for (i = 0; i < sizeof default_pids; i++)
		l->chosen[default_pids[i]] = true;
	build_rows(l);
	(void)u;
	return ui_screen_new(u, &ui_live_ops, l);
}
