/* flash_pending.c: finding the flashes of the connected vehicle that did
 * not end well, in the journals of its earlier sessions, so the console
 * can offer to resume one when it connects.
 *
 * A journal's "session" line names the session where the flash began; a
 * resume copies it into the new session's journal. A flash is finished
 * when any journal of the same beginning and the same image ended ok;
 * otherwise the newest journal of it is the one to resume from. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "app/journal.h"
#include "session/store.h"
#include "util/fsutil.h"

/* One journal found, with the session directory holding it. */
struct found {
	const struct session_info *si;
	struct journal j;
};

/* Loads the journal of a session directory of this vehicle; false when
 * there is none, it is unreadable, or the session is another car's. */
static bool load_journal(const struct app *a, const struct session_info *si, struct journal *j)
{
	char path[JOURNAL_PATH_MAX];
	struct error e;

	if (si->path == NULL || si->vin == NULL || strcmp(si->vin, a->vin) != 0)
		return false;
	if (a->session && strcmp(si->path, session_path(a->session)) == 0)
		return false;
	if (fs_join(path, sizeof path, si->path, "journal") < 0 || !fs_is_file(path))
		return false;
	error_clear(&e);
	return journal_load(j, path, NULL, &e) == 0;
}

/* True when another journal of the same flash (same beginning, same
 * image) ended ok. */
static bool finished_elsewhere(const struct found *v, size_t n, size_t k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i != k && v[i].j.end == JOURNAL_OK &&
		    strcmp(v[i].j.session, v[k].j.session) == 0 &&
		    strcmp(v[i].j.image_sha256, v[k].j.image_sha256) == 0)
			return true;
	return false;
}

/* True when a later journal continues the same flash (it is the one to
 * resume from). */
static bool superseded(const struct found *v, size_t n, size_t k)
{
	size_t i;

	for (i = k + 1; i < n; i++)
		if (strcmp(v[i].j.session, v[k].j.session) == 0 &&
		    strcmp(v[i].j.image_sha256, v[k].j.image_sha256) == 0)
			return true;
	return false;
}

/* Records whether the flash's module runs its software now (found by the
 * scan, not in its boot loader) and which. */
static void module_now(const struct app *a, const char *module, struct app_flash_pending *p)
{
	size_t i;

	for (i = 0; i < a->nmodules; i++)
		if (strcmp(a->modules[i].id, module) == 0 && a->modules[i].present &&
		    !a->modules[i].boot) {
			p->module_runs = true;
			snprintf(p->module_sw, sizeof p->module_sw, "%s", a->modules[i].sw);
		}
}

/* Fills what the console shows about one unfinished flash. */
static void describe(const struct app *a, const struct found *f, struct app_flash_pending *p)
{
	const struct journal *j = &f->j;

	memset(p, 0, sizeof *p);
	snprintf(p->session, sizeof p->session, "%s", f->si->path);
	snprintf(p->name, sizeof p->name, "%s", f->si->name ? f->si->name : "");
	snprintf(p->started, sizeof p->started, "%s", f->si->started ? f->si->started : "");
	snprintf(p->procedure, sizeof p->procedure, "%s", j->procedure);
	snprintf(p->module, sizeof p->module, "%s", j->module);
	snprintf(p->image, sizeof p->image, "%s", j->image_path);
	p->image_present = fs_is_file(j->image_path);
	p->no_return = j->no_return;
	module_now(a, j->module, p);
	p->blocks = j->dl.active ? j->dl.blocks : 0;
	p->confirmed = j->dl.active ? j->dl.confirmed : 0;
	if (j->end == JOURNAL_FAILED)
		snprintf(p->state, sizeof p->state, "failed: %s", j->reason);
	else
		snprintf(p->state, sizeof p->state, "interrupted (the program ended during it)");
}

/* Finds the unfinished flashes of the connected vehicle, newest first. */
size_t app_flash_pending(const struct app *a, struct app_flash_pending *out, size_t max)
{
	struct session_info *list = NULL;
	struct found *v;
	size_t nlist = 0, n = 0, i, got = 0;
	struct error e;

	error_clear(&e);
	if (a->vin[0] == 0 || max == 0 ||
	    session_list(a->opt.sessions_dir, &list, &nlist, &e) < 0)
		return 0;
	v = calloc(nlist ? nlist : 1, sizeof *v);
	for (i = 0; v && i < nlist; i++) {
		v[n].si = &list[i];
		if (load_journal(a, &list[i], &v[n].j))
			n++;
	}
	for (i = n; v && i-- > 0 && got < max;)
		if (v[i].j.end != JOURNAL_OK && !finished_elsewhere(v, n, i) && !superseded(v, n, i))
			describe(a, &v[i], &out[got++]);
	free(v);
	session_list_free(list, nlist);
	return got;
}
