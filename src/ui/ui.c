/* ui.c: the ncurses console: connect, module list, coding features,
 * confirmation dialogs, help generated from the key bindings. */
#include "config.h"
#include "ui/ui.h"

#include <curses.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/layout.h"

#define MIN_COLS 80
#define MIN_LINES 24

enum pane { PANE_MODULES, PANE_FEATURES };

/* Colour pairs of the theme. */
enum colour {
	C_NORMAL = 0,
	C_TITLE = 1,
	C_BAR,
	C_KEY,
	C_SELECTED,
	C_DIM,
	C_ERROR,
	C_OK,
};

/* What the console shows and where the user is. */
struct ui {
	const struct ui_options *opt;
	struct app *app;
	enum pane focus;
	struct list_view lists[2];
	char message[512];
	enum app_level level;
	bool colours;
	bool quit;
};

static volatile sig_atomic_t got_signal;

/* Records SIGINT/SIGTERM/SIGHUP so the loop can leave cleanly. */
static void on_signal(int sig)
{
	got_signal = sig;
}

/* Turns a colour pair on when the terminal has colours. */
static void colour_on(const struct ui *u, enum colour c)
{
	if (u->colours && c != C_NORMAL)
		attron(COLOR_PAIR(c));
	else if (c == C_SELECTED || c == C_BAR || c == C_TITLE)
		attron(A_REVERSE);
	else if (c == C_DIM)
		attron(A_DIM);
	else if (c == C_ERROR || c == C_KEY)
		attron(A_BOLD);
}

/* Turns all attributes off. */
static void colour_off(void)
{
	attrset(A_NORMAL);
}

/* Prints text at a position, clipped to width and padded with spaces. */
static void put_clipped(int y, int x, int width, const char *text)
{
	char line[1024];

	if (width <= 0)
		return;
	layout_fit(text, (size_t)width, line, sizeof line);
	mvaddstr(y, x, line);
}

/* Prints formatted text clipped to width. */
static void put_fmt(int y, int x, int width, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prints formatted text clipped to width. */
static void put_fmt(int y, int x, int width, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	put_clipped(y, x, width, text);
}

/* Title line: program, VIN and brand script. */
static void draw_title(const struct ui *u)
{
	const char *vin = u->app ? app_vin(u->app) : "";

	colour_on(u, C_TITLE);
	put_fmt(0, 0, COLS, " obdcon %s   %s%s%s", PACKAGE_VERSION, vin[0] ? "VIN " : "", vin,
		vin[0] ? "" : "not connected");
	if (u->app && vin[0])
		mvaddstr(0, COLS - 2 - (int)strlen(app_brand_name(u->app)), app_brand_name(u->app));
	colour_off();
}

/* Status line: port, adapter, VIN, voltage, session. */
static void draw_status(const struct ui *u)
{
	const char *session = u->app ? app_session_path(u->app) : "";
	const char *base = strrchr(session, '/');

	colour_on(u, C_BAR);
	if (u->app)
		put_fmt(LINES - 2, 0, COLS, " %s | %s %s | VIN %s | %.1f V | session %s",
			app_port(u->app), app_adapter_name(u->app), app_adapter_path(u->app),
			app_vin(u->app)[0] ? app_vin(u->app) : "-", app_voltage(u->app),
			base ? base + 1 : "-");
	else
		put_clipped(LINES - 2, 0, COLS, " not connected");
	colour_off();
}

/* Function-key bar on the bottom line, from the binding table. */
static void draw_fkeys(const struct ui *u)
{
	const struct binding *b;
	int x = 0;

	move(LINES - 1, 0);
	clrtoeol();
	for (b = ui_bindings(); b->keyname; b++) {
		int w;
		if (!b->bar_label)
			continue;
		w = (int)strlen(b->bar_key) + (int)strlen(b->bar_label) + 1;
		if (x + w > COLS)
			break;
		colour_on(u, C_KEY);
		mvaddstr(LINES - 1, x, b->bar_key);
		colour_off();
		colour_on(u, C_BAR);
		addstr(b->bar_label);
		colour_off();
		addch(' ');
		x += w;
	}
}

/* Message line above the status line. */
static void draw_message(const struct ui *u)
{
	colour_on(u, u->level == APP_ERROR ? C_ERROR : u->level == APP_WARNING ? C_ERROR : C_NORMAL);
	put_clipped(LINES - 3, 0, COLS, u->message);
	colour_off();
}

/* Header of a pane, highlighted when it has the focus. */
static void draw_pane_header(const struct ui *u, int y, const char *text, bool focused)
{
	colour_on(u, focused ? C_TITLE : C_DIM);
	mvhline(y, 0, ' ', COLS);
	put_fmt(y, 0, COLS, "%s %s", focused ? ">" : " ", text);
	colour_off();
}

/* One module row. */
static void draw_module_row(const struct ui *u, int y, size_t i, bool selected)
{
	const struct app_module *m = app_module(u->app, i);

	colour_on(u, selected ? C_SELECTED : m->present ? C_NORMAL : C_DIM);
	if (m->present)
		put_fmt(y, 0, COLS, "  %-4s %-26s %03X/%03X  part %-14s sw %-6s hw %s", m->id,
			m->name, (unsigned)m->tx, (unsigned)m->rx, m->part, m->sw, m->hw);
	else
		put_fmt(y, 0, COLS, "  %-4s %-26s %03X/%03X  no answer", m->id, m->name,
			(unsigned)m->tx, (unsigned)m->rx);
	colour_off();
}

/* One feature row: name, module, value and support. */
static void draw_feature_row(const struct ui *u, int y, size_t i, bool selected)
{
	const struct app_feature *f = app_feature(u->app, i);
	const struct app_module *m = app_module(u->app, f->module);

	colour_on(u, selected ? C_SELECTED : f->supported ? C_NORMAL : C_DIM);
	if (f->supported)
		put_fmt(y, 0, COLS, "  [%c] %-34s %-4s %-4s", f->value ? 'x' : ' ', f->name, m->id,
			app_value_text(f));
	else
		put_fmt(y, 0, COLS, "  [-] %-34s %-4s %-4s unsupported: %s", f->name, m->id,
			app_value_text(f), f->reason);
	colour_off();
}

/* Draws the rows of one list pane. */
static void draw_list(struct ui *u, enum pane p, int y, int height)
{
	struct list_view *lv = &u->lists[p];
	size_t i;

	list_view_set_height(lv, height);
	for (i = 0; i < (size_t)height && lv->top + i < lv->count; i++) {
		size_t row = lv->top + i;
		bool sel = u->focus == p && row == lv->selected;
		if (p == PANE_MODULES)
			draw_module_row(u, y + (int)i, row, sel);
		else
			draw_feature_row(u, y + (int)i, row, sel);
	}
}

/* Draws both panes in the space between title and message line. */
static void draw_panes(struct ui *u)
{
	struct pane_split s = layout_split(LINES - 4, u->lists[0].count, u->lists[1].count);

	draw_pane_header(u, 1, "Modules (identification)", u->focus == PANE_MODULES);
	draw_list(u, PANE_MODULES, 2, s.first_rows);
	draw_pane_header(u, 2 + s.first_rows, "Coding features (Space/Enter toggles)",
			 u->focus == PANE_FEATURES);
	draw_list(u, PANE_FEATURES, 3 + s.first_rows, s.second_rows);
}

/* Shown instead of the screen when the terminal is below 80x24. */
static void draw_too_small(void)
{
	erase();
	mvprintw(LINES / 2, 0, "terminal too small: %dx%d, obdcon needs %dx%d", COLS, LINES,
		 MIN_COLS, MIN_LINES);
	refresh();
}

/* Redraws the whole screen. */
static void draw(struct ui *u)
{
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		draw_too_small();
		return;
	}
	erase();
	draw_title(u);
	if (u->app)
		draw_panes(u);
	draw_message(u);
	draw_status(u);
	draw_fkeys(u);
	refresh();
}

/* Draws a framed box with a title and body lines, centred. */
static void draw_box(const struct ui *u, const char *title, const char *body, int *top,
		     int *left, int *height, int *width)
{
	struct text_box tb = layout_box(body, COLS, LINES);
	int y, i;

	*height = tb.height;
	*width = tb.width;
	*top = (LINES - tb.height) / 2;
	*left = (COLS - tb.width) / 2;
	colour_on(u, C_NORMAL);
	for (y = 0; y < tb.height; y++)
		mvhline(*top + y, *left, ' ', tb.width);
	mvhline(*top, *left, ACS_HLINE, tb.width);
	mvhline(*top + tb.height - 1, *left, ACS_HLINE, tb.width);
	mvvline(*top, *left, ACS_VLINE, tb.height);
	mvvline(*top, *left + tb.width - 1, ACS_VLINE, tb.height);
	mvaddch(*top, *left, ACS_ULCORNER);
	mvaddch(*top, *left + tb.width - 1, ACS_URCORNER);
	mvaddch(*top + tb.height - 1, *left, ACS_LLCORNER);
	mvaddch(*top + tb.height - 1, *left + tb.width - 1, ACS_LRCORNER);
	colour_on(u, C_TITLE);
	mvaddch(*top, *left + 2, ' ');
	addnstr(title, tb.width - 6);
	addch(' ');
	colour_off();
	for (i = 0; i < tb.nlines; i++)
		put_clipped(*top + 2 + i, *left + 2, tb.width - 4, tb.lines[i]);
}

/* Draws the Yes/No buttons of a confirmation; focus on yes or no. */
static void draw_buttons(const struct ui *u, int y, int left, int width, bool yes_focused)
{
	int x = left + width / 2 - 10;

	colour_on(u, yes_focused ? C_NORMAL : C_SELECTED);
	mvaddstr(y, x, "[ No ]");
	colour_off();
	colour_on(u, yes_focused ? C_SELECTED : C_NORMAL);
	mvaddstr(y, x + 12, "[ Yes ]");
	colour_off();
}

/* Modal yes/no question, "No" focused by default. */
static bool ui_ask(struct ui *u, const char *title, const char *body)
{
	bool yes = false;
	int top, left, height, width, key;
	char text[4096];

	snprintf(text, sizeof text, "%s\n(y: yes, n or Esc: no, Tab: switch, Enter: choose)\n \n", body);
	for (;;) {
		draw(u);
		draw_box(u, title, text, &top, &left, &height, &width);
		draw_buttons(u, top + height - 2, left, width, yes);
		refresh();
		key = getch();
		if (key == 'y' || key == 'Y')
			return true;
		if (key == 'n' || key == 'N' || key == 27 || key == 'q')
			return false;
		if (key == '\n' || key == KEY_ENTER || key == ' ')
			return yes;
		if (key == '\t' || key == KEY_LEFT || key == KEY_RIGHT || key == 'h' || key == 'l')
			yes = !yes;
		if (got_signal)
			return false;
	}
}

/* Modal message; any key closes it. */
static void ui_tell(struct ui *u, const char *title, const char *body)
{
	int top, left, height, width, key;
	char text[4096];

	snprintf(text, sizeof text, "%s\n \n(press any key)", body);
	for (;;) {
		draw(u);
		draw_box(u, title, text, &top, &left, &height, &width);
		refresh();
		key = getch();
		if (got_signal || (key != ERR && key != KEY_RESIZE))
			return;
	}
}

/* Help screen generated from the binding table. */
static void ui_help(struct ui *u)
{
	char text[4096];

	ui_help_text(text, sizeof text);
	ui_tell(u, "obdcon keys", text);
}

/* App hook: shows a message on the message line at once. */
static void hook_message(void *arg, enum app_level level, const char *text)
{
	struct ui *u = arg;
	const char *nl = strchr(text, '\n');

	if (nl)
		snprintf(u->message, sizeof u->message, "%.*s", (int)(nl - text), text);
	else
		snprintf(u->message, sizeof u->message, "%s", text);
	u->level = level;
	if (!isendwin())
		draw(u);
}

/* App hook: confirmation dialog before a write. */
static bool hook_confirm(void *arg, const char *title, const char *body)
{
	return ui_ask(arg, title, body);
}

/* Asks for a port when none was given; returns false if the user left. */
static bool ask_port(struct ui *u, char *port, size_t n)
{
	size_t len;
	int key;

	snprintf(port, n, "sim:");
	for (;;) {
		len = strlen(port);
		snprintf(u->message, sizeof u->message,
			 "Port (device[@baud], tcp:HOST:PORT or sim:[VEHICLE]): %s_", port);
		u->level = APP_INFO;
		draw(u);
		key = getch();
		if (got_signal || key == 27 || key == KEY_F(10))
			return false;
		if (key == '\n' || key == KEY_ENTER)
			return len > 0;
		if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
			port[len - 1] = 0;
		else if (key >= 0x20 && key < 0x7F && len + 1 < n) {
			port[len] = (char)key;
			port[len + 1] = 0;
		}
	}
}

/* Connects, scans and reads the features, showing progress. */
static int connect_and_scan(struct ui *u, const char *port, struct error *e)
{
	struct app_hooks hooks = { u, hook_message, hook_confirm, NULL, NULL };
	struct app_options aopt = { .pack_on_close = u->opt->pack_on_close };

	if (app_new(&aopt, &hooks, &u->app, e) < 0)
		return -(int)e->kind;
	if (app_connect(u->app, port, e) < 0 || app_scan(u->app, e) < 0 ||
	    app_read_features(u->app, e) < 0)
		return -(int)e->kind;
	list_view_set_count(&u->lists[PANE_MODULES], app_module_count(u->app));
	list_view_set_count(&u->lists[PANE_FEATURES], app_feature_count(u->app));
	u->focus = app_feature_count(u->app) ? PANE_FEATURES : PANE_MODULES;
	snprintf(u->message, sizeof u->message, "%zu modules, %zu coding features",
		 app_module_count(u->app), app_feature_count(u->app));
	u->level = APP_INFO;
	return 0;
}

/* Shows a module's full identification. */
static void show_module(struct ui *u)
{
	const struct app_module *m = app_module(u->app, u->lists[PANE_MODULES].selected);
	char body[1024];

	if (m == NULL)
		return;
	snprintf(body, sizeof body,
		 "Module      %s %s\nCAN IDs     %03X -> %03X\nPart number %s\nSoftware    %s\n"
		 "Hardware    %s\nSerial      %s\nSystem name %s%s%s",
		 m->id, m->name, (unsigned)m->tx, (unsigned)m->rx, m->part, m->sw, m->hw, m->serial,
		 m->system, m->present ? "" : "\nState       ", m->present ? "" : m->error);
	ui_tell(u, "Module identification", body);
}

/* Toggles the selected feature through the coding transaction. */
static void toggle_feature(struct ui *u)
{
	const struct app_feature *f = app_feature(u->app, u->lists[PANE_FEATURES].selected);
	struct app_code_result res;
	struct app_change change;
	struct error e;
	char body[1024];

	if (f == NULL)
		return;
	if (!f->supported || !f->known) {
		snprintf(body, sizeof body, "%s cannot be changed on this vehicle:\n%s", f->name,
			 f->reason[0] ? f->reason : "its value could not be read");
		ui_tell(u, "Not supported", body);
		return;
	}
	change.feature = f->id;
	if (f->kind != APP_FEATURE_BIT) {
		snprintf(body, sizeof body, "%s takes %s: change it with obdcon code %s=VALUE",
			 f->name, f->values, f->id);
		ui_tell(u, "Not a switch", body);
		return;
	}
	change.value = f->value ? "off" : "on";
	error_clear(&e);
	if (app_code(u->app, &change, 1, &res, &e) == 0) {
		snprintf(body, sizeof body, "%s is now %s.\n%s", f->name, app_value_text(f),
			 res.summary);
		ui_tell(u, "Coding done", body);
	} else if (e.kind == ERR_REFUSED) {
		snprintf(u->message, sizeof u->message, "%s", e.text);
		u->level = APP_INFO;
	} else {
		snprintf(body, sizeof body, "%s", e.text);
		ui_tell(u, "Coding failed", body);
	}
}

/* Reads the features again. */
static void refresh_features(struct ui *u)
{
	struct error e;

	error_clear(&e);
	if (app_read_features(u->app, &e) < 0)
		hook_message(u, APP_ERROR, e.text);
	else
		hook_message(u, APP_INFO, "coding features read again");
	list_view_set_count(&u->lists[PANE_FEATURES], app_feature_count(u->app));
}

/* Handles one action in the main screen. */
static void handle_action(struct ui *u, enum ui_action act)
{
	switch (act) {
	case ACT_QUIT: u->quit = true; break;
	case ACT_HELP: ui_help(u); break;
	case ACT_SWITCH_PANE: u->focus = u->focus == PANE_MODULES ? PANE_FEATURES : PANE_MODULES; break;
	case ACT_ACTIVATE:
		if (u->focus == PANE_FEATURES)
			toggle_feature(u);
		else
			show_module(u);
		break;
	case ACT_REFRESH: refresh_features(u); break;
	default: list_view_move(&u->lists[u->focus], act); break;
	}
}

/* Sets up curses, colours and signals. */
static void screen_start(struct ui *u)
{
	struct sigaction sa;

	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(250);
	u->colours = has_colors() && getenv("NO_COLOR") == NULL;
	if (u->colours) {
		start_color();
		use_default_colors();
		init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_BAR, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_KEY, COLOR_WHITE, -1);
		init_pair(C_SELECTED, COLOR_BLACK, COLOR_YELLOW);
		init_pair(C_DIM, COLOR_BLUE, -1);
		init_pair(C_ERROR, COLOR_RED, -1);
		init_pair(C_OK, COLOR_GREEN, -1);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The main loop: keys until quit or a signal. */
static void main_loop(struct ui *u)
{
	int key;

	while (!u->quit && !got_signal) {
		draw(u);
		key = getch();
		if (key == ERR || key == KEY_RESIZE)
			continue;
		handle_action(u, ui_action_for_key(key));
	}
}

/* Runs the console until the user quits. */
int ui_run(const struct ui_options *opt)
{
	struct ui u;
	struct error e, ce;
	char port[256], archive[PATH_MAX] = "";
	int rc = 0;

	memset(&u, 0, sizeof u);
	u.opt = opt;
	screen_start(&u);
	error_clear(&e);
	if (opt->port)
		snprintf(port, sizeof port, "%s", opt->port);
	if (opt->port == NULL && !ask_port(&u, port, sizeof port)) {
		endwin();
		return 0;
	}
	if (connect_and_scan(&u, port, &e) < 0) {
		ui_tell(&u, "Cannot continue", e.text);
		rc = error_exit_code(&e) ? error_exit_code(&e) : 1;
	} else {
		main_loop(&u);
	}
	endwin();
	error_clear(&ce);
	if (app_close(u.app, archive, sizeof archive, &ce) < 0)
		fprintf(stderr, "obdcon: warning: %s\n", ce.text);
	else if (archive[0])
		printf("obdcon: session saved in %s\n", archive);
	return rc;
}
