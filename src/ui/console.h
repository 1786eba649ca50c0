/* console.h: the console's shared state, the screen framework and the
 * operations screens may start. Read the comment at the top of screen.c
 * before adding a screen. */
#ifndef OBDCON_UI_CONSOLE_H
#define OBDCON_UI_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "ui/complete.h"
#include "ui/gauge.h"
#include "ui/keys.h"
#include "ui/layout.h"
#include "ui/logbuf.h"
#include "ui/pending.h"
#include "ui/settings.h"
#include "ui/snapshot.h"
#include "ui/theme.h"
#include "ui/ui.h"
#include "ui/worker.h"

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24
#define UI_STACK_MAX 16
#define UI_LOG_MAX 5000

/* Flags a screen's action handler returns. */
enum {
	UI_HANDLED = 1 << 0, /* the action meant something on this screen */
	UI_REDRAW = 1 << 1,  /* something changed on screen */
	UI_POP = 1 << 2,     /* close this screen */
	UI_QUIT = 1 << 3,    /* leave the console */
};

struct ui;
struct ui_screen;

/* A rectangle of the terminal. */
struct ui_rect {
	int y, x, h, w;
};

/* What kind of screen a screen is: its keys and its callbacks. Every
 * callback runs on the console thread and reads the snapshot, never the
 * app. Only draw may call curses. Unused callbacks are NULL. */
struct ui_screen_ops {
	const char *name;                   /* in the title line and the help */
	const struct ui_binding *bindings;  /* its own keys (bar and help come from here) */
	bool overlay;                       /* a dialog: the screens below stay visible */
	/* It became the top screen (pushed, or the one above it closed). */
	void (*enter)(struct ui *u, struct ui_screen *s);
	/* It stops being the top screen (covered or closing). */
	void (*leave)(struct ui *u, struct ui_screen *s);
	/* Draws itself inside area (between the title and the message line). */
	void (*draw)(struct ui *u, struct ui_screen *s, struct ui_rect area);
	/* Handles an action (from a key, the bar or the mouse); returns UI_* flags.
	 * Without UI_HANDLED the framework applies its default (list movement,
	 * search, help, back, quit, log). key is 0 when no key was involved. */
	int (*action)(struct ui *u, struct ui_screen *s, enum ui_action act, int key);
	/* The snapshot, the log or the pending changes changed: recount rows. */
	void (*update)(struct ui *u, struct ui_screen *s);
	/* Text of a row of its list: drawn, and searched with / and n. */
	void (*row_text)(struct ui *u, struct ui_screen *s, size_t row, char *out, size_t n);
	/* How a row looks (R_NORMAL when NULL). */
	enum ui_role (*row_role)(struct ui *u, struct ui_screen *s, size_t row);
	/* False for rows that cannot be selected (group headers). */
	bool (*row_selectable)(struct ui *u, struct ui_screen *s, size_t row);
	/* Its focused text field, which takes typed keys first, or NULL. */
	struct ui_entry *(*entry)(struct ui *u, struct ui_screen *s);
	/* A mouse click outside its list (dialog buttons); returns UI_* flags. */
	int (*click)(struct ui *u, struct ui_screen *s, int y, int x);
	/* Called about once a second while it is the top screen (a view that
	 * follows a file); returns UI_* flags. */
	int (*tick)(struct ui *u, struct ui_screen *s);
	/* Data the operation it started posted (live samples); the screen
	 * takes what it needs, the framework frees data afterwards. */
	void (*data)(struct ui *u, struct ui_screen *s, void *data);
	/* Frees data. */
	void (*destroy)(struct ui_screen *s);
};

/* One screen on the stack. */
struct ui_screen {
	const struct ui_screen_ops *ops;
	struct ui *u;
	char title[128];          /* shown in the title line; ops->name when empty */
	struct list_view list;    /* its main list (count 0 when it has none) */
	struct ui_rect list_area; /* where that list was drawn, for the mouse */
	void *data;               /* its own state */
};

/* Incremental search in the top screen's list. */
struct ui_search {
	bool active;
	bool failed;
	struct ui_entry query;
	size_t origin;
	char last[UI_ENTRY_MAX];
};

/* Called on the console thread when a job ends. */
typedef void (*ui_job_done_fn)(struct ui *u, struct ui_job *job);

/* The running operation as the console shows it. */
struct ui_running {
	struct ui_job *job;
	ui_job_done_fn done;
	struct ui_screen *owner;  /* Esc there asks the job to stop */
	const char *busy_text;    /* said when it cannot be stopped */
	char step[256];
	int64_t started_ms;
	unsigned long log_start;  /* log lines before it started */
	bool cancel_requested;
	bool has_progress;        /* progress holds figures from the app */
	struct app_progress progress;
	char progress_step[128];  /* what progress.step points at */
};

/* The console. */
struct ui {
	const struct ui_options *opt;
	struct ui_config cfg;
	bool colours, ascii, mouse;
	const struct ui_glyphs *g;
	struct ui_screen *stack[UI_STACK_MAX];
	int depth;
	struct ui_worker *worker;
	struct app *app;           /* used by jobs only while one runs */
	struct ui_snapshot *snap;  /* what the screens show */
	struct ui_log log;
	struct ui_pending pending;
	struct ui_recent recent;
	struct ui_search search;
	struct ui_running run;
	char message[512];
	enum app_level level;
	bool dirty, quit, leaving, hup;
	int signal;
	int exit_code;
	struct error last_error;   /* of the last failed connection */
	struct ui_lines archives;  /* sessions packed so far */
	struct ui_lines terminal;  /* the terminal pane: typed lines and answers */
	unsigned long attempt_log; /* log lines before the last connection attempt */
	bool ever_connected;
	struct ui_bar_item bar[UI_BAR_MAX];
	size_t nbar;
	int cursor_y, cursor_x;    /* where a focused field wants the cursor */
	struct ui_screen *finished_owner; /* during a job's done: the screen that
					   * started it, NULL when it was closed */
	int64_t interrupt_ms;      /* when Ctrl-C last stopped an operation */
};

/* screen.c: the stack and the framework. */
/* Makes a screen of a kind with its data (freed by ops->destroy). */
struct ui_screen *ui_screen_new(struct ui *u, const struct ui_screen_ops *ops, void *data);
/* Puts a screen on top. */
void ui_push(struct ui *u, struct ui_screen *s);
/* Closes the top screen (never the root). */
void ui_pop(struct ui *u);
/* Closes every screen and makes s the root. */
void ui_set_root(struct ui *u, struct ui_screen *s);
/* The top screen. */
struct ui_screen *ui_top(const struct ui *u);
/* The topmost screen of a kind, or NULL. */
struct ui_screen *ui_find(const struct ui *u, const struct ui_screen_ops *ops);
/* Handles one key from the terminal. */
void ui_handle_key(struct ui *u, int key);
/* Applies an action to the top screen as if its key was pressed. */
void ui_run_action(struct ui *u, enum ui_action act, int key);
/* Tells every screen that the snapshot, log or pending changes changed. */
void ui_refresh_screens(struct ui *u);
/* Draws everything (nothing after a hang-up). */
void ui_draw(struct ui *u);
/* Starts leaving: a running job is asked to stop at a safe point first. */
void ui_request_quit(struct ui *u);

/* ui.c: messages. */
/* Adds a message to the log and the message line. */
void ui_say(struct ui *u, enum app_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* jobs.c: operations screens may start (one at a time). */
/* True while an operation runs. */
bool ui_busy(const struct ui *u);
/* Connects to port, scans, reads features. */
void ui_start_connect(struct ui *u, const char *port);
/* Reads the coding features again (scans first when the scan did not finish). */
void ui_start_reread(struct ui *u);
/* Writes the pending changes as one transaction. */
void ui_start_coding(struct ui *u);
/* Sends a line typed in the terminal pane. */
void ui_start_raw(struct ui *u, const char *line);
/* Handles one event from the worker. */
void ui_handle_event(struct ui *u, struct ui_event *ev);
/* Closes the app (packing its session) and makes a fresh one; false when
 * no app could be made. */
bool ui_app_renew(struct ui *u, bool make_new);
/* Frees a job that never reported back (NULL is fine). */
void ui_job_free(struct ui_job *job);
/* Esc while a job runs on its screen: stop it if that is safe, or say why not. */
void ui_cancel_job(struct ui *u);
/* Ctrl-C: stops the running operation where that is safe (a second one
 * within two seconds leaves); leaves at once when nothing runs. */
void ui_interrupt(struct ui *u);
/* Reads the fault codes of one module (index) or of all (-1). */
void ui_start_dtc_read(struct ui *u, int module);
/* Clears them after the app's confirmation, then reads them again. */
void ui_start_dtc_clear(struct ui *u, int module);
/* Reads which PIDs the engine supports (for the live screen). */
void ui_start_live_supported(struct ui *u);
/* Reads live values of pids until stopped; samples reach the screen that
 * started it through its data callback as struct ui_samples. False when
 * it could not start (said why). */
bool ui_start_live(struct ui *u, const uint8_t *pids, size_t n);
/* Pauses the running live job between samples, or lets it go on. */
void ui_live_pause(struct ui *u, bool paused);
/* Flashes an image with a procedure; ui_flash_finished gets the result. */
void ui_start_flash(struct ui *u, const char *procedure, const char *image);
/* Resumes the unfinished flash journaled in a session directory. */
void ui_start_flash_resume(struct ui *u, const char *session);
/* Packs a session into an archive of a format beside it. */
void ui_start_export(struct ui *u, const char *session, int format);
/* Unpacks a verified archive into a new session directory. */
void ui_start_import(struct ui *u, const char *archive);
/* Writes back the values backed up in a session (the coding confirmation). */
void ui_start_restore(struct ui *u, const char *session);

/* A batch of live samples posted by the live job (a few a second). */
#define UI_SAMPLES_MAX 256
struct ui_samples {
	size_t n;
	struct app_sample v[UI_SAMPLES_MAX]; /* names, labels and units are static */
	unsigned long extra;                 /* samples past v's room: counted, not kept */
	int64_t at_ms;                       /* when the first sample came */
};

/* The result of a flash or a resume, for the flash wizard. */
struct ui_flash_outcome {
	int rc;
	struct error err;
	struct app_flash_result res;
};

/* draw.c: widgets. */
/* Prints text clipped and padded to w columns with a role's look. */
void ui_put(struct ui *u, int y, int x, int w, enum ui_role role, const char *text);
/* Prints formatted text clipped and padded to w columns. */
void ui_putf(struct ui *u, int y, int x, int w, enum ui_role role, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A horizontal line of w columns. */
void ui_hline(struct ui *u, int y, int x, int w, enum ui_role role);
/* A framed box with a title on its top edge; the inside is cleared. */
void ui_frame(struct ui *u, struct ui_rect r, const char *title);
/* Draws the screen's list in area with its row callbacks. */
void ui_draw_list(struct ui *u, struct ui_screen *s, struct ui_rect area);
/* A text field; focused fields place the cursor. */
void ui_draw_entry(struct ui *u, int y, int x, int w, const char *label,
		   const struct ui_entry *en, bool focused);
/* A section header line ("Modules") with a rule after it. */
void ui_draw_header(struct ui *u, int y, int x, int w, const char *text);
/* The spinner frame for now (it turns with time, whatever wakes the loop). */
const char *ui_spinner(const struct ui *u);
/* A centred dialog with body text; returns its rectangle (extra rows for buttons). */
struct ui_rect ui_draw_dialog(struct ui *u, const char *title, const char *body, int extra_rows);
/* Where a dialog that scrolls its body is. */
struct ui_scroll {
	int top;      /* first body line shown (clamped when drawn) */
	int visible;  /* body lines shown */
	int total;    /* body lines in all */
};
/* A centred dialog whose body scrolls when it is taller than the screen
 * allows (a line below it says so); extra rows for buttons. */
struct ui_rect ui_draw_dialog_scroll(struct ui *u, const char *title, const char *body,
				     int extra_rows, struct ui_scroll *sc);
/* Applies a movement action to a scrolling dialog; true when it moved. */
bool ui_scroll_move(struct ui_scroll *sc, enum ui_action act);
/* The steps of the running or last operation (connect screen, vehicle screen). */
void ui_draw_steps(struct ui *u, struct ui_rect area, unsigned long since);
/* A progress bar of w columns: bar, percentage, bytes, throughput, ETA. */
void ui_draw_progress(struct ui *u, int y, int x, int w, const struct app_progress *p);

/* Screens (scr_*.c): constructors. */
struct ui_screen *ui_connect_screen(struct ui *u);
struct ui_screen *ui_vehicle_screen(struct ui *u);
struct ui_screen *ui_module_screen(struct ui *u, size_t module);
struct ui_screen *ui_coding_screen(struct ui *u);
struct ui_screen *ui_review_screen(struct ui *u);
struct ui_screen *ui_log_screen(struct ui *u, int view);
struct ui_screen *ui_help_screen(struct ui *u, const struct ui_screen *about);
/* A yes/no question; answer(u, yes, arg) is called once. */
struct ui_screen *ui_ask_screen(struct ui *u, const char *title, const char *body,
				bool default_yes, void (*answer)(struct ui *u, bool yes, void *arg),
				void *arg);
/* A one-line text question; answer(u, text, arg) is called once, with
 * NULL when the user closes it. */
struct ui_screen *ui_input_screen(struct ui *u, const char *title, const char *body,
				  const char *initial,
				  void (*answer)(struct ui *u, const char *text, void *arg), void *arg);
/* Checks the text typed in a one-line question: false refuses it, with
 * the reason (naming what is accepted) in why. */
typedef bool (*ui_input_check_fn)(struct ui *u, const char *text, void *arg, char *why, size_t n);
/* Gives a one-line question (made by ui_input_screen or ui_path_screen) a
 * check: while it fails, Enter shows why in the question, which stays open. */
void ui_input_set_check(struct ui_screen *s, ui_input_check_fn check);
/* True when s is a question whose answer goes to answer(). */
bool ui_ask_answers_to(const struct ui_screen *s, void (*answer)(struct ui *u, bool yes, void *arg));
/* A message that stays until a key is pressed. */
struct ui_screen *ui_tell_screen(struct ui *u, const char *title, const char *body);
/* A list of choices; choose(u, index, arg) is called once, with -1 when the
 * user closes it. */
struct ui_screen *ui_choice_screen(struct ui *u, const char *title, const char *body,
				   const char *const *choices, size_t n,
				   void (*choose)(struct ui *u, int index, void *arg), void *arg);
/* True when s is a choice list whose answer goes to choose(). */
bool ui_choice_answers_to(const struct ui_screen *s,
			  void (*choose)(struct ui *u, int index, void *arg));
/* A one-line question for a file path, with Tab completion. */
struct ui_screen *ui_path_screen(struct ui *u, const char *title, const char *body,
				 const char *initial,
				 void (*answer)(struct ui *u, const char *text, void *arg), void *arg);
/* A scrollable, searchable text (a session's details, events, transcript). */
struct ui_screen *ui_text_screen(struct ui *u, const char *title, struct ui_lines *lines);
/* Fault codes of one module (index) or of every module (-1). */
struct ui_screen *ui_dtc_screen(struct ui *u, int module);
/* Live data: PIDs to choose, then values with trends. */
struct ui_screen *ui_live_screen(struct ui *u);
/* The sessions kept on this machine. */
struct ui_screen *ui_sessions_screen(struct ui *u);
/* The flash wizard, its procedures those of a module (index) or all (-1). */
struct ui_screen *ui_flash_screen(struct ui *u, int module);
/* The flash wizard resuming the flash journaled in a session directory. */
struct ui_screen *ui_flash_resume_screen(struct ui *u, const struct app_flash_pending *p);

/* Results of operations for the screens that started them. */
/* scr_live.c: the PIDs the engine supports were read (n 0 on failure). */
void ui_live_supported(struct ui *u, struct ui_screen *s, const uint8_t *pids, size_t n);
/* scr_live.c: the live job ended. */
void ui_live_stopped(struct ui *u, struct ui_screen *s);
/* scr_flash.c: a flash or a resume ended. */
void ui_flash_finished(struct ui *u, struct ui_screen *s, const struct ui_flash_outcome *o);
/* scr_sessions.c: read the list again and select the session at path. */
void ui_sessions_reload(struct ui *u, struct ui_screen *s, const char *path);
/* scr_flash.c: offers to resume the unfinished flashes found at connect. */
void ui_offer_resume(struct ui *u, const struct app_flash_pending *p, size_t n);

/* scr_coding.c: feature rows shared by the coding and module screens. */
/* One feature as a row: mark, name, module, value, marked change or note. */
void ui_feature_row(struct ui *u, size_t fi, char *out, size_t n);
/* How a feature row looks. */
enum ui_role ui_feature_role(struct ui *u, size_t fi);
/* Marks or unmarks a feature to change; returns UI_* flags. */
int ui_feature_toggle(struct ui *u, size_t fi);

/* Kinds of screen, for ui_find and the tests. */
extern const struct ui_screen_ops ui_connect_ops, ui_vehicle_ops, ui_module_ops, ui_coding_ops,
	ui_review_ops, ui_log_ops, ui_help_ops, ui_ask_ops, ui_tell_ops, ui_input_ops,
	ui_choice_ops, ui_path_ops, ui_text_ops, ui_dtc_ops, ui_live_ops, ui_sessions_ops,
	ui_flash_ops;

/* Log screen views. */
enum { UI_LOG_MESSAGES, UI_LOG_TRAFFIC, UI_LOG_TERMINAL };

#endif
