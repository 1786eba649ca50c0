/* ui.c: the console's life: settings, terminal set-up, the one poll()
 * loop over the terminal, a signal self-pipe and the worker's pipe, and
 * leaving by any path with the terminal restored, the running operation
 * stopped at a safe point and the session packed. */
#include "config.h"
#include "ui/ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/console.h"

#define SPIN_MS 100
#define TICK_MS 1000

static int sig_pipe[2] = { -1, -1 };
static SCREEN *screen;       /* the curses screen while it is active */
static bool screen_active;

/* Signal handler: one byte per signal into the self-pipe. */
static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;
	ssize_t r = write(sig_pipe[1], &b, 1);

	(void)r;
	errno = saved;
}

/* Gives the terminal back (every way out passes here; also at exit()). */
static void restore_terminal(void)
{
	if (!screen_active)
		return;
	screen_active = false;
	endwin();
}

/* Adds a message to the log and the message line. */
void ui_say(struct ui *u, enum app_level level, const char *fmt, ...)
{
	char text[4096], now[16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ui_log_now(now, sizeof now);
	ui_log_add(&u->log, level, now, text);
	snprintf(u->message, sizeof u->message, "%.*s", (int)strcspn(text, "\n"), text);
	u->level = level;
	u->dirty = true;
}

/* Configuration problems go to the log; they never stop the console. */
static void config_error(void *arg, const char *text)
{
	ui_say(arg, APP_WARNING, "%s", text);
}

/* Reads the configuration file and the recent ports. */
static void load_settings(struct ui *u)
{
	char path[4096];
	struct error e;

	ui_config_defaults(&u->cfg);
	if (ui_config_path(path, sizeof path) == 0)
		ui_config_load(path, &u->cfg, config_error, u);
	error_clear(&e);
	if (ui_recent_path(path, sizeof path) == 0 && ui_recent_load(path, &u->recent, &e) < 0)
		ui_say(u, APP_WARNING, "recent ports: %s", e.text);
}

/* Makes a non-blocking, close-on-exec pipe. */
static int make_pipe(int fds[2])
{
	int i;

	if (pipe(fds) < 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) < 0 ||
		    fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0)
			return -1;
	return 0;
}

/* Routes the signals the console cares about into the self-pipe. */
static int catch_signals(struct error *e)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (make_pipe(sig_pipe) < 0)
		return error_set(e, ERR_IO, "signal pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	/* a dropped TCP adapter must end in an error, not kill the console */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Puts the signals back and closes the self-pipe. */
static void release_signals(void)
{
	signal(SIGWINCH, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (sig_pipe[0] >= 0)
		close(sig_pipe[0]);
	if (sig_pipe[1] >= 0)
		close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* Chooses glyphs, colours and the mouse from options, settings, locale. */
static void choose_look(struct ui *u)
{
	u->ascii = ui_want_ascii(nl_langinfo(CODESET), u->opt->ascii, u->cfg.ascii);
	u->g = ui_glyphs(u->ascii);
	u->mouse = u->cfg.mouse && !u->opt->no_mouse;
}

/* Teaches curses the Home/End sequences of other terminals (tmux, screen,
 * rxvt, the Linux console, xterm in either cursor mode), which users get
 * when TERM does not match the terminal they sit at, as often over SSH. */
static void define_keys(void)
{
	static const char *const home[] = { "\033[1~", "\033[7~", "\033[H", "\033OH" };
	static const char *const end[] = { "\033[4~", "\033[8~", "\033[F", "\033OF" };
	size_t i;

	for (i = 0; i < sizeof home / sizeof home[0]; i++) {
		if (key_defined(home[i]) <= 0)
			define_key(home[i], KEY_HOME);
		if (key_defined(end[i]) <= 0)
			define_key(end[i], KEY_END);
	}
}

/* Sets up curses on the terminal; false when the terminal cannot be used. */
static bool start_screen(struct ui *u, struct error *e)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		error_set(e, ERR_ARG, "the console needs a terminal on its standard input and output; "
			  "for work without one use a batch command (obdcon --help lists them)");
		return false;
	}
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		error_set(e, ERR_OPEN, "cannot use the terminal (TERM=%s)",
			  getenv("TERM") ? getenv("TERM") : "unset");
		return false;
	}
	screen_active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	define_keys();
	nodelay(stdscr, TRUE);
	set_escdelay(50); /* a lone Esc; arrow keys over SSH arrive whole */
	curs_set(0);
	u->colours = ui_want_colour(has_colors(), getenv("NO_COLOR"), u->opt->no_color,
				    u->cfg.theme == UI_THEME_MONO);
	ui_theme_start(u->colours);
	if (u->mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED,
			  NULL);
		mouseinterval(0);
	}
	return true;
}

/* Takes the terminal's new size after SIGWINCH. */
static void resize(struct ui *u)
{
	struct winsize ws;

	if (u->hup)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	u->dirty = true;
}

/* The terminal went away: no more drawing or reading keys. */
static void hang_up(struct ui *u)
{
	if (!u->hup)
		ui_say(u, APP_WARNING, "terminal hung up: finishing and saving the session");
	u->hup = true;
	ui_request_quit(u);
}

/* Handles the signals waiting in the self-pipe. */
static void take_signals(struct ui *u)
{
	unsigned char sigs[32];
	ssize_t n, i;

	while ((n = read(sig_pipe[0], sigs, sizeof sigs)) > 0) {
		for (i = 0; i < n; i++) {
			if (sigs[i] == SIGWINCH) {
				resize(u);
				continue;
			}
			if (sigs[i] == SIGINT && ui_busy(u) && !u->leaving) {
				ui_interrupt(u); /* stops the operation; a second one leaves */
				if (u->leaving)
					u->signal = SIGINT;
				continue;
			}
			u->signal = sigs[i];
			if (sigs[i] == SIGHUP)
				hang_up(u);
			else
				ui_request_quit(u);
		}
	}
}

/* Handles every event the worker has queued. */
static void take_events(struct ui *u)
{
	struct ui_event *ev;

	while ((ev = ui_worker_next(u->worker)) != NULL) {
		ui_handle_event(u, ev);
		ui_event_free(ev);
	}
}

/* Reads every key waiting on the terminal. */
static void take_keys(struct ui *u)
{
	int key;

	while (!u->hup && (key = getch()) != ERR) {
		if (key == KEY_RESIZE)
			u->dirty = true;
		else
			ui_handle_key(u, key);
	}
}

/* A timeout: the spinner turns, the top screen ticks. */
static void tick(struct ui *u)
{
	struct ui_screen *s = ui_top(u);
	int flags;

	if (ui_busy(u))
		u->dirty = true;
	if (s && s->ops->tick && !u->hup) {
		flags = s->ops->tick(u, s);
		if (flags & UI_REDRAW)
			u->dirty = true;
	}
}

/* How long poll() may sleep: short while something animates. */
static int poll_timeout(const struct ui *u)
{
	const struct ui_screen *s = ui_top(u);

	if (ui_busy(u))
		return SPIN_MS;
	if (s && s->ops->tick)
		return TICK_MS;
	return -1;
}

/* The one loop: until quit, or leaving once the running job has ended. */
static void main_loop(struct ui *u)
{
	struct pollfd fds[3];
	int n;

	while (!u->quit && !(u->leaving && !ui_busy(u))) {
		if (u->dirty)
			ui_draw(u);
		fds[0] = (struct pollfd){ sig_pipe[0], POLLIN, 0 };
		fds[1] = (struct pollfd){ ui_worker_fd(u->worker), POLLIN, 0 };
		fds[2] = (struct pollfd){ u->hup ? -1 : STDIN_FILENO, POLLIN, 0 };
		n = poll(fds, 3, poll_timeout(u));
		if (n < 0 && errno != EINTR) {
			ui_say(u, APP_ERROR, "poll: %s", strerror(errno));
			ui_request_quit(u);
			u->hup = true; /* cannot wait on the terminal any more */
			continue;
		}
		if (n == 0)
			tick(u);
		if (n > 0 && fds[0].revents)
			take_signals(u);
		if (n > 0 && fds[1].revents)
			take_events(u);
		if (n > 0 && (fds[2].revents & (POLLHUP | POLLERR | POLLNVAL)))
			hang_up(u);
		else if (n > 0 && fds[2].revents & POLLIN)
			take_keys(u);
	}
}

/* The first screen: connect at once when a port is known, else choose. */
static void first_screen(struct ui *u)
{
	const char *port = u->opt->port ? u->opt->port : u->cfg.port[0] ? u->cfg.port : NULL;

	if (port == NULL) {
		ui_set_root(u, ui_connect_screen(u));
		return;
	}
	snprintf(u->snap->port, sizeof u->snap->port, "%s", port);
	ui_set_root(u, ui_vehicle_screen(u));
	ui_start_connect(u, port);
}

/* Closes every screen (an open question answers No). */
static void close_screens(struct ui *u)
{
	while (u->depth > 1)
		ui_pop(u);
	if (u->depth == 1) {
		struct ui_screen *s = u->stack[0];
		if (s->ops->destroy)
			s->ops->destroy(s);
		free(s);
		u->depth = 0;
	}
}

/* Frees what the console holds besides the app and the worker. */
static void free_console(struct ui *u)
{
	ui_log_free(&u->log);
	ui_lines_free(&u->archives);
	ui_lines_free(&u->terminal);
	free(u->snap);
}

/* Stops the worker, restores the terminal, closes the app and reports
 * where the sessions were saved. */
static void finish(struct ui *u)
{
	struct ui_job *unfinished = NULL;
	size_t i;

	close_screens(u);
	ui_worker_stop(u->worker, &unfinished); /* no job runs by now; if one did, it ends here */
	ui_job_free(unfinished);
	if (!u->hup || isatty(STDIN_FILENO))
		restore_terminal();
	screen_active = false;
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	/* signals still go to the pipe: a second SIGHUP or SIGTERM (tmux and
	 * the kernel both send one) must not end the process mid-packing */
	ui_app_renew(u, false); /* its hooks still reach the stopped worker */
	ui_worker_free(u->worker);
	u->worker = NULL;
	for (i = 0; i < u->archives.n; i++)
		printf("obdcon: session saved in %s\n", u->archives.v[i]);
	fflush(stdout);
	release_signals();
}

/* The exit status: signal, connection error, or 0. */
static int exit_status(const struct ui *u)
{
	if (u->signal)
		return 128 + u->signal;
	if (!u->ever_connected && u->last_error.kind != ERR_NONE)
		return error_exit_code(&u->last_error) ? error_exit_code(&u->last_error) : 1;
	return 0;
}

/* Everything before the loop; false (with e) when the console cannot run. */
static bool start(struct ui *u, struct error *e)
{
	static bool registered;

	u->snap = calloc(1, sizeof *u->snap);
	if (u->snap == NULL || ui_log_init(&u->log, UI_LOG_MAX) < 0)
		return error_set(e, ERR_NOMEM, "out of memory"), false;
	load_settings(u);
	setlocale(LC_ALL, "");
	choose_look(u);
	if (!registered && atexit(restore_terminal) == 0)
		registered = true;
	if (catch_signals(e) < 0 || ui_worker_start(&u->worker, e) < 0)
		return false;
	if (!ui_app_renew(u, true))
		return error_set(e, ERR_SCRIPT, "%s", u->message), false;
	if (!start_screen(u, e))
		return false;
	first_screen(u);
	return true;
}

/* Runs the console until the user quits. */
int ui_run(const struct ui_options *opt)
{
	struct ui *u = calloc(1, sizeof *u);
	struct error e;
	int rc;

	if (u == NULL) {
		fprintf(stderr, "obdcon: out of memory\n");
		return 1;
	}
	u->opt = opt;
	error_clear(&e);
	if (start(u, &e))
		main_loop(u);
	finish(u);
	if (e.kind != ERR_NONE)
		fprintf(stderr, "obdcon: %s\n", e.text);
	rc = e.kind != ERR_NONE ? (error_exit_code(&e) ? error_exit_code(&e) : 1) : exit_status(u);
	free_console(u);
	free(u);
	return rc;
}
