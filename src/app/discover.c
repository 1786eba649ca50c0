/* discover.c: generic module discovery: the modules that answer on the
 * diagnostic identifiers besides those the brand script declares.
 *
 * One TesterPresent (3E 00) goes to each request identifier in turn, with
 * a receive filter that passes the whole reply range (ATCF/ATCM) and a
 * short wait per identifier (DISCOVER_WAIT_MS), without the response-count
 * digit. An identifier nobody listens to costs that wait and nothing more,
 * so a silent range cannot hang the scan; and since the filter passes
 * every reply identifier, a module that answers after its own wait is
 * still heard in the wait of a later probe.
 *
 *   11-bit: request identifiers 700..7F7, except 7DF (functional OBD
 *   requests), 7E8..7EF (OBD reply identifiers, ISO 15765-4), the brand
 *   script's modules and every reply identifier already known (a probe
 *   must not speak with a module's voice). The reply usually comes on the
 *   request identifier + 8, but some makes pair them otherwise (VW group:
 *   70E/778), so it is taken as it comes: heard in the probe's own wait,
 *   it belongs to that probe; heard later, to the identifier 8 below it
 *   when that one was probed and stayed silent. A pair that then gets no
 *   answer to its identification is tried again with the few identifiers
 *   probed before it (an answer later than the wait, not + 8).
 *   29-bit (normal fixed addressing, ISO 15765-2): 18DA xx F1 is answered
 *   on 18DA F1 xx, for every xx but F1 (the tester).
 *
 * The bus's identifier width decides the range (the adapter's protocol
 * search); a brand script declaring modules of the other width adds that
 * range too. STN adapters send a probe as one STPX line naming its
 * identifier; plain ELM327s and clones need an ATSH line before it. Every
 * module found is then identified as the declared ones are. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "util/clock.h"

#define DISCOVER_WAIT_MS 12    /* listening after each probe */
#define DISCOVER_ANSWERS 16    /* answers kept from one probe */
#define DISCOVER_FAILURES 8    /* adapter errors before discovery gives up */
#define DISCOVER_REPAIR 4      /* earlier probes a late answer may belong to */
#define ID11_FIRST 0x700u
#define ID11_LAST 0x7F7u

/* A module heard during the sweep. */
struct found {
	uint32_t tx, rx;
	bool ext;
	bool own_wait;       /* it answered in the wait of its own probe */
};

/* The state of one discovery run. */
struct sweep {
	struct app *a;
	struct found found[APP_MAX_MODULES];
	size_t nfound;
	uint8_t probed[0x800 / 8];   /* 11-bit identifiers probed */
	uint8_t answered[0x800 / 8]; /* 11-bit identifiers a module answers on */
	unsigned probes, failures;
	size_t total, done;
	struct isotp_msg answers[DISCOVER_ANSWERS];
};

/* Sets or tests a bit of an 11-bit identifier set. */
static bool bit(uint8_t *set, uint32_t id, bool mark)
{
	uint8_t m = (uint8_t)(1u << (id & 7));

	id &= 0x7FF;
	if (mark)
		set[id >> 3] |= m;
	return (set[id >> 3] & m) != 0;
}

/* True when a declared module or a module found already uses id (as its
 * request or reply identifier). */
static bool known_id(const struct sweep *w, uint32_t id, bool ext)
{
	size_t i;

	for (i = 0; i < w->a->nmodules; i++) {
		const struct app_module *m = &w->a->modules[i];
		if (m->ext == ext && (m->tx == id || m->rx == id))
			return true;
	}
	for (i = 0; i < w->nfound; i++)
		if (w->found[i].ext == ext && (w->found[i].tx == id || w->found[i].rx == id))
			return true;
	return false;
}

/* The request identifier of probe k of a range, or 0 for one to skip. */
static uint32_t probe_id(const struct sweep *w, bool ext, uint32_t k)
{
	uint32_t id;

	if (ext) {
		id = 0x18DA00F1u | k << 8;
		return k == 0xF1 || known_id(w, id, true) ? 0 : id;
	}
	id = ID11_FIRST + k;
	if (id == 0x7DF || (id >= 0x7E8 && id <= 0x7EF) || known_id(w, id, false))
		return 0;
	return id;
}

/* True for an answer to TesterPresent: positive (7E) or negative (7F 3E). */
static bool tester_present_answer(const struct isotp_msg *m)
{
	return (m->len >= 1 && m->data[0] == 0x7E) ||
	       (m->len >= 3 && m->data[0] == 0x7F && m->data[1] == 0x3E);
}

/* The request identifier an 11-bit answer on rx belongs to, heard in the
 * wait of the probe to tx (see the top of this file). */
static uint32_t owner_11(struct sweep *w, uint32_t tx, uint32_t rx)
{
	uint32_t below = rx - 8;

	if (rx == tx + 8 || rx < ID11_FIRST + 8)
		return tx;
	if (below != tx && bit(w->probed, below, false) && !bit(w->answered, below, false))
		return below;
	return tx;
}

/* Records one answer heard after the probe to tx. */
static void take_answer(struct sweep *w, uint32_t tx, bool ext, const struct isotp_msg *m)
{
	struct found *f;
	size_t i;

	if (!tester_present_answer(m))
		return;
	for (i = 0; i < w->a->nmodules; i++)
		if (w->a->modules[i].ext == ext && w->a->modules[i].rx == m->id)
			return; /* a declared module: identified already */
	for (i = 0; i < w->nfound; i++)
		if (w->found[i].ext == ext && w->found[i].rx == m->id)
			return;
	if (w->a->nmodules + w->nfound >= APP_MAX_MODULES)
		return;
	f = &w->found[w->nfound++];
	f->rx = m->id;
	f->ext = ext;
	f->tx = ext ? 0x18DA00F1u | (m->id & 0xFF) << 8 : owner_11(w, tx, m->id);
	f->own_wait = f->tx == tx;
	if (!ext)
		bit(w->answered, f->tx, true);
}

/* Reports how far the sweep is to a progress hook (no message: a line
 * per probe would bury the log). */
static void report(struct sweep *w)
{
	struct app_progress p = { "discovering modules", w->done, w->total, 0, -1, "identifiers" };

	if (w->a->hooks.progress)
		w->a->hooks.progress(w->a->hooks.arg, &p);
}

/* An adapter error during a probe: resynchronise and go on, up to a
 * limit; a lost link stops the scan. */
static int probe_failed(struct sweep *w, uint32_t tx, struct error *e)
{
	struct error re;

	if (app_link_lost(e))
		return error_wrap(e, "discovering modules at %X", (unsigned)tx);
	app_say(w->a, APP_WARNING, "discovery: probe to %X: %s", (unsigned)tx, e->text);
	error_clear(e);
	error_clear(&re);
	if (++w->failures > DISCOVER_FAILURES || adapter_recover(w->a->adapter, &re) < 0) {
		app_say(w->a, APP_WARNING, "discovery given up after %u adapter errors%s%s",
			w->failures, re.text[0] ? ": " : "", re.text);
		return 1;
	}
	return 0;
}

/* Probes every identifier of one range; 1 when discovery gave up. */
static int sweep_range(struct sweep *w, bool ext, struct error *e)
{
	static const uint8_t tester_present[] = { 0x3E, 0x00 };
	struct can_filter f = ext ? (struct can_filter){ 0x18DAF100u, 0x1FFFFF00u, true }
				  : (struct can_filter){ ID11_FIRST, 0x700u, false };
	uint32_t k, count = ext ? 0x100 : ID11_LAST - ID11_FIRST + 1;
	struct isotp_msg *answers = w->answers;
	size_t n, i;
	int rc;

	for (k = 0; k < count; k++, w->done++) {
		uint32_t tx = probe_id(w, ext, k);
		if (tx == 0)
			continue;
		if (app_cancelled(w->a))
			return error_set(e, ERR_CANCELLED, "scan stopped while discovering modules (at %X)",
					 (unsigned)tx);
		w->probes++;
		report(w);
		if (!ext)
			bit(w->probed, tx, true);
		if (isotp_probe(w->a->tp, tx, &f, tester_present, sizeof tester_present,
				DISCOVER_WAIT_MS, answers, DISCOVER_ANSWERS, &n, e) < 0) {
			if ((rc = probe_failed(w, tx, e)) != 0)
				return rc;
			continue;
		}
		for (i = 0; i < n; i++)
			take_answer(w, tx, ext, &answers[i]);
	}
	return 0;
}

/* Which ranges to sweep: the bus's identifier width, and the other one
 * when the brand script declares modules there. */
static void choose_ranges(const struct app *a, bool *std, bool *ext)
{
	size_t i;

	*ext = adapter_info(a->adapter)->bus_ext;
	*std = !*ext;
	for (i = 0; i < a->nmodules; i++) {
		if (a->modules[i].script_module == SIZE_MAX)
			continue;
		if (a->modules[i].ext)
			*ext = true;
		else
			*std = true;
	}
}

/* Fills a module entry for a request/reply pair found by the sweep. */
static void describe_found(struct app_module *m, uint32_t tx, uint32_t rx, bool ext)
{
	memset(m, 0, sizeof *m);
	snprintf(m->id, sizeof m->id, ext ? "%08X" : "%03X", (unsigned)tx);
	snprintf(m->name, sizeof m->name, ext ? "Module at %08X" : "Module at %03X", (unsigned)tx);
	m->tx = tx;
	m->rx = rx;
	m->ext = ext;
	m->script_module = SIZE_MAX;
	m->discovered = true;
}

/* A module that answered the sweep but not its identification may have
 * answered late, in the wait of a later probe: asks the identifiers
 * probed just before with TesterPresent (at the normal timeout) and
 * returns the one that answers on rx, or 0. */
static uint32_t repair_11(struct sweep *w, uint32_t tx, uint32_t rx, struct error *fatal)
{
	uint32_t cand;
	int back;

	for (back = 1, cand = tx - 1; back <= DISCOVER_REPAIR && cand >= ID11_FIRST; cand--) {
		struct uds_target t = { "probe", { cand, rx, false } };
		struct error e;
		if (!bit(w->probed, cand, false) || bit(w->answered, cand, false))
			continue;
		back++;
		error_clear(&e);
		if (uds_tester_present(w->a->uds, &t, false, &e) == 0 || e.kind == ERR_NEGATIVE)
			return cand;
		if (app_link_lost(&e)) {
			*fatal = e;
			return 0;
		}
	}
	return 0;
}

/* Adds a module found by the sweep to the list and identifies it. */
static int add_found(struct sweep *w, const struct found *f, struct error *e)
{
	struct app *a = w->a;
	struct app_module *m = &a->modules[a->nmodules++];
	char system[APP_IDENT_MAX];
	uint32_t tx;

	describe_found(m, f->tx, f->rx, f->ext);
	if (app_identify_module(a, m, e) < 0)
		return -(int)e->kind;
	error_clear(e);
	if (!m->present && !f->ext && (tx = repair_11(w, f->tx, f->rx, e)) != 0) {
		app_say(a, APP_INFO, "the module answering on %03X answered late: it listens on %03X",
			(unsigned)f->rx, (unsigned)tx);
		bit(w->answered, tx, true);
		describe_found(m, tx, f->rx, false);
		if (app_identify_module(a, m, e) < 0)
			return -(int)e->kind;
	}
	if (app_link_lost(e))
		return -(int)e->kind;
	memcpy(system, m->system, sizeof system);
	if (system[0] && strcmp(system, "?") != 0)
		snprintf(m->name, sizeof m->name, "%s", system);
	if (!m->present) {
		/* it answered TesterPresent, so it is there */
		m->present = true;
		snprintf(m->error, sizeof m->error, "answers TesterPresent on %X, but not its "
			 "identification on %X", (unsigned)f->rx, (unsigned)f->tx);
	}
	return 0;
}

/* Identifies the modules the sweep found, stopping between modules when
 * asked to. */
static int identify_found(struct sweep *w, struct error *e)
{
	size_t i;

	for (i = 0; i < w->nfound && w->a->nmodules < APP_MAX_MODULES; i++) {
		if (app_cancelled(w->a))
			return error_set(e, ERR_CANCELLED, "scan stopped before identifying %X",
					 (unsigned)w->found[i].tx);
		app_say(w->a, APP_INFO, "discovered a module at %0*X/%0*X (not declared by the brand "
			"script)%s", w->found[i].ext ? 8 : 3, (unsigned)w->found[i].tx,
			w->found[i].ext ? 8 : 3, (unsigned)w->found[i].rx,
			w->found[i].own_wait ? "" : ", answering late");
		if (add_found(w, &w->found[i], e) < 0)
			return error_wrap(e, "identifying discovered module %X",
					  (unsigned)w->found[i].tx);
	}
	return 0;
}

/* Finds, adds and identifies the modules the brand script does not declare. */
int app_discover(struct app *a, struct error *e)
{
	struct sweep *w = calloc(1, sizeof *w);
	struct error ee;
	bool std, ext;
	int64_t t0 = clock_us();
	int rc = 0;

	if (w == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	w->a = a;
	choose_ranges(a, &std, &ext);
	w->total = (std ? ID11_LAST - ID11_FIRST + 1 : 0) + (ext ? 0x100 : 0);
	app_say(a, APP_PROGRESS, "discovering modules on %s identifiers",
		std && ext ? "11-bit and 29-bit" : ext ? "29-bit" : "11-bit");
	if (std)
		rc = sweep_range(w, false, e);
	if (rc == 0 && ext)
		rc = sweep_range(w, true, e);
	error_clear(&ee);
	if (isotp_end_probes(a->tp, &ee) < 0 && rc >= 0 && !app_link_lost(&ee)) {
		app_say(a, APP_WARNING, "after discovering modules: %s", ee.text);
	} else if (rc >= 0 && app_link_lost(&ee)) {
		*e = ee;
		rc = error_wrap(e, "after discovering modules");
	}
	if (rc >= 0) {
		app_say(a, APP_INFO, "discovery: %u identifiers probed in %.1f s, %zu module%s found "
			"besides the declared ones", w->probes, (double)(clock_us() - t0) / 1e6,
			w->nfound, w->nfound == 1 ? "" : "s");
		rc = identify_found(w, e);
	}
	free(w);
	return rc < 0 ? rc : 0;
}
