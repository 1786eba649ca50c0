/* pending.h: the coding changes a user has marked but not yet written,
 * and the plan the review screen shows. No terminal needed. */
#ifndef OBDCON_UI_PENDING_H
#define OBDCON_UI_PENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "ui/logbuf.h"
#include "ui/snapshot.h"

#define UI_PENDING_MAX 64

/* One marked change: feature id and the value to write, as text. */
struct ui_change {
	char id[64];
	char value[UI_VALUE_MAX];
};

/* The marked changes, in the order they were marked. */
struct ui_pending {
	struct ui_change items[UI_PENDING_MAX];
	size_t n;
};

/* Index of a feature's change, or -1. */
int ui_pending_find(const struct ui_pending *p, const char *id);
/* Space on a switch (bit feature): marks it to flip, or unmarks it.
 * Returns 1 when marked, 0 when unmarked, -1 when it cannot change (the
 * reason goes to why; other kinds take a typed value: ui_pending_set). */
int ui_pending_toggle(struct ui_pending *p, const struct ui_snapshot *s, size_t fi, char *why,
		      size_t n);
/* Marks feature fi to take value (text as typed: "on", "15kmh", "30");
 * the current value, or an empty one, unmarks it. Returns 1 when marked,
 * 0 when unmarked, -1 when it cannot change (the reason goes to why). The
 * app checks the value against what the feature accepts when writing. */
int ui_pending_set(struct ui_pending *p, const struct ui_snapshot *s, size_t fi,
		   const char *value, char *why, size_t n);
/* Checks a typed value against what feature f says it accepts (its
 * values text: named values, a range with its unit, a text length and
 * characters), so a value it cannot take is refused where it is typed.
 * An empty value (unmark) and the current one always pass; steps and
 * script checks are the app's when writing. Returns 0 when it passes, -1
 * with a message naming what the feature accepts in why. */
int ui_value_check(const struct ui_feature *f, const char *text, char *why, size_t n);
/* Drops changes whose feature is gone, cannot change any more or already
 * has the wanted value (after a fresh read); returns how many. */
size_t ui_pending_prune(struct ui_pending *p, const struct ui_snapshot *s);
/* Drops the changes listed in done (after they were written). */
void ui_pending_remove(struct ui_pending *p, const struct ui_pending *done);
/* Fills changes for app_code (pointing into p); returns the count. */
size_t ui_pending_changes(const struct ui_pending *p, struct app_change *out, size_t max);
/* The plan as lines grouped by module: a module line, then one line per
 * feature "  NAME: OLD -> NEW (DID XXXX byte B)". */
void ui_pending_plan(const struct ui_pending *p, const struct ui_snapshot *s,
		     struct ui_lines *out);

#endif
