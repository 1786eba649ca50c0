/* coding.c: coding features as a transaction: each requested value parsed
 * by the brand script, encoded on top of the records read fresh (several
 * features of one DID merge into one write; a custom feature may span
 * several DIDs), then the shared write transaction. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"

/* A parsed change. */
struct coding_change {
	size_t feature;              /* index in app features */
	struct script_value value;
};

/* The changes of one transaction. */
struct coding_set {
	struct coding_change changes[APP_PLAN_CHANGES_MAX];
	size_t n;
};

/* Checks one requested change and adds the DIDs it touches to the plan. */
static int plan_add(struct app *a, struct app_plan *p, struct coding_set *set,
		    const struct app_change *c, struct error *e)
{
	int fi = app_find_feature(a, c->feature);
	const struct app_feature *f;
	const uint16_t *dids;
	size_t ndids, i;

	if (fi < 0)
		return error_set(e, ERR_ARG, "no coding feature '%s' on this vehicle", c->feature);
	f = &a->features[fi];
	if (!f->supported)
		return error_set(e, ERR_UNSUPPORTED, "%s (%s) cannot be changed on this vehicle: %s",
				 f->name, f->id, f->reason[0] ? f->reason : "not supported");
	if (!f->writable)
		return error_set(e, ERR_UNSUPPORTED, "%s (%s) can only be read", f->name, f->id);
	for (i = 0; i < set->n; i++)
		if (set->changes[i].feature == (size_t)fi)
			return error_set(e, ERR_ARG, "%s is given twice", f->id);
	if (set->n == APP_PLAN_CHANGES_MAX)
		return error_set(e, ERR_ARG, "too many changes in one transaction");
	if (script_value_parse(a->scripts, f->script_feature, c->value,
			       &set->changes[set->n].value, e) < 0)
		return -(int)e->kind;
	set->changes[set->n++].feature = (size_t)fi;
	dids = script_feature_dids(a->scripts, f->script_feature, &ndids);
	for (i = 0; i < ndids; i++)
		if (app_plan_entry_for(p, f->module, dids[i]) == NULL)
			return error_set(e, ERR_ARG, "too many DIDs in one transaction (limit %d)",
					 APP_PLAN_MAX);
	return 0;
}

/* Points records at the plan entries of a feature's DIDs (old or new values). */
static size_t feature_records(struct app *a, struct app_plan *p, const struct app_feature *f,
			      bool new_values, struct script_record *recs,
			      struct app_plan_entry **entries)
{
	size_t ndids, i, n = 0;
	const uint16_t *dids = script_feature_dids(a->scripts, f->script_feature, &ndids);

	for (i = 0; i < ndids && n < APP_FEATURE_DIDS_MAX; i++) {
		struct app_plan_entry *pe = app_plan_entry_for(p, f->module, dids[i]);
		recs[n].did = dids[i];
		recs[n].data = new_values ? pe->new : pe->old;
		recs[n].len = pe->len;
		entries[n++] = pe;
	}
	return n;
}

/* Adds "name: old -> new" to the note of the feature's first DID. */
static void note_change(struct app *a, struct app_plan *p, const struct coding_change *c)
{
	const struct app_feature *f = &a->features[c->feature];
	struct script_record recs[APP_FEATURE_DIDS_MAX];
	struct app_plan_entry *entries[APP_FEATURE_DIDS_MAX];
	struct script_value old;
	char was[128] = "?", now[128];
	size_t n = feature_records(a, p, f, false, recs, entries), used;
	struct error e;

	if (script_feature_decode(a->scripts, f->script_feature, recs, n, &old, &e) == 0)
		script_value_format(a->scripts, f->script_feature, &old, was, sizeof was);
	script_value_format(a->scripts, f->script_feature, &c->value, now, sizeof now);
	used = strlen(entries[0]->note);
	snprintf(entries[0]->note + used, sizeof entries[0]->note - used, "  %s: %s -> %s\n",
		 f->name, was, now);
}

/* Encodes one change into the new values of its DIDs. */
static int encode_change(struct app *a, struct app_plan *p, const struct coding_change *c,
			 struct error *e)
{
	const struct app_feature *f = &a->features[c->feature];
	struct script_record recs[APP_FEATURE_DIDS_MAX];
	struct app_plan_entry *entries[APP_FEATURE_DIDS_MAX];
	size_t n = feature_records(a, p, f, true, recs, entries);

	if (script_feature_encode(a->scripts, f->script_feature, recs, n, &c->value, e) < 0)
		return error_wrap(e, "%s (nothing was written)", f->id);
	note_change(a, p, c);
	return 0;
}

/* Reads every DID fresh and computes the values to write on top. */
static int plan_read(struct app *a, struct app_plan *p, const struct coding_set *set,
		     struct error *e)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct app_plan_entry *pe = &p->entries[i];
		if (app_plan_read_did(a, pe, pe->old, &pe->len, e) < 0)
			return error_wrap(e, "reading before the change");
		memcpy(pe->new, pe->old, pe->len);
	}
	for (i = 0; i < set->n; i++)
		if (encode_change(a, p, &set->changes[i], e) < 0)
			return -(int)e->kind;
	return 0;
}

/* Shows the values the features have after the transaction. */
static void plan_commit(struct app *a, struct app_plan *p, const struct coding_set *set)
{
	struct script_record recs[APP_FEATURE_DIDS_MAX];
	struct app_plan_entry *entries[APP_FEATURE_DIDS_MAX];
	struct script_value v;
	struct error e;
	size_t i, n;

	for (i = 0; i < set->n; i++) {
		struct app_feature *f = &a->features[set->changes[i].feature];
		n = feature_records(a, p, f, true, recs, entries);
		if (script_feature_decode(a->scripts, f->script_feature, recs, n, &v, &e) < 0)
			continue;
		script_value_format(a->scripts, f->script_feature, &v, f->value_text,
				    sizeof f->value_text);
		f->value = f->kind == APP_FEATURE_BIT ? (int)v.num : -1;
		f->known = true;
	}
}

/* Applies changes as one transaction. */
int app_code(struct app *a, const struct app_change *changes, size_t n,
	     struct app_code_result *res, struct error *e)
{
	static struct app_plan p;
	static struct coding_set set;
	size_t i;

	memset(res, 0, sizeof *res);
	memset(&p, 0, sizeof p);
	memset(&set, 0, sizeof set);
	p.what = "coding";
	p.title = "Write coding?";
	if (a->session == NULL || a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (n == 0)
		return error_set(e, ERR_ARG, "no changes given");
	for (i = 0; i < n; i++)
		if (plan_add(a, &p, &set, &changes[i], e) < 0)
			return -(int)e->kind;
	session_set_operation(a->session, "coding");
	if (plan_read(a, &p, &set, e) < 0 || app_plan_run(a, &p, res, e) < 0)
		return -(int)e->kind;
	plan_commit(a, &p, &set);
	return 0;
}
