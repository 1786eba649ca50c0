/* screen.c: the screen stack and what every screen gets for free.
 *
 * HOW SCREENS WORK
 *
 * The console is a stack of screens. The root is the vehicle screen (or
 * the connect screen until a port is chosen); module, coding, review, log
 * and help screens are pushed on top, and Esc closes the top one. Dialogs
 * are screens too, marked overlay, so the screen below stays visible.
 *
 * A screen never reads keys or the app itself. The framework reads a key,
 * gives it to the screen's focused text field if it has one, then looks
 * it up in the screen's binding table and then the global one (keys.c),
 * and calls the screen's action() with the action. action() changes the
 * screen's state and returns flags: UI_HANDLED, UI_REDRAW, UI_POP,
 * UI_QUIT. Without UI_HANDLED the framework does the default: list
 * movement (arrows, PgUp/PgDn, Home/End, j/k/g/G, mouse wheel and clicks),
 * "/" incremental search and n/N over the rows' text, F1/? help generated
 * from the same tables, F8 log, Esc back (or stop the running operation),
 * F10/q quit. The function-key bar is generated from the tables too.
 *
 * Drawing happens once per loop turn when something changed: the title
 * line, then each visible screen's draw() inside the area between the
 * title and the message line, then the message, status and key bar.
 * Screens draw from u->snap (a copy of the app's state taken when the last
 * operation ended), never from the app: the adapter may be busy on the
 * worker thread. To talk to the vehicle a screen starts a job (jobs.c);
 * when it ends the snapshot is replaced and every screen's update() runs.
 *
 * ADDING A SCREEN (for example DTCs)
 *
 * 1. Create src/ui/scr_dtc.c and add it to src/ui/local.mk.
 * 2. Write a binding table ending with { 0 }: key, second key, key names
 *    for the help ("F7 d": first key, then second), help line, bar key,
 *    bar label and bar position (the F-key number times ten; Enter 2,
 *    Space 3, Tab 5), or NULL, NULL, 0 when it stays out of the bar; then
 *    the action. Reuse the actions of keys.h or add one there (and its
 *    name in keys.c). A key of the global table bound here is taken over.
 * 3. Write the callbacks it needs (see struct ui_screen_ops in console.h):
 *    draw (ui_draw_list for its list, ui_put/ui_putf/ui_draw_header for
 *    the rest), action, update (list_view_set_count with its row count),
 *    row_text (rows are drawn and searched from it), row_role,
 *    row_selectable (group headers), entry (a text field), tick (about
 *    once a second while on top), destroy for its data.
 * 4. Define `const struct ui_screen_ops ui_dtc_ops = { ... }` and a
 *    constructor `ui_dtc_screen(u)` that allocates its data and returns
 *    ui_screen_new(u, &ui_dtc_ops, data); declare both in console.h.
 * 5. Open it from another screen's action: ui_push(u, ui_dtc_screen(u)).
 * 6. Operations that talk to the vehicle go into jobs.c: a run function
 *    (worker thread: app calls only, then ui_snapshot_take; copy what the
 *    screen needs beyond the snapshot, such as the DTC list, into the
 *    job's data) and a done function (console thread: hand the copies to
 *    the screen, install the snapshot, say the result). Mark a job not
 *    cancellable (ui_worker_set_cancellable) from the point where stopping
 *    would be unsafe, and give job_start the text that says so.
 * 7. Add the ops to all_screens in tests/unit/test_ui_screens.c (bindings
 *    checked for clashes, bar width and help) and drive the screen
 *    through tmux in a script under tests/tui/ listed in src/ui/local.mk.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"
#include "util/clock.h"

/* List callback: asks the screen whether a row can be selected. */
static bool selectable_trampoline(void *arg, size_t row)
{
	struct ui_screen *s = arg;

	return s->ops->row_selectable(s->u, s, row);
}

/* Makes a screen of a kind. */
struct ui_screen *ui_screen_new(struct ui *u, const struct ui_screen_ops *ops, void *data)
{
	struct ui_screen *s = calloc(1, sizeof *s);

	if (s == NULL) {
		if (ops->destroy) {
			struct ui_screen tmp = { .ops = ops, .data = data };
			ops->destroy(&tmp);
		}
		return NULL;
	}
	s->ops = ops;
	s->u = u;
	s->data = data;
	if (ops->row_selectable) {
		s->list.selectable = selectable_trampoline;
		s->list.arg = s;
	}
	return s;
}

/* Frees a screen and its data. */
static void screen_free(struct ui_screen *s)
{
	if (s->ops->destroy)
		s->ops->destroy(s);
	free(s);
}

/* The top screen. */
struct ui_screen *ui_top(const struct ui *u)
{
	return u->depth > 0 ? u->stack[u->depth - 1] : NULL;
}

/* The topmost screen of a kind. */
struct ui_screen *ui_find(const struct ui *u, const struct ui_screen_ops *ops)
{
	int i;

	for (i = u->depth - 1; i >= 0; i--)
		if (u->stack[i]->ops == ops)
			return u->stack[i];
	return NULL;
}

/* Ends a search that belongs to the top screen. */
static void search_stop(struct ui *u)
{
	u->search.active = false;
	u->search.failed = false;
}

/* Lets the screen recount its rows. */
static void screen_refresh(struct ui *u, struct ui_screen *s)
{
	if (s->ops->update)
		s->ops->update(u, s);
}

/* Puts a screen on top. */
void ui_push(struct ui *u, struct ui_screen *s)
{
	struct ui_screen *top = ui_top(u);

	if (s == NULL)
		return;
	if (u->depth == UI_STACK_MAX) {
		screen_free(s);
		ui_say(u, APP_WARNING, "too many screens open");
		return;
	}
	search_stop(u);
	if (top && top->ops->leave)
		top->ops->leave(u, top);
	u->stack[u->depth++] = s;
	screen_refresh(u, s);
	if (s->ops->enter)
		s->ops->enter(u, s);
	u->dirty = true;
}

/* Closes the top screen (never the root). */
void ui_pop(struct ui *u)
{
	struct ui_screen *s = ui_top(u), *top;

	if (u->depth <= 1)
		return;
	search_stop(u);
	if (s->ops->leave)
		s->ops->leave(u, s);
	u->depth--;
	if (u->run.owner == s)
		u->run.owner = NULL;
	screen_free(s);
	top = ui_top(u);
	screen_refresh(u, top);
	if (top->ops->enter)
		top->ops->enter(u, top);
	u->dirty = true;
}

/* Closes screen s wherever it is on the stack (never the root): a dialog
 * whose answer opened another screen closes under it. */
static void close_screen(struct ui *u, struct ui_screen *s)
{
	int i;

	if (ui_top(u) == s) {
		ui_pop(u);
		return;
	}
	for (i = 1; i < u->depth - 1 && u->stack[i] != s; i++)
		;
	if (i >= u->depth - 1)
		return;
	memmove(&u->stack[i], &u->stack[i + 1], (size_t)(u->depth - i - 1) * sizeof *u->stack);
	u->depth--;
	if (u->run.owner == s)
		u->run.owner = NULL;
	screen_free(s);
	u->dirty = true;
}

/* Closes every screen and makes s the root. */
void ui_set_root(struct ui *u, struct ui_screen *s)
{
	if (s == NULL)
		return;
	search_stop(u);
	while (u->depth > 0) {
		struct ui_screen *old = u->stack[--u->depth];
		if (old->ops->leave)
			old->ops->leave(u, old);
		if (u->run.owner == old)
			u->run.owner = NULL;
		screen_free(old);
	}
	u->stack[u->depth++] = s;
	screen_refresh(u, s);
	if (s->ops->enter)
		s->ops->enter(u, s);
	u->dirty = true;
}

/* Tells every screen that the data changed. */
void ui_refresh_screens(struct ui *u)
{
	int i;

	for (i = 0; i < u->depth; i++)
		screen_refresh(u, u->stack[i]);
	u->dirty = true;
}

/* Row text callback for ui_search. */
static void search_text(void *arg, size_t row, char *out, size_t n)
{
	struct ui_screen *s = arg;

	out[0] = 0;
	s->ops->row_text(s->u, s, row, out, n);
}

/* Moves the selection to the next match of query; false when none. */
static bool search_go(struct ui *u, struct ui_screen *s, const char *query, size_t from, int dir,
		      bool include_from)
{
	long row;

	if (s->ops->row_text == NULL || s->list.count == 0)
		return false;
	row = ui_search(s->list.count, from, dir, include_from, query, search_text, s);
	if (row < 0)
		return false;
	list_view_select(&s->list, (size_t)row);
	(void)u;
	return true;
}

/* Starts an incremental search in the top screen's list. */
static int search_start(struct ui *u, struct ui_screen *s)
{
	if (s->ops->row_text == NULL || s->list.count == 0) {
		ui_say(u, APP_INFO, "nothing to search here");
		return UI_REDRAW;
	}
	u->search.active = true;
	u->search.failed = false;
	u->search.origin = s->list.selected;
	ui_entry_set(&u->search.query, "");
	return UI_REDRAW;
}

/* n and N: the next or previous match of the last search. */
static int search_again(struct ui *u, struct ui_screen *s, int dir)
{
	if (u->search.last[0] == 0) {
		ui_say(u, APP_INFO, "no search yet: press / to search");
		return UI_REDRAW;
	}
	if (!search_go(u, s, u->search.last, s->list.selected, dir, false))
		ui_say(u, APP_INFO, "no match for '%s'", u->search.last);
	return UI_REDRAW;
}

/* Keys while the search line is open. */
static void search_key(struct ui *u, struct ui_screen *s, int key)
{
	enum ui_action act = ui_binding_action(ui_global_bindings(), key);

	if (key == UI_KEY_ESC) {
		list_view_select(&s->list, u->search.origin);
		search_stop(u);
	} else if (ui_key_normalize(key) == '\n') {
		snprintf(u->search.last, sizeof u->search.last, "%s", u->search.query.text);
		search_stop(u);
	} else if (ui_entry_wants(key) && key != KEY_HOME && key != KEY_END) {
		ui_entry_key(&u->search.query, key);
		u->search.failed = u->search.query.len > 0 &&
				   !search_go(u, s, u->search.query.text, u->search.origin, +1, true);
		if (u->search.query.len == 0)
			list_view_select(&s->list, u->search.origin);
	} else {
		/* any other key keeps the match and does its usual job */
		snprintf(u->search.last, sizeof u->search.last, "%s", u->search.query.text);
		search_stop(u);
		if (act != ACT_NONE || key == KEY_HOME || key == KEY_END)
			ui_handle_key(u, key);
	}
	u->dirty = true;
}

/* Esc: stop the running job when this screen started it, else go back. */
static int default_back(struct ui *u, struct ui_screen *s)
{
	if (ui_busy(u) && (u->run.owner == s || u->run.owner == NULL)) {
		ui_cancel_job(u);
		return UI_REDRAW;
	}
	if (u->depth > 1)
		return UI_POP;
	return 0;
}

/* What an action does when the screen leaves it to the framework. */
static int default_action(struct ui *u, struct ui_screen *s, enum ui_action act)
{
	switch (act) {
	case ACT_HELP:
		ui_push(u, ui_help_screen(u, s));
		return UI_REDRAW;
	case ACT_QUIT: return UI_QUIT;
	case ACT_BACK: return default_back(u, s);
	case ACT_UP: case ACT_DOWN: case ACT_PAGE_UP: case ACT_PAGE_DOWN: case ACT_HOME:
	case ACT_END:
		return list_view_move(&s->list, act) ? UI_REDRAW : 0;
	case ACT_SEARCH: return search_start(u, s);
	case ACT_SEARCH_NEXT: return search_again(u, s, +1);
	case ACT_SEARCH_PREV: return search_again(u, s, -1);
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_REDRAW;
	case ACT_LOG:
		if (s->ops != &ui_log_ops)
			ui_push(u, ui_log_screen(u, UI_LOG_MESSAGES));
		return UI_REDRAW;
	default: return 0;
	}
}

/* The answer to "leave while an operation runs?". */
static void quit_answer(struct ui *u, bool yes, void *arg)
{
	(void)arg;
	if (yes)
		ui_request_quit(u);
}

/* q or F10: leave now, or ask first while an operation runs (the focused
 * answer is the confirm_default setting). */
static void ask_quit(struct ui *u)
{
	char body[512];

	if (!ui_busy(u) || u->leaving) {
		ui_request_quit(u);
		return;
	}
	if (ui_ask_answers_to(ui_top(u), quit_answer))
		return;
	snprintf(body, sizeof body,
		 "Busy: %s.\nLeave when it reaches a safe point? The session is packed\n"
		 "as always. A write already confirmed is finished first.",
		 u->run.job ? u->run.job->title : "an operation");
	ui_push(u, ui_ask_screen(u, "Leave obdcon?", body, u->cfg.confirm_yes, quit_answer, NULL));
}

/* Applies an action to a screen and then the flags it returns. */
static void apply_action(struct ui *u, struct ui_screen *s, enum ui_action act, int key)
{
	int flags = s->ops->action ? s->ops->action(u, s, act, key) : 0;

	if (!(flags & UI_HANDLED))
		flags |= default_action(u, s, act);
	if (flags & UI_REDRAW)
		u->dirty = true;
	if (flags & UI_POP)
		close_screen(u, s);
	if (flags & UI_QUIT)
		ask_quit(u);
}

/* Applies an action to the top screen. */
void ui_run_action(struct ui *u, enum ui_action act, int key)
{
	struct ui_screen *s = ui_top(u);

	if (s)
		apply_action(u, s, act, key);
}

/* True when the terminal is below the minimum size. */
static bool too_small(void)
{
	return COLS < UI_MIN_COLS || LINES < UI_MIN_LINES;
}

/* A click or wheel turn. */
static void handle_mouse(struct ui *u)
{
	struct ui_screen *s = ui_top(u);
	MEVENT ev;
	struct ui_rect a;
	int flags = 0;

	if (s == NULL || getmouse(&ev) != OK || too_small())
		return;
	a = s->list_area;
	if (ev.bstate & BUTTON4_PRESSED) {
		flags = list_view_scroll_by(&s->list, -3) ? UI_REDRAW : 0;
	} else if (ev.bstate & BUTTON5_PRESSED) {
		flags = list_view_scroll_by(&s->list, 3) ? UI_REDRAW : 0;
	} else if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED))) {
		return;
	} else if (ev.y == LINES - 1) {
		if (!(ev.bstate & BUTTON1_RELEASED))
			ui_run_action(u, ui_bar_hit(u->bar, u->nbar, ev.x), 0);
	} else if (s->list.count && ev.y >= a.y && ev.y < a.y + a.h && ev.x >= a.x &&
		   ev.x < a.x + a.w) {
		size_t row = s->list.top + (size_t)(ev.y - a.y);
		if (ev.bstate & BUTTON1_RELEASED || row >= s->list.count)
			return;
		if (row == s->list.selected) /* a second click does what Enter does */
			ui_run_action(u, ui_action_for_key(s->ops->bindings, '\n'), '\n');
		else
			list_view_select(&s->list, row);
		flags = UI_REDRAW;
	} else if (s->ops->click && !(ev.bstate & BUTTON1_RELEASED)) {
		flags = s->ops->click(u, s, ev.y, ev.x);
	}
	if (flags & UI_REDRAW)
		u->dirty = true;
	if (flags & UI_POP)
		close_screen(u, s);
	if (flags & UI_QUIT)
		ask_quit(u);
}

/* Handles one key from the terminal. */
void ui_handle_key(struct ui *u, int key)
{
	struct ui_screen *s = ui_top(u);
	struct ui_entry *en;

	if (s == NULL || key == ERR)
		return;
	if (key == KEY_MOUSE) {
		handle_mouse(u);
		return;
	}
	if (too_small()) {
		/* the screen cannot be seen: only leaving is allowed */
		if (key == 'q' || key == KEY_F(10))
			ui_request_quit(u);
		return;
	}
	if (u->search.active) {
		search_key(u, s, key);
		return;
	}
	en = s->ops->entry ? s->ops->entry(u, s) : NULL;
	if (en && ui_entry_wants(key)) {
		ui_entry_key(en, key);
		u->dirty = true;
		return;
	}
	apply_action(u, s, ui_action_for_key(s->ops->bindings, key), key);
}

/* The title line: program, where the user is, VIN and brand. */
static void draw_title(struct ui *u)
{
	char crumbs[512] = "", right[200] = "", left[600];
	size_t used = 0;
	int i, w;

	for (i = 0; i < u->depth; i++) {
		const struct ui_screen *s = u->stack[i];
		if (s->ops->overlay)
			continue;
		w = snprintf(crumbs + used, sizeof crumbs - used, "%s%s", used ? u->g->crumb : "",
			     s->title[0] ? s->title : s->ops->name);
		if (w > 0 && used + (size_t)w < sizeof crumbs)
			used += (size_t)w;
	}
	if (u->snap->vin[0])
		snprintf(right, sizeof right, "VIN %s  %s ", u->snap->vin, u->snap->brand);
	snprintf(left, sizeof left, " obdcon %s%s%s", PACKAGE_VERSION, u->g->sep, crumbs);
	ui_put(u, 0, 0, COLS, R_TITLE, left);
	w = (int)layout_width(right);
	if (w > 0 && (int)layout_width(left) + 2 + w <= COLS)
		ui_put(u, 0, COLS - w, w, R_TITLE, right);
}

/* The message line: search prompt, progress of the running job, or the
 * last message. */
static void draw_message(struct ui *u)
{
	int y = LINES - 3;
	enum ui_role role = u->level == APP_ERROR ? R_ERROR : u->level == APP_WARNING ? R_WARN : R_NORMAL;
	struct ui_progress p;
	char text[600];

	if (u->search.active) {
		ui_draw_entry(u, y, 0, COLS, "Search: ", &u->search.query, true);
		if (u->search.failed)
			ui_put(u, y, COLS - 12, 12, R_ERROR, "  no match  ");
		return;
	}
	if (ui_busy(u) && ui_top(u)->ops == &ui_ask_ops) {
		ui_put(u, y, 0, COLS, R_HEADER, "waiting for your answer: y yes, n no");
		return;
	}
	if (ui_busy(u) && ui_top(u)->ops == &ui_choice_ops) {
		ui_put(u, y, 0, COLS, R_HEADER, "waiting for your answer: pick one, Esc cancels");
		return;
	}
	if (ui_busy(u) && u->run.has_progress) {
		snprintf(text, sizeof text, "%s %s ", ui_spinner(u), u->run.progress_step);
		ui_put(u, y, 0, COLS, R_HEADER, text);
		ui_draw_progress(u, y, (int)layout_width(text), COLS - (int)layout_width(text),
				 &u->run.progress);
		return;
	}
	if (ui_busy(u)) {
		memset(&p, 0, sizeof p);
		p.step = u->run.step;
		p.elapsed_ms = u->run.started_ms ? clock_ms() - u->run.started_ms : 0;
		p.done = p.total = -1;
		ui_progress_parse(u->run.step, &p.done, &p.total);
		ui_progress_text(&p, ui_spinner(u), text, sizeof text);
		ui_put(u, y, 0, COLS, R_HEADER, text);
		if (u->run.owner == ui_top(u) && ui_worker_cancellable(u->worker) &&
		    !u->run.cancel_requested && (int)layout_width(text) + 14 < COLS)
			ui_put(u, y, COLS - 12, 12, R_DIM, "Esc stops");
		return;
	}
	ui_put(u, y, 0, COLS, role, u->message);
}

/* The session for the status line: "session NAME", or when short, the
 * time it started ("session 03:58" of "20261128-035836-VIN"). */
static void session_text(const char *name, bool short_form, char *out, size_t n)
{
	if (short_form && strlen(name) >= 15 && name[8] == '-')
		snprintf(out, n, "session %.2s:%.2s", name + 9, name + 11);
	else
		snprintf(out, n, "session %s", name);
}

/* The status line: port, voltage, adapter and path, protocol, VIN, session. */
static void draw_status(struct ui *u)
{
	const struct ui_snapshot *sn = u->snap;
	const char *sep = u->g->sep;

	const char *proto = sn->protocol[0] ? sn->protocol : "protocol ?", *paren;
	char text[1024];
	int variant;

	if (!sn->connected) {
		ui_putf(u, LINES - 2, 0, COLS, R_BAR, " %s%s", sn->port[0] ? sn->port : "not connected",
			sn->port[0] && !ui_busy(u) ? " (not connected)" : "");
		return;
	}
	if (sn->link_gone) {
		ui_putf(u, LINES - 2, 0, COLS, R_ERROR, " LINK LOST: %s is gone (unplugged, out of "
			"range?); reconnect to go on", sn->port);
		return;
	}
	/* drop the send path, shorten the protocol, then name the session by
	 * the time it started (the VIN is shown already), until it fits */
	for (variant = 0; variant < 4; variant++) {
		char session[64];
		paren = strchr(proto, '(');
		session_text(ui_snapshot_session_name(sn), variant == 3, session, sizeof session);
		snprintf(text, sizeof text, " %s%s%.1f V%s%s%s%s%s%.*s%s%s%s%s%s", sn->port, sep,
			 sn->volts, sep, sn->adapter, variant ? "" : " ", variant ? "" : sn->path, sep,
			 (int)(variant >= 2 && paren ? strcspn(paren + 1, ")") : strlen(proto)),
			 variant >= 2 && paren ? paren + 1 : proto, sep, variant == 3 ? "" : "VIN ",
			 sn->vin[0] ? sn->vin : "-", sep, session);
		if ((int)layout_width(text) <= COLS)
			break;
	}
	ui_put(u, LINES - 2, 0, COLS, R_BAR, text);
}

/* The function-key bar from the top screen's bindings, without the keys
 * that would do nothing there: search without rows, completion without a
 * text field, the log on the log itself. */
static void draw_bar(struct ui *u)
{
	struct ui_screen *s = ui_top(u);
	unsigned long hide = 0;
	size_t i;

	if (s->ops->row_text == NULL || s->list.count == 0)
		hide |= UI_ACT_BIT(ACT_SEARCH);
	if (s->ops->entry == NULL || s->ops->entry(u, s) == NULL)
		hide |= UI_ACT_BIT(ACT_COMPLETE);
	if (s->ops == &ui_log_ops)
		hide |= UI_ACT_BIT(ACT_LOG);
	if (u->depth <= 1 && !ui_busy(u))
		hide |= UI_ACT_BIT(ACT_BACK);
	u->nbar = ui_bar_layout(s->ops->bindings, hide, COLS, u->bar, UI_BAR_MAX);
	ui_put(u, LINES - 1, 0, COLS, R_NORMAL, "");
	for (i = 0; i < u->nbar; i++) {
		const struct ui_bar_item *b = &u->bar[i];
		int kw = (int)strlen(b->key);
		ui_put(u, LINES - 1, b->x, kw, R_KEY, b->key);
		ui_put(u, LINES - 1, b->x + kw, b->width - kw - 1, R_BAR, b->label);
	}
}

/* Shown instead of the screens below the minimum size. */
static void draw_too_small(void)
{
	erase();
	mvprintw(LINES / 2, 0, "terminal too small: %dx%d, obdcon needs %dx%d", COLS, LINES,
		 UI_MIN_COLS, UI_MIN_LINES);
	mvprintw(LINES / 2 + 1, 0, "enlarge the window, or press q to quit");
	curs_set(0);
	refresh();
}

/* Draws everything. */
void ui_draw(struct ui *u)
{
	struct ui_rect area = { 1, 0, LINES - 4, COLS };
	int i, first;

	u->dirty = false;
	if (u->hup)
		return;
	if (too_small()) {
		draw_too_small();
		return;
	}
	erase();
	u->cursor_y = -1;
	for (first = u->depth - 1; first > 0 && u->stack[first]->ops->overlay; first--)
		;
	for (i = first; i < u->depth; i++)
		if (u->stack[i]->ops->draw)
			u->stack[i]->ops->draw(u, u->stack[i], area);
	draw_title(u);
	draw_message(u);
	draw_status(u);
	draw_bar(u);
	if (u->cursor_y >= 0) {
		move(u->cursor_y, u->cursor_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}
