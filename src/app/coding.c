/* coding.c: coding as a transaction: plan per DID, fresh read, backup,
 * confirmation, write, read-back, and restore of the backed-up values on
 * any failure. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "util/buf.h"
#include "util/hex.h"

#define PLAN_MAX 32
#define PLAN_CHANGES_MAX 64

/* One DID to rewrite, with the features that change in it. */
struct plan_entry {
	size_t module;
	uint16_t did;
	size_t len;
	uint8_t old[DID_MAX];
	uint8_t new[DID_MAX];
	size_t features[PLAN_CHANGES_MAX];
	int values[PLAN_CHANGES_MAX];
	size_t nfeatures;
	bool attempted;
	char backup[PATH_MAX];
};

/* The whole transaction. */
struct plan {
	struct plan_entry entries[PLAN_MAX];
	size_t n;
};

/* Value of a bit feature within a DID record. */
int app_feature_get(const struct app_feature *f, const uint8_t *data)
{
	return (data[f->byte] >> f->bit) & 1;
}

/* Sets a bit feature within a DID record. */
static void feature_put(const struct app_feature *f, uint8_t *data, int value)
{
	if (value)
		data[f->byte] |= (uint8_t)(1u << f->bit);
	else
		data[f->byte] &= (uint8_t)~(1u << f->bit);
}

/* The plan entry for a module's DID, created on first use. */
static struct plan_entry *plan_entry_for(struct plan *p, size_t module, uint16_t did)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->entries[i].module == module && p->entries[i].did == did)
			return &p->entries[i];
	if (p->n == PLAN_MAX)
		return NULL;
	memset(&p->entries[p->n], 0, sizeof p->entries[p->n]);
	p->entries[p->n].module = module;
	p->entries[p->n].did = did;
	return &p->entries[p->n++];
}

/* Checks one requested change and adds it to the plan. */
static int plan_add(struct app *a, struct plan *p, const struct app_change *c, struct error *e)
{
	int fi = app_find_feature(a, c->feature);
	const struct app_feature *f;
	struct plan_entry *pe;
	size_t i;

	if (fi < 0)
		return error_set(e, ERR_ARG, "no coding feature '%s' on this vehicle", c->feature);
	f = &a->features[fi];
	if (!f->supported)
		return error_set(e, ERR_UNSUPPORTED, "%s (%s) cannot be changed on this vehicle: %s",
				 f->name, f->id, f->reason[0] ? f->reason : "not supported");
	if (c->value != 0 && c->value != 1)
		return error_set(e, ERR_ARG, "%s takes on or off", f->id);
	pe = plan_entry_for(p, f->module, f->did);
	if (pe == NULL)
		return error_set(e, ERR_ARG, "too many DIDs in one transaction (limit %d)", PLAN_MAX);
	for (i = 0; i < pe->nfeatures; i++)
		if (pe->features[i] == (size_t)fi)
			return error_set(e, ERR_ARG, "%s is given twice", f->id);
	if (pe->nfeatures == PLAN_CHANGES_MAX)
		return error_set(e, ERR_ARG, "too many changes in one DID");
	pe->features[pe->nfeatures] = (size_t)fi;
	pe->values[pe->nfeatures++] = c->value;
	return 0;
}

/* Reads a plan entry's DID as it is now. */
static int read_did(struct app *a, const struct plan_entry *pe, uint8_t *out, size_t *len,
		    struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[pe->module]);

	return uds_read_did(a->uds, &t, pe->did, out, DID_MAX, len, e);
}

/* Reads every DID fresh and computes the values to write. */
static int plan_read(struct app *a, struct plan *p, struct error *e)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		struct plan_entry *pe = &p->entries[i];
		if (read_did(a, pe, pe->old, &pe->len, e) < 0)
			return error_wrap(e, "reading before the change");
		memcpy(pe->new, pe->old, pe->len);
		for (k = 0; k < pe->nfeatures; k++) {
			const struct app_feature *f = &a->features[pe->features[k]];
			if (f->byte >= pe->len)
				return error_set(e, ERR_UNSUPPORTED, "%s: DID %04X has only %zu bytes",
						 f->id, pe->did, pe->len);
			feature_put(f, pe->new, pe->values[k]);
		}
	}
	return 0;
}

/* True if an entry changes anything. */
static bool entry_changes(const struct plan_entry *pe)
{
	return memcmp(pe->old, pe->new, pe->len) != 0;
}

/* Saves every DID that will change into the session before anything is written. */
static int plan_backup(struct app *a, struct plan *p, struct error *e)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		struct session_backup b = { m->id, m->tx, m->rx, pe->did, pe->old, pe->len };
		if (!entry_changes(pe))
			continue;
		if (session_backup(a->session, &b, pe->backup, sizeof pe->backup, e) < 0)
			return error_wrap(e, "backing up %s DID %04X (nothing written)", m->id, pe->did);
	}
	return 0;
}

/* Appends the raw bytes that differ between old and new. */
static void describe_bytes(struct buf *b, const struct plan_entry *pe)
{
	size_t i;

	for (i = 0; i < pe->len; i++)
		if (pe->old[i] != pe->new[i])
			buf_printf(b, "    byte %zu: %02X -> %02X\n", i, pe->old[i], pe->new[i]);
}

/* Writes the human-readable plan: features old -> new, raw bytes, backups. */
static void describe_plan(struct app *a, const struct plan *p, struct buf *b)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		const struct plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		if (!entry_changes(pe))
			continue;
		buf_printf(b, "%s %s, DID %04X:\n", m->id, m->name, pe->did);
		for (k = 0; k < pe->nfeatures; k++) {
			const struct app_feature *f = &a->features[pe->features[k]];
			buf_printf(b, "  %s: %s -> %s\n", f->name,
				   app_feature_get(f, pe->old) ? "on" : "off",
				   pe->values[k] ? "on" : "off");
		}
		describe_bytes(b, pe);
		buf_printf(b, "  backup: %s\n", pe->backup);
	}
}

/* Asks the user to confirm the plan (default no). */
static int plan_confirm(struct app *a, const struct plan *p, struct error *e)
{
	struct buf body = { 0 };
	bool yes;

	describe_plan(a, p, &body);
	app_say(a, APP_INFO, "coding plan:\n%s", buf_str(&body));
	yes = a->hooks.confirm && a->hooks.confirm(a->hooks.arg, "Write coding?", buf_str(&body));
	buf_free(&body);
	if (!yes)
		return error_set(e, ERR_REFUSED, "not confirmed: nothing was written");
	return 0;
}

/* Refuses to write when a DID changed between the first read and now. */
static int plan_recheck(struct app *a, const struct plan *p, struct error *e)
{
	uint8_t now[DID_MAX];
	size_t i, len;

	for (i = 0; i < p->n; i++) {
		const struct plan_entry *pe = &p->entries[i];
		if (!entry_changes(pe))
			continue;
		if (read_did(a, pe, now, &len, e) < 0)
			return error_wrap(e, "re-reading before the write (nothing written)");
		if (len != pe->len || memcmp(now, pe->old, len) != 0)
			return error_set(e, ERR_REFUSED,
					 "%s DID %04X changed since it was read: nothing written",
					 a->modules[pe->module].id, pe->did);
	}
	return 0;
}

/* Writes a value and reads it back; 0 only when the read-back matches. */
static int write_verified(struct app *a, const struct plan_entry *pe, const uint8_t *value,
			  struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[pe->module]);
	uint8_t back[DID_MAX];
	size_t len;

	if (uds_write_did(a->uds, &t, pe->did, value, pe->len, e) < 0)
		return -(int)e->kind;
	if (read_did(a, pe, back, &len, e) < 0)
		return error_wrap(e, "reading back");
	if (len != pe->len || memcmp(back, value, len) != 0)
		return error_set(e, ERR_VERIFY, "%s DID %04X reads back differently than written",
				 a->modules[pe->module].id, pe->did);
	return 0;
}

/* Writes the backed-up values of every attempted entry back; says what
 * state each module is left in. */
static size_t plan_restore(struct app *a, struct plan *p, struct buf *report)
{
	size_t i, restored = 0;
	struct error e;

	for (i = 0; i < p->n; i++) {
		struct plan_entry *pe = &p->entries[i];
		const struct app_module *m = &a->modules[pe->module];
		if (!pe->attempted)
			continue;
		error_clear(&e);
		if (write_verified(a, pe, pe->old, &e) == 0) {
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

/* Writes every changing entry; on failure restores and reports. */
static int plan_write(struct app *a, struct plan *p, struct app_code_result *res,
		      struct error *e)
{
	struct buf report = { 0 };
	size_t i;
	int rc;

	for (i = 0; i < p->n; i++) {
		struct plan_entry *pe = &p->entries[i];
		if (!entry_changes(pe))
			continue;
		pe->attempted = true;
		app_say(a, APP_PROGRESS, "writing %s DID %04X", a->modules[pe->module].id, pe->did);
		if (write_verified(a, pe, pe->new, e) < 0) {
			rc = -(int)e->kind;
			app_say(a, APP_ERROR, "write failed: %s", e->text);
			res->restored = plan_restore(a, p, &report);
			error_wrap(e, "coding failed, %s", buf_str(&report));
			buf_free(&report);
			return rc;
		}
		res->written++;
		app_say(a, APP_INFO, "wrote %s DID %04X and read it back: OK",
			a->modules[pe->module].id, pe->did);
	}
	return 0;
}

/* Updates the features' shown values after a successful transaction. */
static void plan_commit(struct app *a, const struct plan *p)
{
	size_t i, k;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < p->entries[i].nfeatures; k++) {
			struct app_feature *f = &a->features[p->entries[i].features[k]];
			f->value = app_feature_get(f, p->entries[i].new);
			f->known = true;
		}
}

/* Runs the checks and steps before the first write. */
static int plan_prepare(struct app *a, struct plan *p, const struct app_change *changes,
			size_t n, struct error *e)
{
	size_t i;

	if (a->session == NULL || a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (n == 0)
		return error_set(e, ERR_ARG, "no changes given");
	for (i = 0; i < n; i++)
		if (plan_add(a, p, &changes[i], e) < 0)
			return -(int)e->kind;
	if (plan_read(a, p, e) < 0)
		return -(int)e->kind;
	return 0;
}

/* Applies changes as one transaction. */
int app_code(struct app *a, const struct app_change *changes, size_t n,
	     struct app_code_result *res, struct error *e)
{
	static struct plan p;
	size_t i;

	memset(res, 0, sizeof *res);
	memset(&p, 0, sizeof p);
	if (plan_prepare(a, &p, changes, n, e) < 0)
		return -(int)e->kind;
	for (i = 0; i < p.n && !entry_changes(&p.entries[i]); i++)
		;
	if (i == p.n) {
		plan_commit(a, &p);
		res->unchanged = true;
		snprintf(res->summary, sizeof res->summary, "already set: nothing to write");
		app_say(a, APP_INFO, "%s", res->summary);
		return 0;
	}
	if (plan_backup(a, &p, e) < 0 || plan_confirm(a, &p, e) < 0 || plan_recheck(a, &p, e) < 0) {
		app_say(a, APP_WARNING, "%s", e->text);
		return -(int)e->kind;
	}
	if (plan_write(a, &p, res, e) < 0)
		return -(int)e->kind;
	plan_commit(a, &p);
	session_write_manifest(a->session, false, NULL);
	snprintf(res->summary, sizeof res->summary, "%zu DID%s written and verified", res->written,
		 res->written == 1 ? "" : "s");
	return 0;
}
