/* jobs_flash.c: the console's operations on software and sessions:
 * flashing an image, resuming an interrupted flash, and exporting,
 * importing and restoring sessions. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/store.h"
#include "ui/jobs.h"

/* What Esc says once a flash is past its confirmation. */
#define FLASH_BUSY "cancelling now would leave the module without software; the flash continues"

/* Worker: a flash from the checks to the identification afterwards. */
static int run_flash(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_flash(jd->app, jd->procedure, jd->path, &jd->flash.res, e);

	take_snapshot(jd);
	return rc;
}

/* Worker: the rest of an interrupted flash. */
static int run_resume(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_flash_resume(jd->app, jd->path, &jd->flash.res, e);

	take_snapshot(jd);
	return rc;
}

/* Console: a flash or resume ended: the wizard shows the result. */
static void flash_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	struct ui_screen *s = finished_screen(u, &ui_flash_ops);

	install_snapshot(u, jd);
	jd->flash.rc = job->rc;
	jd->flash.err = job->err;
	if (job->rc == 0)
		ui_say(u, APP_INFO, "flash done: %s", jd->flash.res.summary);
	else
		ui_say(u, job->err.kind == ERR_REFUSED ? APP_WARNING : APP_ERROR, "flash: %s",
		       job->err.text);
	if (s)
		ui_flash_finished(u, s, &jd->flash);
	else if (job->rc < 0)
		ui_push(u, ui_tell_screen(u, "Flash", job->err.text));
}

/* Starts a flash job of either kind. */
static void start_flash(struct ui *u, ui_job_run_fn run, const char *procedure, const char *path)
{
	struct job_data *jd;

	if (!u->snap->scanned) {
		ui_say(u, APP_WARNING, "not connected");
		return;
	}
	jd = job_new(u, procedure ? "flash" : "resuming the flash", true, run);
	if (jd == NULL)
		return;
	snprintf(jd->procedure, sizeof jd->procedure, "%s", procedure ? procedure : "");
	snprintf(jd->path, sizeof jd->path, "%s", path);
	job_start(u, jd, flash_done, FLASH_BUSY);
}

/* Flashes an image with a procedure. */
void ui_start_flash(struct ui *u, const char *procedure, const char *image)
{
	start_flash(u, run_flash, procedure, image);
}

/* Resumes the unfinished flash journaled in a session directory. */
void ui_start_flash_resume(struct ui *u, const char *session)
{
	start_flash(u, run_resume, NULL, session);
}

/* Worker: packs a session. */
static int run_export(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;

	return session_export(NULL, jd->path, (enum session_format)jd->format, NULL, jd->result,
			      sizeof jd->result, e);
}

/* Console: the export ended. */
static void export_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char body[PATH_MAX + 200];
	struct ui_screen *s = finished_screen(u, &ui_sessions_ops);

	if (job->rc < 0) {
		ui_say(u, APP_ERROR, "export: %s", job->err.text);
		ui_push(u, ui_tell_screen(u, "Export failed", job->err.text));
		return;
	}
	ui_say(u, APP_INFO, "exported to %s", jd->result);
	if (s)
		ui_sessions_reload(u, s, NULL);
	snprintf(body, sizeof body, "The session is packed into\n%s\n\nStandard tar and unzip "
		 "read it; obdcon import unpacks it\non another machine.", jd->result);
	ui_push(u, ui_tell_screen(u, "Exported", body));
}

/* Packs a session into an archive of a format beside it. */
void ui_start_export(struct ui *u, const char *session, int format)
{
	struct job_data *jd = job_new(u, "exporting the session", true, run_export);

	if (jd == NULL)
		return;
	snprintf(jd->path, sizeof jd->path, "%s", session);
	jd->format = format;
	job_start(u, jd, export_done, "packing: wait a moment");
}

/* Worker: unpacks and verifies an archive. */
static int run_import(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;

	return session_import(jd->path, NULL, jd->result, sizeof jd->result, e);
}

/* Console: the import ended. */
static void import_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	struct ui_screen *s = finished_screen(u, &ui_sessions_ops);

	if (job->rc < 0) {
		ui_say(u, APP_ERROR, "import: %s", job->err.text);
		ui_push(u, ui_tell_screen(u, "Import refused", job->err.text));
		return;
	}
	ui_say(u, APP_INFO, "imported into %s (every file checked against the manifest)",
	       jd->result);
	if (s)
		ui_sessions_reload(u, s, jd->result);
}

/* Unpacks a verified archive into a new session directory. */
void ui_start_import(struct ui *u, const char *archive)
{
	struct job_data *jd = job_new(u, "importing", true, run_import);

	if (jd == NULL)
		return;
	snprintf(jd->path, sizeof jd->path, "%s", archive);
	job_start(u, jd, import_done, "unpacking: wait a moment");
}

/* Worker: writes a session's backups back. */
static int run_restore(struct ui_job *job, struct error *e)
{
	struct job_data *jd = (struct job_data *)job;
	int rc = app_restore(jd->app, jd->path, &jd->res, e);
	struct error re;

	/* the restore verified its writes; this only refreshes the coding screen */
	if (rc == 0)
		(void)app_read_features(jd->app, &re);
	take_snapshot(jd);
	return rc;
}

/* Console: the restore ended. */
static void restore_done(struct ui *u, struct ui_job *job)
{
	struct job_data *jd = (struct job_data *)job;
	char body[1024];

	install_snapshot(u, jd);
	if (job->rc == 0) {
		ui_say(u, APP_INFO, "restore: %s", jd->res.summary);
		snprintf(body, sizeof body, "%s\n\nThe values before the restore are backed up in "
			 "this session.", jd->res.summary);
		ui_push(u, ui_tell_screen(u, "Restored", body));
	} else if (job->err.kind == ERR_REFUSED || job->err.kind == ERR_CANCELLED) {
		ui_say(u, APP_INFO, "%s", job->err.text);
	} else {
		ui_say(u, APP_ERROR, "restore: %s", job->err.text);
		ui_push(u, ui_tell_screen(u, "Restore failed", job->err.text));
	}
}

/* Writes back the values backed up in a session. */
void ui_start_restore(struct ui *u, const char *session)
{
	struct job_data *jd;

	if (!u->snap->scanned) {
		ui_say(u, APP_WARNING, "connect to the vehicle first: restore writes to it");
		return;
	}
	jd = job_new(u, "restoring", true, run_restore);
	if (jd == NULL)
		return;
	snprintf(jd->path, sizeof jd->path, "%s", session);
	job_start(u, jd, restore_done, "writing: cannot be interrupted safely, wait a moment");
}
