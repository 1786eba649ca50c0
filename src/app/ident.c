/* ident.c: a module's identification: part number (F187), software
 * (F189), hardware (F191), serial (F18C), system name (F197) and supplier
 * (F18A), ISO 14229-1 annex C.
 *
 * They are asked three at a time, each group in one ReadDataByIdentifier
 * request of one frame (22 + three DIDs): the module answers with the
 * DIDs it has, in the order asked, and leaves out those it lacks (ISO
 * 14229-1, 0x22: 0x31 only when it has none of them). Every request costs
 * the adapter's wait after the last reply, so two requests instead of six
 * make a scan much shorter. A module that refuses several DIDs in one
 * request, answers with only the first of them, or gives a reply that
 * does not split into text values is asked one DID at a time instead. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"

#define GROUP 3

/* One identification DID and where its text goes. */
struct ident_field {
	uint16_t did;
	char *out;
	bool got;
};

/* Makes a printable identification string from DID bytes. */
void app_ident_text(const uint8_t *data, size_t n, char *out, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < cap; i++) {
		if (data[i] == 0)
			break;
		out[k++] = isprint(data[i]) ? (char)data[i] : '.';
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = 0;
}

/* True when the adapter is gone (pulled out, link closed). */
bool app_link_lost(const struct error *e)
{
	return e->kind == ERR_EOF || e->kind == ERR_IO;
}

/* Reads one identification DID as text; empty when the module lacks it. */
static int read_ident(struct app *a, const struct app_module *m, uint16_t did, char *out,
		      size_t cap, struct error *e)
{
	struct uds_target t = app_module_target(m);
	uint8_t data[DID_MAX];
	size_t len;

	out[0] = 0;
	if (uds_read_did(a->uds, &t, did, data, sizeof data, &len, e) < 0)
		return -(int)e->kind;
	app_ident_text(data, len, out, cap);
	return 0;
}

/* True when bytes are identification text: printable ASCII, padded with
 * NUL, spaces or FF. */
static bool is_text(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(p[i] >= 0x20 && p[i] < 0x7F) && p[i] != 0 && p[i] != 0xFF)
			return false;
	return true;
}

/* Index of the field whose DID starts at r[pos], from field from on; -1. */
static int did_at(const uint8_t *r, size_t n, size_t pos, const struct ident_field *f, size_t from)
{
	size_t k;

	for (k = from; k < GROUP && pos + 1 < n; k++)
		if (r[pos] == f[k].did >> 8 && r[pos + 1] == (f[k].did & 0xFF))
			return (int)k;
	return -1;
}

/* Splits a reply 62 DID data DID data...: the DIDs in the order asked,
 * each value running to where a DID asked after it starts. Returns the
 * DIDs found, -1 when it does not split into text values. */
static int split_reply(const uint8_t *r, size_t n, struct ident_field *f)
{
	size_t pos = 1, next = 0, end;
	int k, found = 0;

	while (pos < n) {
		if ((k = did_at(r, n, pos, f, next)) < 0)
			return -1;
		for (end = pos + 2; end < n && did_at(r, n, end, f, (size_t)k + 1) < 0; end++)
			;
		if (!is_text(r + pos + 2, end - pos - 2))
			return -1;
		app_ident_text(r + pos + 2, end - pos - 2, f[k].out, APP_IDENT_MAX);
		f[k].got = true;
		found++;
		next = (size_t)k + 1;
		pos = end;
	}
	return found;
}

/* Asks a group of DIDs in one request. 1: the fields are filled (those the
 * module lacks empty); 0: ask them one at a time (f[k].got tells which
 * are done); negative: no answer or the link failed (e set). */
static int read_group(struct app *a, const struct app_module *m, struct ident_field *f,
		      struct error *e)
{
	struct uds_target t = app_module_target(m);
	uint8_t req[1 + 2 * GROUP], resp[DID_MAX];
	size_t len, k;
	int found;

	req[0] = 0x22;
	for (k = 0; k < GROUP; k++) {
		req[1 + 2 * k] = (uint8_t)(f[k].did >> 8);
		req[2 + 2 * k] = (uint8_t)f[k].did;
		f[k].out[0] = 0;
		f[k].got = false;
	}
	if (uds_request(a->uds, &t, req, sizeof req, resp, sizeof resp, &len, e) < 0) {
		if (e->kind == ERR_NEGATIVE && e->detail == 0x31) {
			for (k = 0; k < GROUP; k++)
				f[k].got = true; /* it has none of them */
			return 1;
		}
		return e->kind == ERR_NEGATIVE ? 0 : -(int)e->kind;
	}
	found = split_reply(resp, len, f);
	if (found < 0) {
		for (k = 0; k < GROUP; k++) {
			f[k].got = false;
			f[k].out[0] = 0;
		}
		return 0;
	}
	if (found == 1) /* perhaps a module that answers the first DID only */
		return 0;
	for (k = 0; k < GROUP; k++)
		f[k].got = true;
	return 1;
}

/* Reads the fields of a group the group request left open, one at a time. */
static int read_singles(struct app *a, const struct app_module *m, struct ident_field *f,
			struct error *fatal)
{
	struct error e;
	size_t k;

	for (k = 0; k < GROUP; k++) {
		if (f[k].got)
			continue;
		error_clear(&e);
		if (read_ident(a, m, f[k].did, f[k].out, APP_IDENT_MAX, &e) == 0 ||
		    e.kind == ERR_NEGATIVE)
			continue;
		if (app_link_lost(&e))
			return *fatal = e, -(int)e.kind;
		snprintf(f[k].out, APP_IDENT_MAX, "?");
		app_say(a, APP_WARNING, "%s: DID %04X: %s", m->id, f[k].did, e.text);
	}
	return 0;
}

/* Reads the first group, which also tells whether the module is there:
 * silent means absent. Returns 0, or negative when the link is lost. */
static int read_first_group(struct app *a, struct app_module *m, struct ident_field *f,
			    struct error *fatal)
{
	struct error e;
	int rc;

	error_clear(&e);
	rc = read_group(a, m, f, &e);
	if (rc < 0 && app_link_lost(&e))
		return *fatal = e, rc;
	if (rc < 0) {
		m->present = false;
		snprintf(m->error, sizeof m->error, "%s", e.text);
		app_say(a, APP_WARNING, "%s %s: %s", m->id, m->name,
			e.detail == ELM_NO_DATA ? "no answer" : e.text);
		return 0;
	}
	m->present = true;
	return rc == 0 ? read_singles(a, m, f, fatal) : 0;
}

/* A module that refuses its software version (F189) but names its boot
 * software (F180, ISO 14229-1 C.1) runs its boot loader: its application
 * is missing, typically after an interrupted flash. */
static int detect_boot(struct app *a, struct app_module *m, struct error *fatal)
{
	struct error e;

	m->boot = false;
	m->boot_sw[0] = 0;
	if (m->sw[0] != 0)
		return 0;
	error_clear(&e);
	if (read_ident(a, m, DID_BOOT_SOFTWARE, m->boot_sw, sizeof m->boot_sw, &e) < 0) {
		if (app_link_lost(&e))
			return *fatal = e, -(int)e.kind;
		return 0;
	}
	m->boot = true;
	app_say(a, APP_WARNING, "module %s %s is in its boot loader (boot software %s): its "
		"application software is missing; flash it (obdcon flash, or flash --resume)",
		m->id, m->name, m->boot_sw);
	return 0;
}

/* Reads one module's identification; a silent module is marked absent,
 * a lost link stops everything (returned in fatal). */
int app_identify_module(struct app *a, struct app_module *m, struct error *fatal)
{
	struct ident_field first[GROUP] = { { UDS_DID_PART_NUMBER, m->part, false },
					    { UDS_DID_SW_VERSION, m->sw, false },
					    { UDS_DID_HW_VERSION, m->hw, false } };
	struct ident_field second[GROUP] = { { UDS_DID_SERIAL, m->serial, false },
					     { UDS_DID_SYSTEM_NAME, m->system, false },
					     { UDS_DID_SUPPLIER, m->supplier, false } };
	struct session_module sm;
	struct error e;
	int rc;

	app_say(a, APP_PROGRESS, "identifying %s %s", m->id, m->name);
	m->error[0] = 0;
	if (read_first_group(a, m, first, fatal) < 0)
		return -(int)fatal->kind;
	if (!m->present)
		return 0;
	error_clear(&e);
	rc = read_group(a, m, second, &e);
	if (rc < 0 && app_link_lost(&e))
		return *fatal = e, rc;
	if (rc <= 0 && read_singles(a, m, second, fatal) < 0)
		return -(int)fatal->kind;
	if (detect_boot(a, m, fatal) < 0)
		return -(int)fatal->kind;
	sm = (struct session_module){ m->id, m->name, m->tx, m->rx, m->part, m->sw, m->hw };
	session_add_module(a->session, &sm);
	app_say(a, APP_INFO, "module %s %s: part %s, software %s, hardware %s", m->id, m->name,
		m->part[0] ? m->part : "-", m->sw[0] ? m->sw : "-", m->hw[0] ? m->hw : "-");
	return 0;
}

/* Reads module i's identification again (after a flash). */
int identify_again(struct app *a, size_t i, struct error *e)
{
	if (i >= a->nmodules)
		return error_set(e, ERR_ARG, "no module %zu", i);
	return app_identify_module(a, &a->modules[i], e);
}
