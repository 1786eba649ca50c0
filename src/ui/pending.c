/* pending.c: marked coding changes and their plan. */
#include "config.h"
#include "ui/pending.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Why a feature cannot take a new value, or NULL when it can. */
static const char *cannot_change(const struct ui_feature *f, char *why, size_t n)
{
	if (!f->supported)
		snprintf(why, n, "%s cannot be changed on this vehicle: %s", f->name,
			 f->reason[0] ? f->reason : "not supported");
	else if (!f->writable)
		snprintf(why, n, "%s is read-only", f->name);
	else if (!f->known)
		snprintf(why, n, "%s: its value could not be read%s%s", f->name,
			 f->reason[0] ? ": " : "", f->reason);
	else
		return NULL;
	return why;
}

/* True when value is what the feature has now. */
static bool is_current(const struct ui_feature *f, const char *value)
{
	return f->known && strcasecmp(f->value_text, value) == 0;
}

/* True when text is one of the comma-separated names of list (any case). */
static bool in_list(const char *list, const char *text)
{
	size_t len = strlen(text);
	const char *p = list;

	while (*p) {
		size_t w = strcspn(p, ",");
		if (w == len && strncasecmp(p, text, len) == 0)
			return true;
		p += w;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return false;
}

/* Checks a number typed with or without the unit against "MIN..MAX[ UNIT]
 * [in steps of S]"; 1 when values is not a range, 0 when text fits, -1 not. */
static int check_range(const char *values, const char *text, const char **what)
{
	const char *dots = strstr(values, "..");
	char *end, low[64], unit[64] = "";
	double lo, hi, v;

	if (dots == NULL || dots == values || (size_t)(dots - values) >= sizeof low)
		return 1;
	snprintf(low, sizeof low, "%.*s", (int)(dots - values), values);
	lo = strtod(low, &end);
	if (*end)
		return 1;
	hi = strtod(dots + 2, &end);
	if (end == dots + 2 || (*end && *end != ' '))
		return 1;
	if (*end == ' ')
		sscanf(end + 1, "%63s", unit);
	if (strcmp(unit, "in") == 0)
		unit[0] = 0;
	v = strtod(text, &end);
	while (*end == ' ')
		end++;
	if (end == text || (*end && strcmp(end, unit) != 0))
		return *what = "is not a number", -1;
	if (v < lo - 1e-9 || v > hi + 1e-9)
		return *what = "is outside the range", -1;
	return 0;
}

/* Checks text against "text of up to N characters (digits)". */
static int check_text(const char *values, const char *text, const char **what)
{
	unsigned max;
	size_t i;
	bool digits = strstr(values, "(digits)") != NULL;

	if (sscanf(values, "text of up to %u characters", &max) != 1)
		return 0;
	if (strlen(text) > max)
		return *what = "is too long", -1;
	for (i = 0; text[i]; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (digits && !isdigit(ch))
			return *what = "holds more than digits", -1;
		if (ch < 0x20 || ch >= 0x7F)
			return *what = "holds unprintable characters", -1;
	}
	return 0;
}

/* Checks a typed value against what the feature says it accepts. */
int ui_value_check(const struct ui_feature *f, const char *text, char *why, size_t n)
{
	const char *what = "is not one of its values";
	int rc = 0;

	if (text[0] == 0 || is_current(f, text) || f->values[0] == 0 ||
	    strlen(f->values) + 1 >= sizeof f->values) /* none said, or cut short */
		return 0;
	if (strncmp(f->values, "text of up to ", 14) == 0)
		rc = check_text(f->values, text, &what);
	else if (strcmp(f->values, "text") == 0)
		rc = 0;
	else if (f->kind == APP_FEATURE_CHOICE || (rc = check_range(f->values, text, &what)) > 0)
		rc = in_list(f->values, text) ? 0 : -1;
	if (rc == 0)
		return 0;
	snprintf(why, n, "\"%s\" %s; it accepts %s", text, what, f->values);
	return -1;
}

/* Marks feature fi to take value. */
int ui_pending_set(struct ui_pending *p, const struct ui_snapshot *s, size_t fi,
		   const char *value, char *why, size_t n)
{
	const struct ui_feature *f;
	int at;

	if (fi >= s->nfeatures)
		return snprintf(why, n, "no such feature"), -1;
	f = &s->features[fi];
	if (cannot_change(f, why, n))
		return -1;
	at = ui_pending_find(p, f->id);
	if (value[0] == 0 || is_current(f, value)) {
		if (at >= 0)
			remove_at(p, (size_t)at);
		return 0;
	}
	if (strlen(value) >= UI_VALUE_MAX)
		return snprintf(why, n, "value too long"), -1;
	if (at < 0 && p->n == UI_PENDING_MAX)
		return snprintf(why, n, "at most %d changes in one transaction", UI_PENDING_MAX), -1;
	if (at < 0) {
		at = (int)p->n++;
		snprintf(p->items[at].id, sizeof p->items[at].id, "%s", f->id);
	}
	snprintf(p->items[at].value, sizeof p->items[at].value, "%s", value);
	return 1;
}

/* Marks or unmarks a switch. */
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
	if (cannot_change(f, why, n))
		return -1;
	if (f->kind != APP_FEATURE_BIT)
		return snprintf(why, n, "%s takes a value (%s): Enter types one", f->name,
				f->values[0] ? f->values : "see the brand script"), -1;
	return ui_pending_set(p, s, fi, f->value ? "off" : "on", why, n);
}

/* Drops changes that are gone or already done. */
size_t ui_pending_prune(struct ui_pending *p, const struct ui_snapshot *s)
{
	size_t i = 0, dropped = 0;
	char why[8];

	while (i < p->n) {
		int fi = ui_snapshot_feature(s, p->items[i].id);
		const struct ui_feature *f = fi >= 0 ? &s->features[fi] : NULL;
		if (f == NULL || cannot_change(f, why, sizeof why) || is_current(f, p->items[i].value)) {
			remove_at(p, i);
			dropped++;
		} else {
			i++;
		}
	}
	return dropped;
}

/* Drops the changes listed in done. */
void ui_pending_remove(struct ui_pending *p, const struct ui_pending *done)
{
	size_t i;
	int at;

	for (i = 0; i < done->n; i++)
		if ((at = ui_pending_find(p, done->items[i].id)) >= 0)
			remove_at(p, (size_t)at);
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
		if (f->kind == APP_FEATURE_BIT)
			snprintf(line, sizeof line, "  %s: %s -> %s (DID %04X byte %u bit %u)", f->name,
				 ui_feature_value_text(f), p->items[i].value, f->did, f->byte, f->bit);
		else
			snprintf(line, sizeof line, "  %s: %s -> %s (DID %04X byte %u)", f->name,
				 ui_feature_value_text(f), p->items[i].value, f->did, f->byte);
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
