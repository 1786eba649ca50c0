/* pending.c: marked coding changes and their plan. */
#include "config.h"
#include "ui/pending.h"

#include <stdio.h>
#include <string.h>

/* Index of a feature's change, or -1. */
int ui_pending_find(const struct ui_pending *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->items[i].id, id) == 0)
			return (int)i;
	return -1;
}

/* Removes change i keeping the order. */
static void remove_at(struct ui_pending *p, size_t i)
{
	memmove(&p->items[i], &p->items[i + 1], (p->n - i - 1) * sizeof p->items[0]);
	p->n--;
}

/* Marks or unmarks a feature. */
int ui_pending_toggle(struct ui_pending *p, const struct ui_snapshot *s, size_t fi, char *why,
		      size_t n)
{
	const struct ui_feature *f;
	int at;

	if (fi >= s->nfeatures)
		return snprintf(why, n, "no such feature"), -1;
	f = &s->features[fi];
	at = ui_pending_find(p, f->id);
	if (at >= 0) {
		remove_at(p, (size_t)at);
		return 0;
	}
	if (!f->supported)
		return snprintf(why, n, "%s cannot be changed on this vehicle: %s", f->name,
				f->reason[0] ? f->reason : "not supported"), -1;
	if (!f->known)
		return snprintf(why, n, "%s: its value could not be read%s%s", f->name,
				f->reason[0] ? ": " : "", f->reason), -1;
	if (p->n == UI_PENDING_MAX)
		return snprintf(why, n, "at most %d changes in one transaction", UI_PENDING_MAX), -1;
	snprintf(p->items[p->n].id, sizeof p->items[p->n].id, "%s", f->id);
	p->items[p->n++].value = !f->value;
	return 1;
}

/* Drops changes that are gone or already done. */
size_t ui_pending_prune(struct ui_pending *p, const struct ui_snapshot *s)
{
	size_t i = 0, dropped = 0;

	while (i < p->n) {
		int fi = ui_snapshot_feature(s, p->items[i].id);
		const struct ui_feature *f = fi >= 0 ? &s->features[fi] : NULL;
		if (f == NULL || !f->supported || (f->known && f->value == p->items[i].value)) {
			remove_at(p, i);
			dropped++;
		} else {
			i++;
		}
	}
	return dropped;
}

/* Fills changes for app_code. */
size_t ui_pending_changes(const struct ui_pending *p, struct app_change *out, size_t max)
{
	size_t i;

	for (i = 0; i < p->n && i < max; i++) {
		out[i].feature = p->items[i].id;
		out[i].value = p->items[i].value;
	}
	return i;
}

/* Adds the lines of one module's changes. */
static void plan_module(const struct ui_pending *p, const struct ui_snapshot *s, size_t m,
			struct ui_lines *out)
{
	char line[512];
	bool header = false;
	size_t i;

	for (i = 0; i < p->n; i++) {
		int fi = ui_snapshot_feature(s, p->items[i].id);
		const struct ui_feature *f = fi >= 0 ? &s->features[fi] : NULL;
		if (f == NULL || f->module != m)
			continue;
		if (!header) {
			snprintf(line, sizeof line, "%s %s", s->modules[m].id, s->modules[m].name);
			ui_lines_add(out, line);
			header = true;
		}
		snprintf(line, sizeof line, "  %s: %s -> %s (DID %04X byte %u bit %u)", f->name,
			 ui_feature_value_text(f), p->items[i].value ? "on" : "off", f->did, f->byte,
			 f->bit);
		ui_lines_add(out, line);
	}
}

/* The plan grouped by module. */
void ui_pending_plan(const struct ui_pending *p, const struct ui_snapshot *s,
		     struct ui_lines *out)
{
	size_t m;

	for (m = 0; m < s->nmodules; m++)
		plan_module(p, s, m, out);
}
