/* jobs.h: private to the console's operations (jobs*.c): what one
 * operation carries between the console and the worker thread, and the
 * helpers that start and end one. */
#ifndef OBDCON_UI_JOBS_H
#define OBDCON_UI_JOBS_H

#include <limits.h>
#include <stdatomic.h>

#include "ui/console.h"

#define PENDING_FLASH_MAX 4
#define LIVE_POST_MS 100
#define LIVE_PAUSE_US 50000

/* Everything one operation needs, owned by the console until it ends. */
struct job_data {
	struct ui_job job;      /* first: the worker hands this back */
	struct app *app;
	struct ui_worker *worker;
	char port[UI_PORT_MAX];
	struct ui_pending pending;
	struct app_change changes[UI_PENDING_MAX];
	size_t nchanges;
	struct app_code_result res;
	char line[UI_ENTRY_MAX];
	char answer[4096];
	int module;               /* fault codes: a module index, or -1 for all */
	uint8_t pids[256];        /* live data: the PIDs read (or found supported) */
	size_t npids;
	atomic_bool paused;       /* live data: hold between samples */
	struct ui_samples *batch; /* live data: samples not yet posted */
	char path[PATH_MAX];      /* a session, an archive or an image */
	char procedure[64];
	int format;
	char result[PATH_MAX];    /* export, import: the path written */
	struct ui_flash_outcome flash;
	struct app_flash_pending resume[PENDING_FLASH_MAX];
	size_t nresume;           /* unfinished flashes found at connect */
	struct ui_snapshot *snap; /* taken when it ends */
};

/* Makes an operation's data (NULL, said, when out of memory). */
struct job_data *job_new(struct ui *u, const char *title, bool cancellable, ui_job_run_fn run);
/* Hands an operation to the worker; false (and freed) when it cannot start.
 * busy_text is said when the user asks to stop it where that is unsafe. */
bool job_start(struct ui *u, struct job_data *jd, ui_job_done_fn done, const char *busy_text);
/* Frees an operation's data. */
void job_free(struct job_data *jd);
/* Takes the snapshot at the end of a run (worker thread). */
void take_snapshot(struct job_data *jd);
/* Stops at a safe point when the user asked to: -ERR_CANCELLED "stopped WHERE". */
int check_cancel(struct job_data *jd, const char *where, struct error *e);
/* Replaces the console's snapshot with the one an operation took. */
void install_snapshot(struct ui *u, struct job_data *jd);
/* The screen of kind ops that started the job now ending, if still open. */
struct ui_screen *finished_screen(struct ui *u, const struct ui_screen_ops *ops);

#endif
