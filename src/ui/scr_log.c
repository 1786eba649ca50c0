/* scr_log.c: everything that happened in this session, in three views:
 * the messages of the app and the console; the raw adapter traffic read
 * back from the session's transcript.log; and a terminal pane where AT
 * commands are typed by hand (past every safety check, and said so). */
#include "config.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/console.h"

#define TRAFFIC_TAIL (256 * 1024)
#define VIEWS 3

/* The log screen's state. */
struct logscr {
	int view;
	struct ui_lines traffic;
	struct ui_entry cmd;
	char traffic_note[256];
	long long traffic_size; /* of the transcript when last read */
};

static const char *const view_names[VIEWS] = { "Messages", "Adapter traffic", "Terminal" };

static const struct ui_binding log_bindings[] = {
	{ '\t', KEY_BTAB, "Tab", "next view: messages, adapter traffic, terminal", "Tab", "View",
	  5, ACT_NEXT_VIEW },
	{ '\n', 0, "Enter", "terminal: send the typed line to the adapter", NULL, NULL, 0,
	  ACT_OPEN },
	{ KEY_F(5), 0, "F5", "read the adapter traffic again", "F5", "Reload", 50, ACT_REFRESH },
	{ 0, 0, NULL, NULL, NULL, NULL, 0, ACT_NONE },
};

/* Number of rows of the current view. */
static size_t view_count(const struct ui *u, const struct logscr *l)
{
	switch (l->view) {
	case UI_LOG_MESSAGES: return ui_log_count(&u->log);
	case UI_LOG_TRAFFIC: return l->traffic.n;
	default: return u->terminal.n;
	}
}

/* Size of a file, or -1. */
static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Path of the session transcript; false before a session exists. */
static bool transcript_path(const struct ui *u, char *out, size_t n)
{
	if (u->snap->session[0] == 0)
		return false;
	snprintf(out, n, "%s/transcript.log", u->snap->session);
	return true;
}

/* Reads the tail of the session transcript. */
static void load_traffic(struct ui *u, struct logscr *l)
{
	char path[PATH_MAX + 32];
	struct error e;

	ui_lines_free(&l->traffic);
	l->traffic_note[0] = 0;
	if (!transcript_path(u, path, sizeof path)) {
		snprintf(l->traffic_note, sizeof l->traffic_note, "no session yet: connect first");
		return;
	}
	l->traffic_size = file_size(path);
	error_clear(&e);
	if (ui_read_tail(path, TRAFFIC_TAIL, &l->traffic, &e) < 0)
		snprintf(l->traffic_note, sizeof l->traffic_note, "%s", e.text);
	else if (l->traffic_size > (long long)TRAFFIC_TAIL)
		snprintf(l->traffic_note, sizeof l->traffic_note, "the last %u KiB of %lld KiB: the "
			 "whole transcript is %s", (unsigned)(TRAFFIC_TAIL >> 10),
			 l->traffic_size >> 10, path);
}

/* Recounts rows; a view showing its last row keeps following new ones. */
static void log_refresh(struct ui *u, struct ui_screen *s)
{
	struct logscr *l = s->data;
	bool follow = s->list.count == 0 || s->list.selected + 1 >= s->list.count;

	list_view_set_count(&s->list, view_count(u, l));
	if (follow && s->list.count)
		list_view_select(&s->list, s->list.count - 1);
}

/* Switches to a view, showing its end. */
static void set_view(struct ui *u, struct ui_screen *s, int view)
{
	struct logscr *l = s->data;

	l->view = view;
	if (view == UI_LOG_TRAFFIC)
		load_traffic(u, l);
	s->list.count = 0;
	s->list.selected = s->list.top = 0;
	log_refresh(u, s);
}

/* Text of a row. */
static void log_row(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n)
{
	struct logscr *l = s->data;
	const struct ui_log_line *ln;

	if (l->view == UI_LOG_MESSAGES) {
		ln = ui_log_get(&u->log, row);
		if (ln)
			snprintf(out, n, "%s  %s", ln->time, ln->text);
	} else if (l->view == UI_LOG_TRAFFIC) {
		if (row < l->traffic.n)
			ui_transcript_line(l->traffic.v[row], out, n);
	} else if (row < u->terminal.n) {
		snprintf(out, n, "%s", u->terminal.v[row]);
	}
}

/* Look of a row: warnings and errors stand out, progress is dim. */
static enum ui_role log_role(struct ui *u, struct ui_screen *s, size_t row)
{
	struct logscr *l = s->data;
	const struct ui_log_line *ln;

	if (l->view == UI_LOG_TERMINAL)
		return row < u->terminal.n && u->terminal.v[row][0] == '>' ? R_HEADER : R_NORMAL;
	if (l->view != UI_LOG_MESSAGES || (ln = ui_log_get(&u->log, row)) == NULL)
		return R_NORMAL;
	switch (ln->level) {
	case APP_ERROR: return R_ERROR;
	case APP_WARNING: return R_WARN;
	case APP_PROGRESS: return R_DIM;
	default: return R_NORMAL;
	}
}

/* The terminal field takes typed keys in the terminal view. */
static struct ui_entry *log_entry(struct ui *u, struct ui_screen *s)
{
	struct logscr *l = s->data;

	(void)u;
	return l->view == UI_LOG_TERMINAL ? &l->cmd : NULL;
}

/* The row of view names, the current one highlighted. */
static void draw_tabs(struct ui *u, const struct logscr *l, int y, int x)
{
	int i;

	for (i = 0; i < VIEWS; i++) {
		char tab[64];
		snprintf(tab, sizeof tab, " %s ", view_names[i]);
		ui_put(u, y, x, (int)strlen(tab), i == l->view ? R_SELECTED : R_NORMAL, tab);
		x += (int)strlen(tab) + 1;
	}
	ui_put(u, y, x + 1, 30, R_DIM, "(Tab switches)");
}

/* Draws the current view. */
static void log_draw(struct ui *u, struct ui_screen *s, struct ui_rect area)
{
	struct logscr *l = s->data;
	struct ui_rect a = { area.y + 1, area.x + 1, area.h - 1, area.w - 2 };

	log_refresh(u, s);
	draw_tabs(u, l, a.y, a.x);
	if (l->view == UI_LOG_MESSAGES) {
		ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
	} else if (l->view == UI_LOG_TRAFFIC) {
		ui_putf(u, a.y + 1, a.x, a.w, R_DIM, "%s",
			l->traffic_note[0] ? l->traffic_note
					   : "transcript.log: every byte on the link, TX to the "
					     "adapter, RX from it (\\r is a carriage return)");
		ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 2, a.w });
	} else {
		ui_put(u, a.y + 1, a.x, a.w, R_WARN,
		       "! Typed commands go straight to the adapter and bypass every safety "
		       "check; each is recorded in the session.");
		ui_draw_list(u, s, (struct ui_rect){ a.y + 2, a.x, a.h - 4, a.w });
		ui_draw_entry(u, a.y + a.h - 1, a.x, a.w, "AT> ", &l->cmd, true);
	}
}

/* The answer to "send a request that changes a module?". */
static void changing_answer(struct ui *u, bool yes, void *arg)
{
	char *line = arg;

	if (yes)
		ui_start_raw(u, line);
	else
		ui_say(u, APP_INFO, "not sent: %s", line);
	free(line);
}

/* Asks before sending a typed request that changes a module (default No). */
static void ask_changing(struct ui *u, const char *line)
{
	char body[600];
	char *copy = strdup(line);

	if (copy == NULL)
		return;
	snprintf(body, sizeof body,
		 "%s\nchanges a module (a write, routine, reset, programming or key).\n"
		 "Typed by hand it goes out without the backup, the check of the old\n"
		 "value and the read-back that coding does. Send it anyway?",
		 line);
	ui_push(u, ui_ask_screen(u, "Send a changing request?", body, false, changing_answer, copy));
}

/* Sends the typed line; a request that changes a module asks first. */
static int send_line(struct ui *u, struct logscr *l)
{
	if (l->cmd.len == 0)
		return UI_HANDLED;
	if (ui_busy(u)) {
		ui_say(u, APP_WARNING, "not sent: an operation is running; the command stays typed until it ends");
		return UI_HANDLED | UI_REDRAW;
	}
	if (ui_typed_request_changes(l->cmd.text))
		ask_changing(u, l->cmd.text);
	else
		ui_start_raw(u, l->cmd.text);
	ui_entry_set(&l->cmd, "");
	return UI_HANDLED | UI_REDRAW;
}

/* Keys of the log screen. */
static int log_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	struct logscr *l = s->data;

	(void)key;
	switch (act) {
	case ACT_NEXT_VIEW:
		set_view(u, s, (l->view + (key == KEY_BTAB ? VIEWS - 1 : 1)) % VIEWS);
		return UI_HANDLED | UI_REDRAW;
	case ACT_OPEN:
		return l->view == UI_LOG_TERMINAL ? send_line(u, l) : UI_HANDLED;
	case ACT_REFRESH:
		if (l->view == UI_LOG_TRAFFIC)
			set_view(u, s, UI_LOG_TRAFFIC);
		return UI_HANDLED | UI_REDRAW;
	case ACT_LOG:
		return UI_HANDLED;
	default: return 0;
	}
}

/* Follows the transcript while the traffic view is open. */
static int log_tick(struct ui *u, struct ui_screen *s)
{
	struct logscr *l = s->data;
	char path[PATH_MAX + 32];

	if (l->view != UI_LOG_TRAFFIC || !transcript_path(u, path, sizeof path) ||
	    file_size(path) == l->traffic_size)
		return 0;
	load_traffic(u, l);
	log_refresh(u, s);
	return UI_REDRAW;
}

/* Frees the state. */
static void log_destroy(struct ui_screen *s)
{
	struct logscr *l = s->data;

	if (l)
		ui_lines_free(&l->traffic);
	free(l);
}

const struct ui_screen_ops ui_log_ops = {
	.name = "Log",
	.bindings = log_bindings,
	.draw = log_draw,
	.action = log_action,
	.update = log_refresh,
	.row_text = log_row,
	.row_role = log_role,
	.entry = log_entry,
	.tick = log_tick,
	.destroy = log_destroy,
};

/* The log screen on a view. */
struct ui_screen *ui_log_screen(struct ui *u, int view)
{
	struct logscr *l = calloc(1, sizeof *l);
	struct ui_screen *s;

	if (l == NULL)
		return NULL;
	s = ui_screen_new(u, &ui_log_ops, l);
	if (s)
		set_view(u, s, view);
	return s;
}
