/* restore.c: undo: the values backed up in an earlier session (directory or
 * archive) written back through the same transaction as coding, after the
 * VIN and every module's identification were checked against the session. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "session/store.h"

/* Compares two identification strings (NULL and "" are the same). */
static bool same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The manifest's module with this id, or NULL. */
static const struct session_module *manifest_module(const struct session_manifest *m,
						    const char *id)
{
	size_t i;

	for (i = 0; i < m->nmodules; i++)
		if (same_text(m->modules[i].id, id))
			return &m->modules[i];
	return NULL;
}

/* Refuses a module that is absent or not the one that was backed up. */
static int check_module(struct app *a, const struct session_manifest *man,
			const struct session_record *b, int *mi, struct error *e)
{
	const struct session_module *then = manifest_module(man, b->module);
	const struct app_module *now;

	*mi = app_find_module(a, b->module);
	if (*mi < 0 || !a->modules[*mi].present)
		return error_set(e, ERR_REFUSED, "module %s of the session does not answer on this car",
				 b->module);
	now = &a->modules[*mi];
	if (now->tx != b->tx || now->rx != b->rx)
		return error_set(e, ERR_REFUSED, "module %s has other CAN IDs than in the session",
				 b->module);
	if (then == NULL)
		return error_set(e, ERR_REFUSED, "the session does not identify module %s",
				 b->module);
	if (!same_text(then->part, now->part) || !same_text(then->sw, now->sw) ||
	    !same_text(then->hw, now->hw))
		return error_set(e, ERR_REFUSED,
				 "module %s is not the one backed up (session: part %s sw %s hw %s; "
				 "now: part %s sw %s hw %s)",
				 b->module, then->part ? then->part : "-", then->sw ? then->sw : "-",
				 then->hw ? then->hw : "-", now->part, now->sw, now->hw);
	return 0;
}

/* Adds one backed-up value to the plan, on top of the value read now. */
static int plan_backup_record(struct app *a, struct app_plan *p,
			      const struct session_manifest *man, const struct session_record *b,
			      struct error *e)
{
	struct app_plan_entry *pe;
	int mi;

	if (check_module(a, man, b, &mi, e) < 0)
		return -(int)e->kind;
	pe = app_plan_entry_for(p, (size_t)mi, b->did);
	if (pe == NULL)
		return error_set(e, ERR_ARG, "too many values to restore (limit %d)", APP_PLAN_MAX);
	if (app_plan_read_did(a, pe, pe->old, &pe->len, e) < 0)
		return error_wrap(e, "reading before the restore");
	if (pe->len != b->len)
		return error_set(e, ERR_REFUSED, "%s DID %04X is %zu bytes now but %zu in the backup",
				 b->module, b->did, pe->len, b->len);
	memcpy(pe->new, b->data, b->len);
	snprintf(pe->note, sizeof pe->note, "  back to the value backed up before the change "
		 "(session of %s)\n", man->started ? man->started : "?");
	return 0;
}

/* Checks the VIN and builds the plan from every backup of the session. */
static int plan_from_session(struct app *a, struct app_plan *p, const struct session_view *v,
			     struct error *e)
{
	const struct session_manifest *man = &v->manifest;
	size_t i;

	if (man->vin == NULL || strcmp(man->vin, a->vin) != 0)
		return error_set(e, ERR_REFUSED,
				 "the session is of another vehicle (VIN %s; this car is %s): nothing "
				 "was written",
				 man->vin ? man->vin : "unknown", a->vin);
	if (man->nbackups == 0)
		return error_set(e, ERR_NOT_FOUND, "the session holds no backed-up values");
	for (i = 0; i < man->nbackups; i++)
		if (plan_backup_record(a, p, man, &man->backups[i], e) < 0)
			return -(int)e->kind;
	return 0;
}

/* Writes back the values backed up in an earlier session. */
int app_restore(struct app *a, const char *what, struct app_code_result *res, struct error *e)
{
	static struct app_plan p;
	struct session_view *v = NULL;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&p, 0, sizeof p);
	p.what = "restore";
	p.title = "Restore backed-up values?";
	if (a->session == NULL || a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (session_open_existing(a->opt.sessions_dir, what, &v, e) < 0)
		return error_wrap(e, "opening %s", what);
	session_set_operation(a->session, "restore");
	app_say(a, APP_INFO, "restore from %s", v->source);
	rc = plan_from_session(a, &p, v, e);
	if (rc == 0)
		rc = app_plan_run(a, &p, res, e);
	session_view_close(v);
	return rc < 0 ? -(int)e->kind : 0;
}
