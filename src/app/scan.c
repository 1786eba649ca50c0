/* scan.c: the module scan: the VIN, the brand script it matches, the
 * identification of every module the script declares (ident.c) and,
 * unless the options ask for the declared modules only, the modules
 * discovery finds besides them (discover.c). Stopping is safe between
 * modules. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"

/* Takes the VIN from a mode 09 PID 02 reply (49 02 01 + 17 characters). */
static int vin_from_obd(struct app *a, const uint8_t *data, size_t len, struct error *e)
{
	if (len < 3 + 17)
		return error_set(e, ERR_PROTOCOL, "VIN reply too short (%zu bytes)", len);
	app_ident_text(data + len - 17, 17, a->vin, sizeof a->vin);
	return 0;
}

/* Asks every OBD-II ECU on 29-bit identifiers (functional 18DB33F1) for
 * the VIN; the first answer counts. */
static int read_vin_29bit(struct app *a, struct error *e)
{
	static struct isotp_msg replies[8];
	uint8_t req[2] = { 0x09, 0x02 };
	size_t n;

	if (uds_request_functional(a->uds, 0x18DB33F1, true, req, sizeof req, 1000, replies, 8, &n,
				   e) < 0)
		return -(int)e->kind;
	if (n == 0 || replies[0].len < 2 || replies[0].data[0] != 0x49)
		return error_set(e, ERR_TIMEOUT, "no ECU gave its VIN on 29-bit identifiers");
	return vin_from_obd(a, replies[0].data, replies[0].len, e);
}

/* Reads the VIN: UDS F190 from the engine, else OBD-II mode 09 PID 02 on
 * 11-bit identifiers, else on 29-bit ones. */
static int read_vin(struct app *a, struct error *e)
{
	struct uds_target engine = { "engine", { 0x7E0, 0x7E8, false } };
	struct uds_target obd = { "OBD-II", { 0x7DF, 0x7E8, false } };
	uint8_t data[DID_MAX], req[2] = { 0x09, 0x02 };
	size_t len;

	if (uds_read_did(a->uds, &engine, UDS_DID_VIN, data, sizeof data, &len, e) == 0 &&
	    len >= 17) {
		app_ident_text(data, 17, a->vin, sizeof a->vin);
		return 0;
	}
	if (uds_request(a->uds, &obd, req, sizeof req, data, sizeof data, &len, e) == 0)
		return vin_from_obd(a, data, len, e);
	if (e->kind != ERR_TIMEOUT)
		return error_wrap(e, "reading the VIN");
	if (read_vin_29bit(a, e) < 0)
		return error_wrap(e, "reading the VIN (11-bit and 29-bit identifiers)");
	return 0;
}

/* Fills the module list from the matched brand, or a generic engine module
 * at the OBD-II engine ECU's addressing. */
static void build_module_list(struct app *a)
{
	size_t i;

	a->nmodules = 0;
	for (i = 0; i < script_module_count(a->scripts) && a->nmodules < APP_MAX_MODULES; i++) {
		const struct script_module *sm = script_module(a->scripts, i);
		struct app_module *m;
		if (a->brand < 0 || sm->brand != (size_t)a->brand)
			continue;
		m = &a->modules[a->nmodules++];
		memset(m, 0, sizeof *m);
		snprintf(m->id, sizeof m->id, "%s", sm->id);
		snprintf(m->name, sizeof m->name, "%s", sm->name);
		m->tx = sm->tx;
		m->rx = sm->rx;
		m->ext = sm->ext;
		m->script_module = i;
	}
	if (a->nmodules == 0) {
		struct app_module *m = &a->modules[a->nmodules++];
		struct app_can_target en = app_live_engine(a);
		memset(m, 0, sizeof *m);
		snprintf(m->id, sizeof m->id, "engine");
		snprintf(m->name, sizeof m->name, "Engine (OBD-II)");
		m->tx = en.tx;
		m->rx = en.rx;
		m->ext = en.ext;
		m->script_module = SIZE_MAX;
	}
}

/* Identifies the modules the brand script declares, stopping between
 * modules when asked to. */
static int identify_declared(struct app *a, struct error *e)
{
	size_t i;

	for (i = 0; i < a->nmodules; i++) {
		if (app_cancelled(a))
			return error_set(e, ERR_CANCELLED, "scan stopped before %s", a->modules[i].id);
		if (app_identify_module(a, &a->modules[i], e) < 0)
			return error_wrap(e, "scan stopped at %s", a->modules[i].id);
	}
	return 0;
}

/* Reads the VIN, matches a brand script, identifies every declared module
 * and discovers the others. */
int app_scan(struct app *a, struct error *e)
{
	int rc;

	session_set_operation(a->session, "scan");
	if (read_vin(a, e) < 0)
		return -(int)e->kind;
	if (session_set_vin(a->session, a->vin, e) < 0)
		app_say(a, APP_WARNING, "session: %s", e->text);
	if (script_match_vehicle(a->scripts, a->vin, NULL, &a->brand, e) < 0) /* that brand skipped */
		app_say(a, APP_WARNING, "brand scripts: %s; that brand does not match", e->text);
	app_say(a, APP_INFO, "VIN %s, brand script %s", a->vin, app_brand_name(a));
	if (a->brand >= 0)
		session_set_info(a->session, "brand", script_brand(a->scripts, (size_t)a->brand)->id);
	build_module_list(a);
	rc = identify_declared(a, e);
	if (rc == 0 && !a->opt.declared_only)
		rc = app_discover(a, e);
	session_write_manifest(a->session, false, NULL);
	return rc;
}
