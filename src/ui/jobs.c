/* jobs.c: the operations that talk to the vehicle. Each has a run
 * function for the worker thread (app calls, then a snapshot) and a done
 * function for the console thread (install the snapshot, update screens,
 * say the result). The console never calls the app while one runs. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/console.h"
#include "ui/jobs.h"
#include "util/clock.h"

#define INTERRUPT_AGAIN_MS 2000

/* Frees an operation's data. */
void job_free(struct job_data *jd)
{
	if (jd == NULL)
		return;
	free(jd->snap);
	free(jd->batch);
	free(jd);
}

/* Frees a job that never reported back. */
void ui_job_free(struct ui_job *job)
{
	job_free((struct job_data *)job);
}

/* Takes the snapshot at the end of a run (worker thread). */
void take_snapshot(struct job_data *jd)
{
	jd->snap = malloc(sizeof *jd->snap);
	if (jd->snap)
		ui_snapshot_take(jd->snap, jd->app);
}

/* Stops at a safe point when the user asked to. */
int check_cancel(struct job_data *jd, const char *where, struct error *e)
{
	if (!app_cancelled(jd->app))
		return 0;
	return error_set(e, ERR_CANCELLED, "stopped %s", where);
}

/* Worker: the fault codes of every module, and the unfinished flashes of
 * this vehicle in earlier sessions (the end of a connection). */
static int after_connect(struct job_data *jd, struct error *e)
{
	struct error ignored;
	int rc = check_cancel(jd, "after reading the coding, before the fault codes", e);

	if (rc < 0)
		return rc;
	error_clear(&ignored);
	app_read_dtcs(jd->app, -1, &ignored); /* a module that fails says so itself */
	jd->nresume = app_flash_pending(jd->app, jd->resume, PENDING_FLASH_MAX);
	return 0;
}

/* Worker: connect, scan, read features and fault codes. */
static int run_connect(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc;

	if ((rc = app_connect(jd->app, jd->port, e)) == 0 &&
	    (rc = check_cancel(jd, "after connecting, before the scan", e)) == 0 &&
	    (rc = app_scan(jd->app, e)) == 0 &&
	    (rc = check_cancel(jd, "after the scan, before reading the coding", e)) == 0 &&
	    (rc = app_read_features(jd->app, e)) == 0)
		rc = after_connect(jd, e);
	take_snapshot(jd);
	return rc;
}

/* Worker: scan when needed, then read the features again. */
static int run_reread(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = 0;

	if (app_vin(jd->app)[0] == 0)
		rc = app_scan(jd->app, e);
	if (rc == 0)
		rc = check_cancel(jd, "after the scan, before reading the coding", e);
	if (rc == 0)
		rc = app_read_features(jd->app, e);
	take_snapshot(jd);
	return rc;
}

/* Worker: the coding transaction. */
static int run_code(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_code(jd->app, jd->changes, jd->nchanges, &jd->res, e);

	take_snapshot(jd);
	return rc;
}

/* Worker: one line typed in the terminal pane. */
static int run_raw(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;

	return app_raw_command(jd->app, jd->line, jd->answer, sizeof jd->answer, e);
}

/* True while an operation runs. */
bool ui_busy(const struct ui *u)
{
	return u->run.job != NULL;
}

/* Makes an operation's data. */
struct job_data *job_new(struct ui *u, const char *title, bool cancellable, ui_job_run_fn run)
{
	struct job_data *jd = calloc(1, sizeof *jd);

	if (jd == NULL) {
		ui_say(u, APP_ERROR, "out of memory");
		return NULL;
	}
	jd->job.title = title;
	jd->job.cancellable = cancellable;
	jd->job.run = run;
	jd->job.arg = jd;
	jd->app = u->app;
	jd->worker = u->worker;
	jd->module = -1;
	atomic_init(&jd->paused, false);
	return jd;
}

/* The screen an operation belongs to: the top one below any dialog (a
 * question whose answer starts it closes right after). */
static struct ui_screen *owner_screen(const struct ui *u)
{
	int i = u->depth - 1;

	while (i > 0 && u->stack[i]->ops->overlay)
		i--;
	return i >= 0 ? u->stack[i] : NULL;
}

/* Hands an operation to the worker; false (and freed) when it cannot start. */
bool job_start(struct ui *u, struct job_data *jd, ui_job_done_fn done, const char *busy_text)
{
	struct error e;

	if (jd == NULL)
		return false;
	error_clear(&e);
	if (u->app && !ui_busy(u))
		app_request_cancel(u->app, false); /* before the worker can look at it */
	if (u->app == NULL || ui_busy(u) || ui_worker_submit(u->worker, &jd->job, &e) < 0) {
		ui_say(u, APP_WARNING, "%s", u->app == NULL ? "not connected"
					    : ui_busy(u) ? "wait: another operation is running"
							 : e.text);
		job_free(jd);
		return false;
	}
	memset(&u->run, 0, sizeof u->run);
	u->run.job = &jd->job;
	u->run.done = done;
	u->run.owner = owner_screen(u);
	u->run.busy_text = busy_text;
	u->run.started_ms = clock_ms();
	u->run.log_start = u->log.total;
	snprintf(u->run.step, sizeof u->run.step, "%s", jd->job.title);
	u->dirty = true;
	return true;
}

/* The screen that started the job now ending, if it is still open. */
struct ui_screen *finished_screen(struct ui *u, const struct ui_screen_ops *ops)
{
	struct ui_screen *s = u->finished_owner;

	return s && s->ops == ops ? s : NULL;
}

/* Replaces the snapshot with the one an operation took. */
void install_snapshot(struct ui *u, struct job_data *jd)
{
	if (jd->snap == NULL)
		return;
	free(u->snap);
	u->snap = jd->snap;
	jd->snap = NULL;
	ui_pending_prune(&u->pending, u->snap);
	ui_refresh_screens(u);
}

/* Adds the port to the recent list and saves it. */
static void remember_port(struct ui *u, const char *port)
{
	char path[4096];
	struct error e;

	ui_recent_add(&u->recent, port);
	error_clear(&e);
	if (ui_recent_path(path, sizeof path) == 0 && ui_recent_save(path, &u->recent, &e) < 0)
		ui_say(u, APP_WARNING, "cannot save the recent ports: %s", e.text);
}

/* Closes the app (packing its session) and makes a fresh one. */
bool ui_app_renew(struct ui *u, bool make_new)
{
	struct app_options aopt = { .pack_on_close = u->opt->pack_on_close,
				    .fixed_baud = u->opt->fixed_baud };
	struct app_hooks hooks;
	char archive[PATH_MAX];
	struct error e;

	error_clear(&e);
	if (u->app) {
		if (app_close(u->app, archive, sizeof archive, &e) < 0)
			ui_say(u, APP_WARNING, "closing the session: %s", e.text);
		else if (archive[0])
			ui_lines_add(&u->archives, archive);
		u->app = NULL;
	}
	if (!make_new)
		return true;
	hooks = ui_worker_hooks(u->worker);
	if (app_new(&aopt, &hooks, &u->app, &e) < 0) {
		ui_say(u, APP_ERROR, "cannot start: %s", e.text);
		return false;
	}
	return true;
}

/* Console: a connection attempt ended. */
static void connect_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	bool connected = jd->snap && jd->snap->connected;

	install_snapshot(u, jd);
	if (job->rc == 0 || (job->err.kind == ERR_CANCELLED && connected)) {
		u->ever_connected = true;
		remember_port(u, jd->port);
		if (job->rc == 0)
			ui_say(u, APP_INFO, "connected: %zu modules, %zu coding features; Enter opens "
				    "a module, F4 the coding", u->snap->nmodules, u->snap->nfeatures);
		else
			ui_say(u, APP_WARNING, "%s; F5 reads again", job->err.text);
		if (u->depth > 0 && u->stack[0]->ops != &ui_vehicle_ops)
			ui_set_root(u, ui_vehicle_screen(u));
		if (jd->nresume && !u->leaving)
			ui_offer_resume(u, jd->resume, jd->nresume);
		return;
	}
	u->last_error = job->err;
	ui_say(u, APP_ERROR, "%s", job->err.text);
	ui_app_renew(u, !u->leaving); /* packs the failed attempt's session */
	if (!u->leaving && u->depth > 0 && u->stack[0]->ops != &ui_connect_ops) {
		ui_set_root(u, ui_connect_screen(u));
		ui_push(u, ui_tell_screen(u, "Cannot connect", job->err.text));
	}
}

/* Connects to port, scans, reads features. */
void ui_start_connect(struct ui *u, const char *port)
{
	struct job_data *jd;

	if (u->app == NULL && !ui_app_renew(u, true))
		return;
	if (u->snap->connected) {
		ui_say(u, APP_WARNING, "already connected to %s", u->snap->port);
		return;
	}
	jd = job_new(u, "connecting", true, run_connect);
	if (jd == NULL)
		return;
	snprintf(jd->port, sizeof jd->port, "%s", port);
	snprintf(u->snap->port, sizeof u->snap->port, "%s", port);
	if (job_start(u, jd, connect_done, "connecting: the adapter is being probed, wait a moment")) {
		snprintf(u->run.step, sizeof u->run.step, "connecting to %s", port);
		u->attempt_log = u->run.log_start;
	}
}

/* Console: the features were read again. */
static void reread_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;

	install_snapshot(u, jd);
	if (job->rc == 0)
		ui_say(u, APP_INFO, "coding features read again: %zu", u->snap->nfeatures);
	else
		ui_say(u, job->err.kind == ERR_CANCELLED ? APP_WARNING : APP_ERROR, "%s",
		       job->err.text);
}

/* Reads the coding features again. */
void ui_start_reread(struct ui *u)
{
	if (!u->snap->connected) {
		ui_say(u, APP_WARNING, "not connected");
		return;
	}
	job_start(u, job_new(u, "reading the coding features", true, run_reread), reread_done,
		  "reading: wait a moment");
}

/* The per-module result of a coding transaction that worked. */
static void coding_result(struct ui *u, const struct job_data *jd, char *out, size_t n)
{
	size_t i, used = 0;
	int w;

	w = snprintf(out, n, "%s\n\n", jd->res.summary);
	used = w > 0 && (size_t)w < n ? (size_t)w : 0;
	for (i = 0; i < jd->pending.n; i++) {
		int fi = ui_snapshot_feature(u->snap, jd->pending.items[i].id);
		const struct ui_feature *f = fi >= 0 ? &u->snap->features[fi] : NULL;
		const struct app_module *m = f ? &u->snap->modules[f->module] : NULL;
		if (f == NULL || used + 1 >= n)
			continue;
		w = snprintf(out + used, n - used, "%s %s  (%s %s): now %s\n",
			     f->kind != APP_FEATURE_BIT ? "[=]" : f->value ? "[x]" : "[ ]", f->name,
			     m->id, m->name, ui_feature_value_text(f));
		used = w > 0 && used + (size_t)w < n ? used + (size_t)w : n - 1;
	}
	if (used + 1 < n)
		snprintf(out + used, n - used, "\nThe values before are backed up in the session.");
}

/* Console: the coding transaction ended. */
static void code_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char body[4096];

	install_snapshot(u, jd);
	if (job->rc == 0) {
		ui_pending_remove(&u->pending, &jd->pending);
		ui_refresh_screens(u);
		coding_result(u, jd, body, sizeof body);
		ui_say(u, APP_INFO, "coding done: %s", jd->res.summary);
		if (ui_top(u)->ops == &ui_review_ops)
			ui_pop(u);
		ui_push(u, ui_tell_screen(u, "Coding done", body));
	} else if (job->err.kind == ERR_REFUSED || job->err.kind == ERR_CANCELLED) {
		ui_say(u, APP_INFO, "%s", job->err.text);
	} else if (job->err.kind == ERR_ARG || job->err.kind == ERR_UNSUPPORTED) {
		snprintf(body, sizeof body, "%s\n\nNothing was written. Change the marked value and "
			 "try again.", job->err.text);
		ui_say(u, APP_WARNING, "%s", job->err.text);
		ui_push(u, ui_tell_screen(u, "Cannot write", body));
	} else {
		snprintf(body, sizeof body, "%s\n\nEvery step is in the log (F8).", job->err.text);
		ui_say(u, APP_ERROR, "coding failed: %s", job->err.text);
		ui_push(u, ui_tell_screen(u, "Coding failed", body));
	}
}

/* Writes the pending changes as one transaction. */
void ui_start_coding(struct ui *u)
{
	struct job_data *jd;

	if (u->pending.n == 0) {
		ui_say(u, APP_INFO, "nothing to write: mark features with Space first");
		return;
	}
	jd = job_new(u, "coding", true, run_code);
	if (jd == NULL)
		return;
	jd->pending = u->pending;
	jd->nchanges = ui_pending_changes(&jd->pending, jd->changes, UI_PENDING_MAX);
	job_start(u, jd, code_done, "writing: cannot be interrupted safely, wait a moment");
}

/* Adds an answer to the terminal pane, one line per line of the answer. */
static void terminal_add(struct ui *u, const char *text)
{
	char line[1024];
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\r\n");
		if (len == 1 && *p == '>' && p[1] == 0)
			break; /* the adapter's prompt */
		if (len > 0) {
			snprintf(line, sizeof line, "%.*s", (int)len, p);
			ui_lines_add(&u->terminal, line);
		}
		p += len;
		while (*p == '\r' || *p == '\n')
			p++;
	}
}

/* Console: a typed command was answered. */
static void raw_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char line[600];

	if (job->rc == 0) {
		terminal_add(u, jd->answer[0] ? jd->answer : "(no answer)");
	} else {
		snprintf(line, sizeof line, "error: %s", job->err.text);
		ui_lines_add(&u->terminal, line);
	}
	ui_refresh_screens(u);
}

/* Sends a line typed in the terminal pane. */
void ui_start_raw(struct ui *u, const char *line)
{
	struct job_data *jd;
	char echo[UI_ENTRY_MAX + 4];

	if (!u->snap->connected) {
		ui_say(u, APP_WARNING, "not connected");
		return;
	}
	jd = job_new(u, "waiting for the adapter", false, run_raw);
	if (jd == NULL)
		return;
	snprintf(jd->line, sizeof jd->line, "%s", line);
	if (job_start(u, jd, raw_done, "waiting for the adapter's answer")) {
		snprintf(echo, sizeof echo, "> %s", line);
		ui_lines_add(&u->terminal, echo);
		ui_refresh_screens(u);
	}
}

/* Answer of a confirmation dialog: to the worker. */
static void confirm_answer(struct ui *u, bool yes, void *arg)
{
	(void)arg;
	if (yes)
		ui_worker_set_cancellable(u->worker, false);
	ui_worker_answer(u->worker, yes);
}

/* Esc while a job runs on its screen. */
void ui_cancel_job(struct ui *u)
{
	if (!ui_busy(u))
		return;
	if (!ui_worker_cancellable(u->worker)) {
		ui_say(u, APP_WARNING, "%s", u->run.busy_text ? u->run.busy_text : "wait a moment");
		return;
	}
	u->run.cancel_requested = true;
	app_request_cancel(u->app, true);
	ui_say(u, APP_WARNING, "stopping %s at the next safe point...", u->run.job->title);
}

/* Ctrl-C: stops the running operation where that is safe; a second one
 * soon after leaves. */
void ui_interrupt(struct ui *u)
{
	int64_t now = clock_ms();

	if (!ui_busy(u) || u->leaving ||
	    (u->interrupt_ms && now - u->interrupt_ms < INTERRUPT_AGAIN_MS)) {
		ui_request_quit(u);
		return;
	}
	u->interrupt_ms = now;
	if (!ui_worker_cancellable(u->worker)) {
		ui_say(u, APP_WARNING, "%s (Ctrl-C again leaves when it is done)",
		       u->run.busy_text ? u->run.busy_text : "wait a moment");
		return;
	}
	u->run.cancel_requested = true;
	app_request_cancel(u->app, true);
	ui_say(u, APP_WARNING, "stopping %s at the next safe point (Ctrl-C again leaves)",
	       u->run.job->title);
}

/* Answer of a script's question: to the worker. */
static void choice_answer(struct ui *u, int index, void *arg)
{
	(void)arg;
	ui_worker_choose(u->worker, index);
}

/* Closes the operation's open questions (each answers No as it closes). */
static void close_questions(struct ui *u)
{
	while (u->depth > 1 && (ui_ask_answers_to(ui_top(u), confirm_answer) ||
				ui_choice_answers_to(ui_top(u), choice_answer)))
		ui_pop(u);
}

/* Starts leaving: a running job is asked to stop at a safe point first. */
void ui_request_quit(struct ui *u)
{
	if (!ui_busy(u)) {
		u->quit = true;
		return;
	}
	if (!u->leaving) {
		u->leaving = true;
		ui_worker_refuse_questions(u->worker);
		close_questions(u);
	}
	if (ui_worker_cancellable(u->worker)) {
		u->run.cancel_requested = true;
		app_request_cancel(u->app, true);
		ui_say(u, APP_WARNING, "leaving when %s reaches a safe point...", u->run.job->title);
	} else {
		ui_say(u, APP_WARNING, "%s; leaving after that", u->run.busy_text);
	}
}

/* A job's message: to the log, the message line and the step text; a
 * message of another step ends the progress bar of the last one. */
static void event_message(struct ui *u, const struct ui_event *ev)
{
	const char *text = ev->text ? ev->text : "";
	size_t len = strlen(u->run.progress_step);

	if (u->run.has_progress && (len == 0 || strncmp(text, u->run.progress_step, len) != 0))
		u->run.has_progress = false;

	ui_say(u, ev->level, "%s", text);
	if (ui_busy(u))
		snprintf(u->run.step, sizeof u->run.step, "%.*s", (int)strcspn(text, "\n"), text);
}

/* A job's question: a dialog, or No at once when leaving or stopping. */
static void event_confirm(struct ui *u, const struct ui_event *ev)
{
	u->run.has_progress = false; /* the figures were of a step before the question */
	if (u->leaving || u->run.cancel_requested) {
		ui_worker_answer(u->worker, false);
		return;
	}
	ui_push(u, ui_ask_screen(u, ev->title ? ev->title : "Confirm", ev->text ? ev->text : "",
				 false, confirm_answer, NULL));
}

/* A script's question with choices: a list, or cancel at once when
 * leaving or stopping. */
static void event_ask(struct ui *u, const struct ui_event *ev)
{
	if (u->leaving || u->run.cancel_requested) {
		ui_worker_choose(u->worker, -1);
		return;
	}
	ui_push(u, ui_choice_screen(u, "The brand script asks", ev->title ? ev->title : "",
				    (const char *const *)ev->choices, ev->nchoices, choice_answer,
				    NULL));
}

/* Progress figures of the running operation (a download). */
static void event_progress(struct ui *u, const struct ui_event *ev)
{
	if (!ui_busy(u))
		return;
	u->run.progress = ev->progress;
	snprintf(u->run.progress_step, sizeof u->run.progress_step, "%s",
		 ev->progress.step ? ev->progress.step : "");
	u->run.progress.step = u->run.progress_step;
	u->run.has_progress = true;
}

/* Data the running operation posted: to the screen that started it. */
static void event_data(struct ui *u, const struct ui_event *ev)
{
	struct ui_screen *s = u->run.owner;

	if (ui_busy(u) && s && s->ops->data)
		s->ops->data(u, s, ev->data);
}

/* The running operation ended: its done function, then its data freed. */
static void event_done(struct ui *u, struct ui_job *job)
{
	ui_job_done_fn done = u->run.done;
	struct ui_screen *owner = u->run.owner;

	close_questions(u);
	memset(&u->run, 0, sizeof u->run);
	u->finished_owner = owner;
	if (done)
		done(u, job);
	u->finished_owner = NULL;
	job_free((struct job_data *)job);
}

/* Handles one event from the worker. */
void ui_handle_event(struct ui *u, struct ui_event *ev)
{
	switch (ev->kind) {
	case UI_EV_MESSAGE: event_message(u, ev); break;
	case UI_EV_CONFIRM: event_confirm(u, ev); break;
	case UI_EV_ASK: event_ask(u, ev); break;
	case UI_EV_PROGRESS: event_progress(u, ev); break;
	case UI_EV_DATA: event_data(u, ev); break;
	case UI_EV_DONE: event_done(u, ev->job); break;
	}
	u->dirty = true;
}
