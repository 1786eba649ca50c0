/* coding.c: coding features as a transaction: the requested changes merged
 * per DID on top of values read fresh, then the shared write transaction. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"

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

/* Checks one requested change and adds it to the plan. */
static int plan_add(struct app *a, struct app_plan *p, const struct app_change *c,
		    struct error *e)
{
	int fi = app_find_feature(a, c->feature);
	const struct app_feature *f;
	struct app_plan_entry *pe;
	size_t i;

	if (fi < 0)
		return error_set(e, ERR_ARG, "no coding feature '%s' on this vehicle", c->feature);
	f = &a->features[fi];
	if (!f->supported)
		return error_set(e, ERR_UNSUPPORTED, "%s (%s) cannot be changed on this vehicle: %s",
				 f->name, f->id, f->reason[0] ? f->reason : "not supported");
	if (c->value != 0 && c->value != 1)
		return error_set(e, ERR_ARG, "%s takes on or off", f->id);
	pe = app_plan_entry_for(p, f->module, f->did);
	if (pe == NULL)
		return error_set(e, ERR_ARG, "too many DIDs in one transaction (limit %d)",
				 APP_PLAN_MAX);
	for (i = 0; i < pe->nfeatures; i++)
		if (pe->features[i] == (size_t)fi)
			return error_set(e, ERR_ARG, "%s is given twice", f->id);
	if (pe->nfeatures == APP_PLAN_CHANGES_MAX)
		return error_set(e, ERR_ARG, "too many changes in one DID");
	pe->features[pe->nfeatures] = (size_t)fi;
	pe->values[pe->nfeatures++] = c->value;
	return 0;
}

/* Writes the feature lines (name: old -> new) of an entry. */
static void describe_features(struct app *a, struct app_plan_entry *pe)
{
	size_t k, used = 0;

	pe->note[0] = 0;
	for (k = 0; k < pe->nfeatures && used < sizeof pe->note; k++) {
		const struct app_feature *f = &a->features[pe->features[k]];
		used += (size_t)snprintf(pe->note + used, sizeof pe->note - used, "  %s: %s -> %s\n",
					 f->name, app_feature_get(f, pe->old) ? "on" : "off",
					 pe->values[k] ? "on" : "off");
	}
}

/* Reads every DID fresh and computes the values to write. */
static int plan_read(struct app *a, struct app_plan *p, struct error *e)
{
	size_t i, k;

	for (i = 0; i < p->n; i++) {
		struct app_plan_entry *pe = &p->entries[i];
		if (app_plan_read_did(a, pe, pe->old, &pe->len, e) < 0)
			return error_wrap(e, "reading before the change");
		memcpy(pe->new, pe->old, pe->len);
		for (k = 0; k < pe->nfeatures; k++) {
			const struct app_feature *f = &a->features[pe->features[k]];
			if (f->byte >= pe->len)
				return error_set(e, ERR_UNSUPPORTED, "%s: DID %04X has only %zu bytes",
						 f->id, pe->did, pe->len);
			feature_put(f, pe->new, pe->values[k]);
		}
		describe_features(a, pe);
	}
	return 0;
}

/* Updates the features' shown values after the transaction. */
static void plan_commit(struct app *a, const struct app_plan *p)
{
	size_t i, k;

	for (i = 0; i < p->n; i++)
		for (k = 0; k < p->entries[i].nfeatures; k++) {
			struct app_feature *f = &a->features[p->entries[i].features[k]];
			f->value = app_feature_get(f, p->entries[i].new);
			f->known = true;
		}
}

/* Applies changes as one transaction. */
int app_code(struct app *a, const struct app_change *changes, size_t n,
	     struct app_code_result *res, struct error *e)
{
	static struct app_plan p;
	size_t i;

	memset(res, 0, sizeof *res);
	memset(&p, 0, sizeof p);
	p.what = "coding";
	p.title = "Write coding?";
	if (a->session == NULL || a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (n == 0)
		return error_set(e, ERR_ARG, "no changes given");
	for (i = 0; i < n; i++)
		if (plan_add(a, &p, &changes[i], e) < 0)
			return -(int)e->kind;
	session_set_operation(a->session, "coding");
	if (plan_read(a, &p, e) < 0 || app_plan_run(a, &p, res, e) < 0)
		return -(int)e->kind;
	plan_commit(a, &p);
	return 0;
}
