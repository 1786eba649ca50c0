/* jobs_diag.c: the console's diagnostic operations: reading and clearing
 * fault codes, finding the PIDs the engine supports, and live data that
 * runs until the user stops it, its samples posted to the live screen in
 * batches a few times a second. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/jobs.h"
#include "util/clock.h"

/* Worker: reads the fault codes. */
static int run_dtc_read(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_read_dtcs(jd->app, jd->module, e);

	take_snapshot(jd);
	return rc;
}

/* Worker: clears the fault codes (the app asks first), then reads them again. */
static int run_dtc_clear(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_clear_dtcs(jd->app, jd->module, e);

	take_snapshot(jd);
	return rc;
}

/* The number of fault codes now, in words, for a message. */
static void count_text(const struct ui *u, int module, char *out, size_t n)
{
	bool read;
	size_t count = ui_snapshot_dtc_count(u->snap, module, &read);

	if (module >= 0 && (size_t)module < u->snap->nmodules)
		snprintf(out, n, "%s %s: %zu fault code%s", u->snap->modules[module].id,
			 u->snap->modules[module].name, count, count == 1 ? "" : "s");
	else
		snprintf(out, n, "%zu fault code%s in all modules", count, count == 1 ? "" : "s");
}

/* Console: the fault codes were read. */
static void dtc_read_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char text[256];

	install_snapshot(u, jd);
	if (job->rc < 0) {
		ui_say(u, APP_ERROR, "reading fault codes: %s", job->err.text);
		return;
	}
	count_text(u, jd->module, text, sizeof text);
	ui_say(u, APP_INFO, "%s", text);
}

/* Console: the clear ended (or was refused). */
static void dtc_clear_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char text[256], body[512];

	install_snapshot(u, jd);
	if (job->rc < 0) {
		ui_say(u, job->err.kind == ERR_REFUSED ? APP_INFO : APP_ERROR, "%s", job->err.text);
		return;
	}
	count_text(u, jd->module, text, sizeof text);
	ui_say(u, APP_INFO, "cleared and read again: %s", text);
	snprintf(body, sizeof body, "The fault codes were cleared and read again.\n\nNow: %s.\n"
		 "A fault that is still present sets its code again.\nThe codes from before are in "
		 "this session's events.", text);
	ui_push(u, ui_tell_screen(u, "Fault codes cleared", body));
}

/* Starts a fault-code job for a module or all. */
static void start_dtc(struct ui *u, int module, bool clear)
{
	struct job_data *jd;

	if (!u->snap->scanned) {
		ui_say(u, APP_WARNING, "not connected");
		return;
	}
	jd = job_new(u, clear ? "clearing fault codes" : "reading fault codes", true,
		     clear ? run_dtc_clear : run_dtc_read);
	if (jd == NULL)
		return;
	jd->module = module;
	job_start(u, jd, clear ? dtc_clear_done : dtc_read_done,
		  "clearing: the modules are being told, wait a moment");
}

/* Reads the fault codes of one module (index) or of all (-1). */
void ui_start_dtc_read(struct ui *u, int module)
{
	start_dtc(u, module, false);
}

/* Clears them after the app's confirmation, then reads them again. */
void ui_start_dtc_clear(struct ui *u, int module)
{
	start_dtc(u, module, true);
}

/* Worker: which PIDs the engine supports. */
static int run_supported(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;

	return app_live_supported(jd->app, jd->pids, sizeof jd->pids, &jd->npids, e);
}

/* Console: the supported PIDs are known. */
static void supported_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	struct ui_screen *s = finished_screen(u, &ui_live_ops);

	if (job->rc < 0)
		ui_say(u, APP_WARNING, "%s; every standard PID is offered", job->err.text);
	else
		ui_say(u, APP_INFO, "the engine supports %zu of the standard values", jd->npids);
	if (s)
		ui_live_supported(u, s, jd->pids, job->rc < 0 ? 0 : jd->npids);
}

/* Reads which PIDs the engine supports (for the live screen). */
void ui_start_live_supported(struct ui *u)
{
	if (!u->snap->scanned) {
		ui_say(u, APP_WARNING, "not connected");
		return;
	}
	job_start(u, job_new(u, "reading the supported PIDs", true, run_supported),
		  supported_done, "wait a moment");
}

/* Posts the samples gathered so far to the console (worker thread). */
static void post_batch(struct job_data *jd)
{
	struct ui_samples *b = jd->batch;

	if (b == NULL || b->n == 0)
		return;
	jd->batch = NULL;
	ui_worker_post(jd->worker, b, free);
}

/* Live callback: gathers a sample, posts the batch every LIVE_POST_MS
 * (a fast link fills it: the rest are counted only), and holds here while
 * paused (the request loop waits with it). */
static void live_sample(void *arg, const struct app_sample *sm)
{
	struct job_data *jd = arg;

	if (jd->batch == NULL) {
		if ((jd->batch = calloc(1, sizeof *jd->batch)) == NULL)
			return;
		jd->batch->at_ms = clock_ms();
	}
	if (jd->batch->n < UI_SAMPLES_MAX)
		jd->batch->v[jd->batch->n++] = *sm;
	else
		jd->batch->extra++;
	if (clock_ms() - jd->batch->at_ms >= LIVE_POST_MS)
		post_batch(jd);
	while (atomic_load(&jd->paused) && !app_cancelled(jd->app)) {
		post_batch(jd);
		clock_sleep_us(LIVE_PAUSE_US);
	}
}

/* Worker: live values until the user stops them. */
static int run_live(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_live(jd->app, jd->pids, jd->npids, UINT_MAX, true, live_sample, jd, NULL, e);

	post_batch(jd);
	if (rc < 0)
		take_snapshot(jd); /* a lost link shows on the status line */
	return rc;
}

/* Console: the live values stopped. */
static void live_done(struct ui *u, struct ui_job *job)
{
	struct ui_screen *s = finished_screen(u, &ui_live_ops);

	install_snapshot(u, (struct job_data *)job);
	if (job->rc < 0)
		ui_say(u, APP_ERROR, "%s", job->err.text);
	else
		ui_say(u, APP_INFO, "live data stopped");
	if (s)
		ui_live_stopped(u, s);
}

/* Reads live values until stopped. */
bool ui_start_live(struct ui *u, const uint8_t *pids, size_t n)
{
	struct job_data *jd;

	if (!u->snap->scanned || n == 0) {
		ui_say(u, APP_WARNING, n ? "not connected" : "choose at least one value first");
		return false;
	}
	jd = job_new(u, "live data", true, run_live);
	if (jd == NULL)
		return false;
	jd->npids = n < sizeof jd->pids ? n : sizeof jd->pids;
	memcpy(jd->pids, pids, jd->npids);
	if (!job_start(u, jd, live_done, "wait a moment"))
		return false;
	snprintf(u->run.step, sizeof u->run.step, "live data (p pauses)");
	return true;
}

/* Pauses the running live job between samples, or lets it go on. */
void ui_live_pause(struct ui *u, bool paused)
{
	struct job_data *jd = (struct job_data *)u->run.job;

	if (jd && jd->job.run == run_live)
		atomic_store(&jd->paused, paused);
}
