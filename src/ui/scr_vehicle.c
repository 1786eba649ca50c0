/* scr_vehicle.c: the root screen: the vehicle (VIN, brand script, adapter,
 * protocol, battery, session) and its modules with their identification
 * and fault-code counts; Enter opens a module, other keys the coding,
 * fault codes, live data, flash wizard and sessions. While connecting it
 * shows the probe's steps. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

/* The vehicle screen's state. */
struct vehicle {
	unsigned long since; /* log lines before the connection started */
};

static const struct ui_binding vehicle_bindings[] = {
	{ '\n', 0, "Enter",
	  "open the selected module: identification, fault codes, flash, coding", "Enter", "Open",
	  2, ACT_OPEN },
	{ KEY_F(2), 'w', "F2 w", "review the marked coding changes and write them", NULL, NULL, 0,
	  ACT_REVIEW },
	{ KEY_F(4), 'c', "F4 c", "coding: every feature of every module", "F4", "Coding", 40,
	  ACT_CODING },
	{ KEY_F(5), 'r', "F5 r", "read the coding features again (scan first if needed)", "F5",
	  "Reread", 50, ACT_REFRESH },
	{ KEY_F(6), 'f', "F6 f", "flash wizard: write new software into a module", "F6", "Flash",
	  60, ACT_FLASH },
	{ KEY_F(7), 'd', "F7 d", "fault codes of every module: read, details, clear", "F7",
	  "Faults", 70, ACT_FAULTS },
	{ KEY_F(9), 'l', "F9 l", "live data: OBD-II values of the engine with trends", "F9", "Live",
	  90, ACT_LIVE },
	{ 'S', 0, "S", "sessions kept on this machine: details, export, import, restore", "S",
	  "Sessions", 96, ACT_SESSIONS },
	{ 't', 0, "t", "adapter terminal: type AT commands by hand", NULL, NULL, 0, ACT_TERMINAL },
	{ UI_KEY_ESC, 0, "Esc", "stop the running operation where that is safe", NULL, NULL, 0,
	  ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* A module's fault-code count for its row ("2 DTC", "-" before a read). */
static const char *dtc_count(const struct ui *u, size_t i)
{
	static char text[16];

	if (!u->snap->dtcs[i].read)
		return "-";
	snprintf(text, sizeof text, "%zu DTC", u->snap->dtcs[i].n);
	return text;
}

/* Text of a module row. */
static void vehicle_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	const struct app_module *m;

	(void)s;
	if (row >= u->snap->nmodules)
		return;
	m = &u->snap->modules[row];
	if (m->present)
		snprintf(out, n, " %-4s %-26s %03X/%03X  %-5s part %-14s sw %-6s hw %-12s %s", m->id,
			 m->name, (unsigned)m->tx, (unsigned)m->rx, dtc_count(u, row), m->part, m->sw,
			 m->hw, m->system);
	else
		snprintf(out, n, " %-4s %-26s %03X/%03X  no answer: %s", m->id, m->name,
			 (unsigned)m->tx, (unsigned)m->rx, m->error[0] ? m->error : "silent");
}

/* Absent modules are dimmed. */
static enum ui_role vehicle_role(struct ui *u, struct ui_screen *s, size_t row)
{
	(void)s;
	return row < u->snap->nmodules && !u->snap->modules[row].present ? R_DIM : R_NORMAL;
}

/* Counts the features, the unsupported ones and the marked changes. */
static void coding_summary(const struct ui *u, char *out, size_t n)
{
	size_t i, unsupported = 0;

	for (i = 0; i < u->snap->nfeatures; i++)
		unsupported += !u->snap->features[i].supported;
	snprintf(out, n, "%zu coding features, %zu unsupported, %zu marked to change (F4 coding%s)",
		 u->snap->nfeatures, unsupported, u->pending.n, u->pending.n ? ", F2 review" : "");
}

/* The header block: vehicle, adapter, protocol, battery, session. */
static int draw_info(struct ui *u, struct ui_rect a)
{
	const struct ui_snapshot *sn = u->snap;
	char text[300];
	int y = a.y;

	ui_putf(u, y++, a.x, a.w, R_HEADER, "VIN %s   brand script: %s", sn->vin,
		sn->brand[0] ? sn->brand : "none matched");
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Adapter   %s", sn->fingerprint);
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Protocol  %s    Battery %.1f V    Port %s",
		sn->protocol[0] ? sn->protocol : "?", sn->volts, sn->port);
	ui_putf(u, y++, a.x, a.w, R_NORMAL, "Session   %s", sn->session);
	coding_summary(u, text, sizeof text);
	ui_putf(u, y++, a.x, a.w, u->pending.n ? R_PENDING : R_NORMAL, "Coding    %s", text);
	return y - a.y;
}

/* While not connected yet: the probe's steps. */
static void draw_connecting(struct ui *u, struct vehicle *v, struct ui_rect a)
{
	struct ui_rect steps = { a.y + 2, a.x, a.h - 2, a.w };

	ui_putf(u, a.y, a.x, a.w, R_HEADER, "%s %s", ui_busy(u) ? "Connecting to" : "Not connected:",
		u->snap->port);
	ui_draw_steps(u, steps, v->since);
}

/* Draws the vehicle and its modules. */
static void vehicle_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };
	int used;

	if (!u->snap->connected || (!u->snap->scanned && ui_busy(u))) {
		draw_connecting(u, s->data, a);
		return;
	}
	used = draw_info(u, a);
	ui_draw_header(u, a.y + used + 1, a.x, a.w, "Modules");
	if (u->snap->nmodules == 0) {
		ui_put(u, a.y + used + 2, a.x, a.w, R_DIM,
		       u->snap->scanned ? "no modules" : "not scanned yet: F5 scans the vehicle");
		return;
	}
	ui_draw_list(u, s, (struct ui_rect){ a.y + used + 2, a.x, a.h - used - 2, a.w });
}

/* Keys of the vehicle screen. */
static int vehicle_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	(void)key;
	switch (act) {
	case ACT_OPEN:
		if (s->list.count)
			ui_push(u, ui_module_screen(u, s->list.selected));
		return UI_HANDLED | UI_REDRAW;
	case ACT_CODING:
		if (u->snap->scanned)
			ui_push(u, ui_coding_screen(u));
		else
			ui_say(u, APP_INFO, "not scanned yet");
		return UI_HANDLED | UI_REDRAW;
	case ACT_REVIEW:
		ui_push(u, ui_review_screen(u));
		return UI_HANDLED | UI_REDRAW;
	case ACT_REFRESH:
		ui_start_reread(u);
		return UI_HANDLED | UI_REDRAW;
	case ACT_TERMINAL:
		ui_push(u, ui_log_screen(u, UI_LOG_TERMINAL));
		return UI_HANDLED | UI_REDRAW;
	case ACT_SESSIONS: ui_push(u, ui_sessions_screen(u)); return UI_HANDLED | UI_REDRAW;
	case ACT_FAULTS: case ACT_FLASH: case ACT_LIVE:
		if (!u->snap->scanned) {
			ui_say(u, APP_INFO, "not scanned yet");
			return UI_HANDLED | UI_REDRAW;
		}
		ui_push(u, act == ACT_FAULTS ? ui_dtc_screen(u, -1)
			   : act == ACT_FLASH ? ui_flash_screen(u, -1) : ui_live_screen(u));
		return UI_HANDLED | UI_REDRAW;
	default: return 0;
	}
}

/* Recounts the modules. */
static void vehicle_refresh(struct ui *u, struct ui_screen *s)
{
	list_view_set_count(&s->list, u->snap->nmodules);
}

/* Frees the state. */
static void vehicle_destroy(struct ui_screen *s)
{
	free(s->data);
}

const struct ui_screen_ops ui_vehicle_ops = {
	.name = "Vehicle",
	.bindings = vehicle_bindings,
	.draw = vehicle_draw,
	.action = vehicle_action,
	.update = vehicle_refresh,
	.row_text = vehicle_row,
	.row_role = vehicle_role,
	.destroy = vehicle_destroy,
};

/* The vehicle screen. */
struct ui_screen *ui_vehicle_screen(struct ui *u)
{
	struct vehicle *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	v->since = ui_busy(u) ? u->run.log_start : u->log.total;
	return ui_screen_new(u, &ui_vehicle_ops, v);
}
