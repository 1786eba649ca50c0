/* dtc.c: fault codes of every module: read (UDS 0x19, or OBD-II mode 03
 * when a module does not speak UDS), described, cleared after a
 * confirmation and read again. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "diag/dtc.h"
#include "diag/obd.h"

#define DTC_MASK_ALL 0xFF

/* Fills one entry from a UDS 3-byte code and its status. */
static void fill_uds(struct app_dtc *d, uint32_t code, uint8_t status)
{
	char failure[3];

	memset(d, 0, sizeof *d);
	dtc_format_uds_parts(code, d->code, failure);
	dtc_format_hex(code, 3, d->raw);
	d->status = status;
	dtc_status_words(status, d->status_text, sizeof d->status_text);
	d->text = dtc_description((uint16_t)(code >> 8));
	d->failure_type = (uint8_t)code;
}

/* Fills one entry from an OBD-II 2-byte code (stored codes are confirmed). */
static void fill_obd(struct app_dtc *d, uint16_t code)
{
	memset(d, 0, sizeof *d);
	dtc_format_obd(code, d->code);
	dtc_format_hex(code, 2, d->raw);
	d->status = DTC_ST_CONFIRMED;
	dtc_status_words(d->status, d->status_text, sizeof d->status_text);
	d->text = dtc_description(code);
}

/* Reads stored codes with OBD-II mode 03 (engine ECUs without UDS 0x19). */
static int read_obd_dtcs(struct app *a, size_t mi, struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[mi]);
	struct app_module_dtcs *md = &a->dtcs[mi];
	uint16_t codes[APP_MAX_DTCS];
	size_t n, i;

	if (obd_read_dtcs(a->uds, &t, 0x03, codes, APP_MAX_DTCS, &n, e) < 0)
		return -(int)e->kind;
	for (i = 0; i < n; i++)
		fill_obd(&md->dtcs[i], codes[i]);
	md->n = n;
	md->obd = true;
	return 0;
}

/* Reads one module's codes: UDS 0x19 02 with every status bit, falling
 * back to OBD-II mode 03 when the module refuses the service. */
static int read_module_dtcs(struct app *a, size_t mi, struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[mi]);
	struct app_module_dtcs *md = &a->dtcs[mi];
	struct uds_dtc codes[APP_MAX_DTCS];
	uint8_t avail = 0;
	size_t n, i;

	memset(md, 0, sizeof *md);
	if (uds_dtcs_by_mask(a->uds, &t, DTC_MASK_ALL, &avail, codes, APP_MAX_DTCS, &n, e) < 0) {
		if (e->kind == ERR_NEGATIVE && (e->detail == 0x11 || e->detail == 0x12) &&
		    a->modules[mi].tx >= 0x7E0 && a->modules[mi].tx <= 0x7E7)
			return read_obd_dtcs(a, mi, e);
		return -(int)e->kind;
	}
	for (i = 0; i < n; i++)
		fill_uds(&md->dtcs[i], codes[i].code, codes[i].status);
	md->n = n;
	md->avail_mask = avail;
	return 0;
}

/* Reads the fault codes of one module (index) or of every present module (-1). */
int app_read_dtcs(struct app *a, int module, struct error *e)
{
	size_t i, failed = 0;
	struct error me;

	session_set_operation(a->session, "dtc");
	for (i = 0; i < a->nmodules; i++) {
		if ((module >= 0 && (size_t)module != i) || !a->modules[i].present)
			continue;
		app_say(a, APP_PROGRESS, "reading fault codes of %s %s", a->modules[i].id,
			a->modules[i].name);
		error_clear(&me);
		if (read_module_dtcs(a, i, &me) < 0) {
			failed++;
			a->dtcs[i].read = false;
			snprintf(a->dtcs[i].error, sizeof a->dtcs[i].error, "%s", me.text);
			app_say(a, APP_WARNING, "%s: %s", a->modules[i].id, me.text);
			*e = me;
			continue;
		}
		a->dtcs[i].read = true;
		app_say(a, APP_INFO, "%s %s: %zu fault code%s", a->modules[i].id, a->modules[i].name,
			a->dtcs[i].n, a->dtcs[i].n == 1 ? "" : "s");
	}
	if (module >= 0 && failed)
		return -(int)e->kind;
	error_clear(e);
	return 0;
}

/* Fault codes read for module i (NULL when out of range). */
const struct app_module_dtcs *app_module_dtcs(const struct app *a, size_t i)
{
	return i < a->nmodules ? &a->dtcs[i] : NULL;
}

/* Clears one module's codes (after the read that precedes a clear). */
static int clear_module(struct app *a, size_t mi, struct error *e)
{
	struct uds_target t = app_module_target(&a->modules[mi]);

	if (a->dtcs[mi].obd)
		return obd_clear_dtcs(a->uds, &t, e);
	return uds_clear_dtcs(a->uds, &t, 0xFFFFFF, NULL, e);
}

/* True if the codes of at least one of the modules were read. */
static bool any_read(const struct app *a, int module)
{
	size_t i;

	for (i = 0; i < a->nmodules; i++)
		if ((module < 0 || (size_t)module == i) && a->modules[i].present && a->dtcs[i].read)
			return true;
	return false;
}

/* Builds the confirmation text: which modules and how many codes. */
static void describe_clear(struct app *a, int module, char *out, size_t n)
{
	size_t i, used = 0;

	out[0] = 0;
	for (i = 0; i < a->nmodules && used < n; i++) {
		if ((module >= 0 && (size_t)module != i) || !a->modules[i].present)
			continue;
		if (!a->dtcs[i].read)
			used += (size_t)snprintf(out + used, n - used, "%s %s: could not be read, "
						 "is left alone\n", a->modules[i].id,
						 a->modules[i].name);
		else
			used += (size_t)snprintf(out + used, n - used, "%s %s: %zu fault code%s "
						 "stored\n", a->modules[i].id, a->modules[i].name,
						 a->dtcs[i].n, a->dtcs[i].n == 1 ? "" : "s");
	}
	if (used < n)
		snprintf(out + used, n - used,
			 "Clearing also erases freeze frames and readiness monitors.\n"
			 "The codes are kept in this session's events and manifest.");
}

/* Records the codes about to be cleared in the session, so nothing is lost. */
static void record_before_clear(struct app *a, int module)
{
	size_t i, k;

	for (i = 0; i < a->nmodules; i++) {
		if ((module >= 0 && (size_t)module != i) || !a->dtcs[i].read)
			continue;
		for (k = 0; k < a->dtcs[i].n; k++)
			session_event(a->session, "before clear: %s %s %s (%s)%s%s", a->modules[i].id,
				      a->dtcs[i].dtcs[k].code, a->dtcs[i].dtcs[k].raw,
				      a->dtcs[i].dtcs[k].status_text, a->dtcs[i].dtcs[k].text ? ": " : "",
				      a->dtcs[i].dtcs[k].text ? a->dtcs[i].dtcs[k].text : "");
	}
}

/* Clears fault codes of one module or all, after reading them and a
 * confirmation (default no), then reads them again to show the result. */
int app_clear_dtcs(struct app *a, int module, struct error *e)
{
	char body[2048];
	size_t i;
	struct error me;

	if (app_read_dtcs(a, module, e) < 0)
		return error_wrap(e, "reading before clearing");
	if (!any_read(a, module))
		return error_set(e, ERR_IO, "the fault codes could not be read: nothing was cleared");
	describe_clear(a, module, body, sizeof body);
	if (!a->hooks.confirm || !a->hooks.confirm(a->hooks.arg, "Clear fault codes?", body))
		return error_set(e, ERR_REFUSED, "not confirmed: nothing was cleared");
	session_set_operation(a->session, "dtc clear");
	record_before_clear(a, module);
	for (i = 0; i < a->nmodules; i++) {
		if ((module >= 0 && (size_t)module != i) || !a->modules[i].present ||
		    !a->dtcs[i].read) /* never clear codes nobody has seen */
			continue;
		error_clear(&me);
		if (clear_module(a, i, &me) < 0) {
			app_say(a, APP_ERROR, "clearing %s failed: %s", a->modules[i].id, me.text);
			*e = me;
			return -(int)e->kind;
		}
		app_say(a, APP_INFO, "cleared the fault codes of %s %s", a->modules[i].id,
			a->modules[i].name);
	}
	return app_read_dtcs(a, module, e);
}
