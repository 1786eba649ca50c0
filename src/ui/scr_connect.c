/* scr_connect.c: choosing the adapter's port when none was given: serial
 * ports found on this machine, recent ports, a TCP address for Wi-Fi
 * adapters and the simulator's demo vehicles; below, the adapter probe
 * step by step as the app reports it. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"

#define PORTS_MAX 64
#define TCP_DEFAULT "192.168.0.10:35000"

/* Kinds of row in the port list. */
enum row_kind { ROW_HEADER, ROW_PORT, ROW_TCP, ROW_NOTE };

/* One row: what it shows and the port it stands for. */
struct crow {
	enum row_kind kind;
	char text[200];
	char port[UI_PORT_MAX];
};

/* The connect screen's state. */
struct connect {
	struct crow *rows;
	size_t n, cap;
	struct ui_entry tcp;
	unsigned long since; /* log lines before the last attempt */
	bool tried;
	bool editing; /* the TCP field takes typed keys (Enter or e on its row) */
};

static const struct ui_binding connect_bindings[] = {
	{ '\n', 0, "Enter",
	  "connect to the selected port; on the TCP row edit the address, then Enter connects",
	  "Enter", "Connect", 2, ACT_CONNECT },
	{ 'e', 0, "e", "edit the TCP address (Enter connects, Esc stops editing)", NULL, NULL, 0,
	  ACT_EDIT },
	{ KEY_F(5), 0, "F5", "look for serial ports again", "F5", "Rescan", 50, ACT_REFRESH },
	{ 'S', 0, "S", "sessions kept on this machine: details, export, import", "S", "Sessions",
	  96, ACT_SESSIONS },
	{ UI_KEY_ESC, 0, "Esc", "stop connecting where that is safe", NULL, NULL, 0, ACT_BACK },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Appends a row. */
static void add_row(struct connect *c, enum row_kind kind, const char *port, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));

/* Appends a row. */
static void add_row(struct connect *c, enum row_kind kind, const char *port, const char *fmt, ...)
{
	struct crow *r;
	va_list ap;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct crow *rows = realloc(c->rows, cap * sizeof *rows);
		if (rows == NULL)
			return;
		c->rows = rows;
		c->cap = cap;
	}
	r = &c->rows[c->n++];
	r->kind = kind;
	snprintf(r->port, sizeof r->port, "%s", port ? port : "");
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof r->text, fmt, ap);
	va_end(ap);
}

/* Rows for the serial ports present. */
static void add_serial(struct connect *c)
{
	struct app_port ports[PORTS_MAX];
	struct error e;
	int n, i;

	add_row(c, ROW_HEADER, NULL, "Serial ports on this machine");
	error_clear(&e);
	n = app_list_ports(ports, PORTS_MAX, &e);
	if (n < 0)
		add_row(c, ROW_NOTE, NULL, "  (cannot list the ports: %s)", e.text);
	else if (n == 0)
		add_row(c, ROW_NOTE, NULL, "  (none found: plug the adapter in and press F5)");
	for (i = 0; i < n; i++)
		add_row(c, ROW_PORT, ports[i].name, "  %-24s %s", ports[i].name,
			ports[i].description);
}

/* Rows for the simulator's vehicles ("name<TAB>vehicle<TAB>description"). */
static void add_sim(struct connect *c)
{
	static char list[8192];
	char name[64], port[80], *line, *save = NULL, *kind, *desc;

	add_row(c, ROW_HEADER, NULL, "Demo vehicles (simulator: no real car is touched)");
	app_list_sim_profiles(list, sizeof list);
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		kind = strchr(line, '\t');
		desc = kind ? strchr(kind + 1, '\t') : NULL;
		if (kind == NULL || desc == NULL || strncmp(kind + 1, "vehicle", 7) != 0)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(kind - line), line);
		snprintf(port, sizeof port, "sim:%s", name);
		add_row(c, ROW_PORT, port, "  %-24s %s", port, desc + 1);
	}
}

/* Builds every row. */
static void build_rows(struct ui *u, struct connect *c)
{
	size_t i;

	c->n = 0;
	add_serial(c);
	add_row(c, ROW_HEADER, NULL, "Recent");
	if (u->recent.n == 0)
		add_row(c, ROW_NOTE, NULL, "  (none yet)");
	for (i = 0; i < u->recent.n; i++)
		add_row(c, ROW_PORT, u->recent.ports[i], "  %s", u->recent.ports[i]);
	add_row(c, ROW_HEADER, NULL, "Wi-Fi adapter (TCP)");
	add_row(c, ROW_TCP, NULL, "  tcp:");
	add_sim(c);
}

/* Rows that can be chosen. */
static bool connect_selectable(struct ui *u, struct ui_screen *s, size_t row)
{
	struct connect *c = s->data;

	(void)u;
	return row < c->n && (c->rows[row].kind == ROW_PORT || c->rows[row].kind == ROW_TCP);
}

/* Text of a row. */
static void connect_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct connect *c = s->data;

	(void)u;
	if (row >= c->n)
		return;
	if (c->rows[row].kind == ROW_TCP)
		snprintf(out, n, "  tcp:%s", c->tcp.text);
	else
		snprintf(out, n, "%s", c->rows[row].text);
}

/* Look of a row. */
static enum ui_role connect_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct connect *c = s->data;

	(void)u;
	if (row >= c->n)
		return R_NORMAL;
	return c->rows[row].kind == ROW_HEADER ? R_HEADER : c->rows[row].kind == ROW_NOTE ? R_DIM
											 : R_NORMAL;
}

/* True when the selected row is the TCP field. */
static bool on_tcp(const struct ui_screen *s)
{
	const struct connect *c = s->data;

	return s->list.selected < c->n && c->rows[s->list.selected].kind == ROW_TCP;
}

/* The TCP field takes typed keys only while it is being edited, so the
 * movement and quit keys work on its row like on any other. */
static struct ui_entry *connect_entry(struct ui *u, struct ui_screen *s)
{
	struct connect *c = s->data;

	(void)u;
	if (c->editing && on_tcp(s))
		return &c->tcp;
	c->editing = false;
	return NULL;
}

/* Draws the list, the TCP field and the probe steps. */
static void connect_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct connect *c = s->data;
	int steps = area.h / 3 > 6 ? area.h / 3 : 6;
	struct ui_rect list = { area.y + 2, area.x + 1, area.h - steps - 3, area.w - 2 };
	struct ui_rect probe = { area.y + area.h - steps, area.x + 1, steps, area.w - 2 };
	size_t i;

	ui_put(u, area.y, area.x + 1, area.w - 2, R_NORMAL,
	       c->editing && on_tcp(s)
		       ? "Type the adapter's address: Enter connects, Esc stops editing."
		       : "Choose the adapter's port and press Enter. Up/Down move, / searches.");
	ui_draw_list(u, s, list);
	for (i = 0; i < (size_t)list.h && s->list.top + i < c->n; i++)
		if (c->rows[s->list.top + i].kind == ROW_TCP)
			ui_draw_entry(u, list.y + (int)i, list.x, list.w, "  tcp:", &c->tcp,
				      c->editing && s->list.top + i == s->list.selected);
	ui_draw_header(u, probe.y - 1, area.x + 1, area.w - 2,
		       ui_busy(u) ? "Adapter probe" : c->tried ? "Last attempt" : "Adapter probe");
	if (c->tried || ui_busy(u))
		ui_draw_steps(u, probe, c->since);
	else
		ui_put(u, probe.y, probe.x, probe.w, R_DIM,
		       " The adapter is identified step by step here once you connect.");
}

/* The port a row stands for ("" when none). */
static void row_port(const struct connect *c, size_t row, char *out, size_t n)
{
	const char *t = c->tcp.text;

	out[0] = 0;
	if (row >= c->n)
		return;
	if (c->rows[row].kind != ROW_TCP)
		snprintf(out, n, "%s", c->rows[row].port);
	else if (strncmp(t, "tcp:", 4) == 0 || strncmp(t, "sim:", 4) == 0 || t[0] == '/')
		snprintf(out, n, "%s", t);
	else if (t[0])
		snprintf(out, n, "tcp:%s", t);
}

/* Keys of the connect screen. */
static int connect_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct connect *c = s->data;
	char port[UI_PORT_MAX];

	(void)key;
	if (act == ACT_SESSIONS) {
		ui_push(u, ui_sessions_screen(u));
		return UI_HANDLED | UI_REDRAW;
	}
	if (act == ACT_REFRESH) {
		build_rows(u, c);
		list_view_set_count(&s->list, c->n);
		ui_say(u, APP_INFO, "ports listed again");
		return UI_HANDLED | UI_REDRAW;
	}
	if (act == ACT_BACK && c->editing) {
		c->editing = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if ((act == ACT_EDIT || act == ACT_CONNECT || act == ACT_OPEN) && on_tcp(s) &&
	    !c->editing) {
		c->editing = true;
		c->tcp.cur = c->tcp.len;
		return UI_HANDLED | UI_REDRAW;
	}
	if (act != ACT_CONNECT && act != ACT_OPEN)
		return 0;
	row_port(c, s->list.selected, port, sizeof port);
	if (port[0] == 0) {
		ui_say(u, APP_INFO, "type the adapter's address first, like " TCP_DEFAULT);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_busy(u)) {
		ui_say(u, APP_INFO, "wait: already connecting");
		return UI_HANDLED | UI_REDRAW;
	}
	c->editing = false;
	c->since = u->log.total;
	c->tried = true;
	ui_start_connect(u, port);
	return UI_HANDLED | UI_REDRAW;
}

/* Recounts rows. */
static void connect_refresh(struct ui *u, struct ui_screen *s)
{
	struct connect *c = s->data;

	(void)u;
	list_view_set_count(&s->list, c->n);
}

/* Frees the rows. */
static void connect_destroy(struct ui_screen *s)
{
	struct connect *c = s->data;

	if (c)
		free(c->rows);
	free(c);
}

const struct ui_screen_ops ui_connect_ops = {
	.name = "Connect",
	.bindings = connect_bindings,
	.draw = connect_draw,
	.action = connect_action,
	.update = connect_refresh,
	.row_text = connect_row,
	.row_role = connect_role,
	.row_selectable = connect_selectable,
	.entry = connect_entry,
	.destroy = connect_destroy,
};

/* The connect screen, its selection on the newest recent port if any. */
struct ui_screen *ui_connect_screen(struct ui *u)
{
	struct connect *c = calloc(1, sizeof *c);
	struct ui_screen *s;
	size_t i;

	if (c == NULL)
		return NULL;
	ui_entry_set(&c->tcp, TCP_DEFAULT);
	if (u->last_error.kind != ERR_NONE) {
		c->tried = true; /* show how the last attempt went */
		c->since = u->attempt_log;
		if (strncmp(u->snap->port, "tcp:", 4) == 0)
			ui_entry_set(&c->tcp, u->snap->port + 4);
	}
	build_rows(u, c);
	s = ui_screen_new(u, &ui_connect_ops, c);
	if (s == NULL)
		return NULL;
	list_view_set_count(&s->list, c->n);
	for (i = 0; i < c->n; i++)
		if (c->rows[i].kind == ROW_PORT && u->recent.n &&
		    strcmp(c->rows[i].port, u->recent.ports[0]) == 0)
			break;
	list_view_select(&s->list, i < c->n ? i : 0);
	return s;
}
