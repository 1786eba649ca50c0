/* transaction.c: the write transaction shared by coding and restore: a
 * plan of DIDs with the values read fresh and the values to write; backup
 * into the session before anything is written, confirmation (default no),
 * a re-read that refuses to write over a value that changed meanwhile,
 * write and read-back per DID, and on any failure the backed-up values
 * written back with a report of the state each module is left in. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "util/buf.h"
#include "util/hex.h"

/* Reads a plan entry's DID as it is now. */
int app_plan_read_did(struct app *a, const struct app_plan_entry *pe, uint8_t *out, size_t *len,
		    struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[pe->module]);

	return uds_read_did(a->uds, &t, pe->did, out, DID_MAX, len, e);
}

/* True if an entry changes anything. */
bool app_plan_entry_changes(const struct app_plan_entry *pe)
{
	return memcmp(pe->old, pe->new, pe->len) != 0;
}

/* Saves every DID that will change into the session before anything is written. */
static int plan_backup(struct app *a, struct app_plan *p, struct error *e)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct app_plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		struct session_backup b = { m->id, m->tx, m->rx, pe->did, pe->old, pe->len };
		if (!app_plan_entry_changes(pe))
			continue;
		if (session_backup(a->session, &b, pe->backup, sizeof pe->backup, e) < 0)
			return error_wrap(e, "backing up %s DID %04X (nothing written)", m->id, pe->did);
	}
	return 0;
}

/* Appends the raw bytes that differ between old and new. */
static void describe_bytes(struct buf *b, const struct app_plan_entry *pe)
{
	size_t i;

	for (i = 0; i < pe->len; i++)
		if (pe->old[i] != pe->new[i])
			buf_printf(b, "    byte %zu: %02X -> %02X\n", i, pe->old[i], pe->new[i]);
}

/* Writes the human-readable plan: what changes (the caller's note per
 * entry, e.g. features old -> new), raw bytes, and where the backup is. */
static void describe_plan(struct app *a, const struct app_plan *p, struct buf *b)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct app_plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		if (!app_plan_entry_changes(pe))
			continue;
		buf_printf(b, "%s %s, DID %04X:\n%s", m->id, m->name, pe->did, pe->note);
		describe_bytes(b, pe);
		buf_printf(b, "  backup: %s\n", pe->backup);
	}
}

/* Asks the user to confirm the plan (default no). */
static int plan_confirm(struct app *a, const struct app_plan *p, struct error *e)
{
	struct buf body = { 0 };
	bool yes;

	describe_plan(a, p, &body);
	app_say(a, APP_INFO, "%s plan:\n%s", p->what, buf_str(&body));
	yes = a->hooks.confirm && a->hooks.confirm(a->hooks.arg, p->title, buf_str(&body));
	buf_free(&body);
	if (!yes) {
		char op[64];
		snprintf(op, sizeof op, "%s (not confirmed)", p->what);
		session_rename_operation(a->session, p->what, op);
		return error_set(e, ERR_REFUSED, "not confirmed: nothing was written");
	}
	return 0;
}

/* Refuses to write when a DID changed between the first read and now. */
static int plan_recheck(struct app *a, const struct app_plan *p, struct error *e)
{
	uint8_t now[DID_MAX];
	size_t i, len;

	for (i = 0; i < p->n; i++) {
		const struct app_plan_entry *pe = &p->entries[i];
		if (!app_plan_entry_changes(pe))
			continue;
		if (app_plan_read_did(a, pe, now, &len, e) < 0)
			return error_wrap(e, "re-reading before the write (nothing written)");
		if (len != pe->len || memcmp(now, pe->old, len) != 0)
			return error_set(e, ERR_REFUSED,
					 "%s DID %04X changed since it was read: nothing written",
					 a->modules[pe->module].id, pe->did);
	}
	return 0;
}

/* What the key callback needs to ask the brand script. */
struct key_ctx {
	struct app *a;
	size_t script_module;
};

/* Security key from the module's brand script. */
static int script_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		      size_t *keylen, struct error *e)
{
	struct key_ctx *k = arg;

	return script_module_key(k->a->scripts, k->script_module, level, seed, n, key, UDS_KEY_MAX,
				 keylen, e);
}

/* Enters the session and security level a module needs for writing. */
int app_prepare_write(struct app *a, size_t module, struct error *e)
{
	const struct app_module *m = &a->modules[module];
	struct uds_target t = app_module_target(m);
	const struct script_module *sm;
	struct key_ctx k = { a, m->script_module };
	bool was_open = false;

	if (m->script_module == SIZE_MAX)
		return 0;
	sm = script_module(a->scripts, m->script_module);
	if (sm->write_session && uds_session(a->uds, &t, sm->write_session, NULL, e) < 0)
		return error_wrap(e, "entering session %02X of %s", sm->write_session, m->id);
	if (sm->write_session)
		app_say(a, APP_INFO, "%s: session %02X for writing", m->id, sm->write_session);
	if (sm->security_level == 0)
		return 0;
	if (uds_security_access(a->uds, &t, sm->security_level, script_key, &k, &was_open, e) < 0)
		return error_wrap(e, "unlocking %s", m->id);
	app_say(a, APP_INFO, "%s: security level %u %s", m->id, sm->security_level,
		was_open ? "was already open" : "unlocked");
	return 0;
}

/* Prepares a module for writing once per transaction. */
static int prepare_once(struct app *a, struct app_plan *p, size_t module, struct error *e)
{
	if (p->prepared[module])
		return 0;
	if (app_prepare_write(a, module, e) < 0)
		return -(int)e->kind;
	p->prepared[module] = true;
	return 0;
}

/* True for a write whose exchange was disturbed (BUFFER FULL, CAN ERROR,
 * an adapter reset, a garbled or lost answer): the module may or may not
 * have taken it, and it did not refuse it. */
static bool write_disturbed(const struct error *e)
{
	return e->kind == ERR_ADAPTER || e->kind == ERR_PROTOCOL || e->kind == ERR_TIMEOUT;
}

/* Writes a value; after a disturbed exchange, reads the DID to learn
 * whether the write landed and writes once more if it did not. */
static int write_once_more(struct app *a, const struct app_plan_entry *pe, const uint8_t *value,
			   struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[pe->module]);
	uint8_t now[DID_MAX];
	struct error first;
	size_t len;
	int rc = uds_write_did(a->uds, &t, pe->did, value, pe->len, e);

	if (rc == 0 || !write_disturbed(e))
		return rc;
	first = *e;
	app_say(a, APP_WARNING, "%s; reading %s DID %04X to see whether the write landed", e->text,
		a->modules[pe->module].id, pe->did);
	if (app_plan_read_did(a, pe, now, &len, e) < 0) {
		*e = first;
		return -(int)e->kind;
	}
	if (len == pe->len && memcmp(now, value, len) == 0)
		return 0;
	app_say(a, APP_INFO, "%s DID %04X was not written: writing it again",
		a->modules[pe->module].id, pe->did);
	if (uds_write_did(a->uds, &t, pe->did, value, pe->len, e) < 0)
		return error_wrap(e, "again after '%s'", first.text);
	return 0;
}

/* Writes a value and reads it back; 0 only when the read-back matches. */
static int write_verified(struct app *a, const struct app_plan_entry *pe, const uint8_t *value,
			  struct error *e)
{
	uint8_t back[DID_MAX];
	size_t len;

	if (write_once_more(a, pe, value, e) < 0)
		return -(int)e->kind;
	if (app_plan_read_did(a, pe, back, &len, e) < 0)
		return error_wrap(e, "reading back");
	if (len != pe->len || memcmp(back, value, len) != 0)
		return error_set(e, ERR_VERIFY, "%s DID %04X reads back differently than written",
				 a->modules[pe->module].id, pe->did);
	return 0;
}

/* True when a DID reads back its original value (a refused write left it). */
static bool still_original(struct app *a, const struct app_plan_entry *pe)
{
	uint8_t now[DID_MAX];
	size_t len;
	struct error e;

	return app_plan_read_did(a, pe, now, &len, &e) == 0 && len == pe->len &&
	       memcmp(now, pe->old, len) == 0;
}

/* Writes the backed-up values of every attempted entry back; says what
 * state each module is left in. */
static size_t plan_restore(struct app *a, struct app_plan *p, struct buf *report)
{
	size_t i, restored = 0;
	struct error e;

	for (i = 0; i < p->n; i++) {
		struct app_plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		if (!pe->attempted)
			continue;
		error_clear(&e);
		if (still_original(a, pe)) {
			buf_printf(report, "%s DID %04X is unchanged (the module kept its value). ",
				   m->id, pe->did);
			app_say(a, APP_INFO, "%s DID %04X still holds its original value", m->id,
				pe->did);
		} else if (write_verified(a, pe, pe->old, &e) == 0) {
			restored++;
			buf_printf(report, "%s DID %04X restored to its original value. ", m->id,
				   pe->did);
			app_say(a, APP_WARNING, "restored %s DID %04X from %s", m->id, pe->did,
				pe->backup);
		} else {
			buf_printf(report,
				   "%s DID %04X could NOT be restored (%s); its original value is in %s "
				   "(obdcon restore). ",
				   m->id, pe->did, e.text, pe->backup);
			app_say(a, APP_ERROR, "restore of %s DID %04X failed: %s", m->id, pe->did,
				e.text);
		}
	}
	return restored;
}

/* Turns the error into "coding failed: why. State of each module." */
static void explain_failure(struct error *e, const char *what, const struct buf *report)
{
	char why[ERR_TEXT_MAX];

	snprintf(why, sizeof why, "%s", e->text);
	error_set(e, e->kind, "%s failed: %s. %s", what, why,
		  report->len ? buf_str(report) : "Nothing was written.");
}

/* Writes every changing entry; on failure restores and reports. */
static int plan_write(struct app *a, struct app_plan *p, struct app_code_result *res,
		      struct error *e)
{
	struct buf report = { 0 };
	size_t i;
	int rc;

	for (i = 0; i < p->n; i++) {
		struct app_plan_entry *pe = &p->entries[i];
		if (!app_plan_entry_changes(pe))
			continue;
		app_say(a, APP_PROGRESS, "writing %s DID %04X", a->modules[pe->module].id, pe->did);
		if (prepare_once(a, p, pe->module, e) < 0) {
			rc = -(int)e->kind;
			app_say(a, APP_ERROR, "%s", e->text);
			res->restored = plan_restore(a, p, &report);
			explain_failure(e, p->what, &report);
			buf_free(&report);
			return rc;
		}
		pe->attempted = true;
		if (write_verified(a, pe, pe->new, e) < 0) {
			rc = -(int)e->kind;
			app_say(a, APP_ERROR, "write failed: %s", e->text);
			res->restored = plan_restore(a, p, &report);
			explain_failure(e, p->what, &report);
			buf_free(&report);
			return rc;
		}
		res->written++;
		app_say(a, APP_INFO, "wrote %s DID %04X and read it back: OK",
			a->modules[pe->module].id, pe->did);
	}
	return 0;
}


/* The entry of a plan for a module's DID, created on first use. */
struct app_plan_entry *app_plan_entry_for(struct app_plan *p, size_t module, uint16_t did)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->entries[i].module == module && p->entries[i].did == did)
			return &p->entries[i];
	if (p->n == APP_PLAN_MAX)
		return NULL;
	memset(&p->entries[p->n], 0, sizeof p->entries[p->n]);
	p->entries[p->n].module = module;
	p->entries[p->n].did = did;
	return &p->entries[p->n++];
}

/* True when some entry of the plan changes its DID. */
bool app_plan_changes(const struct app_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (app_plan_entry_changes(&p->entries[i]))
			return true;
	return false;
}

/* Runs a prepared plan (old and new values filled): backup, confirm,
 * re-check, write and verify, restoring everything on failure. */
int app_plan_run(struct app *a, struct app_plan *p, struct app_code_result *res,
		 struct error *e)
{
	memset(res, 0, sizeof *res);
	if (!app_plan_changes(p)) {
		res->unchanged = true;
		snprintf(res->summary, sizeof res->summary, "already set: nothing to write");
		app_say(a, APP_INFO, "%s", res->summary);
		return 0;
	}
	if (plan_backup(a, p, e) < 0 || plan_confirm(a, p, e) < 0 || plan_recheck(a, p, e) < 0) {
		app_say(a, APP_WARNING, "%s", e->text);
		return -(int)e->kind;
	}
	if (plan_write(a, p, res, e) < 0)
		return -(int)e->kind;
	session_write_manifest(a->session, false, NULL);
	snprintf(res->summary, sizeof res->summary, "%zu DID%s written and verified", res->written,
		 res->written == 1 ? "" : "s");
	return 0;
}
