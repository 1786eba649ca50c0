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

/* One marked change: feature id and the value to write. */
struct ui_change {
	char id[64];
	int value;
};

/* The marked changes, in the order they were marked. */
struct ui_pending {
	struct ui_change items[UI_PENDING_MAX];
	size_t n;
};

/* Index of a feature's change, or -1. */
int ui_pending_find(const struct ui_pending *p, const char *id);
/* Marks feature fi of the snapshot to flip, or unmarks it when marked.
 * Returns 1 when marked, 0 when unmarked, -1 when it cannot change (the
 * reason goes to why). */
int ui_pending_toggle(struct ui_pending *p, const struct ui_snapshot *s, size_t fi, char *why,
		      size_t n);
/* Drops changes whose feature is gone or already has the wanted value
 * (after a write or a fresh read); returns how many were dropped. */
size_t ui_pending_prune(struct ui_pending *p, const struct ui_snapshot *s);
/* Fills changes for app_code (pointing into p); returns the count. */
size_t ui_pending_changes(const struct ui_pending *p, struct app_change *out, size_t max);
/* The plan as lines grouped by module: a module line, then one line per
 * feature "  NAME: OLD -> NEW (DID XXXX byte B bit N)". */
void ui_pending_plan(const struct ui_pending *p, const struct ui_snapshot *s,
		     struct ui_lines *out);

#endif
