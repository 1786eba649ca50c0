/* obd_client.c: OBD-II client calls: each encodes a request, runs it over
 * the UDS client (which waits out 0x78 and names negative replies) and
 * decodes the reply. Requests go physically to one ECU. */
#include "config.h"
#include "diag/obd.h"

#include <string.h>

#define INFO_REPLY_MAX 1024

/* Runs one encoded request; n < 0 is the encoder's error. */
static int run(struct uds *u, const struct uds_target *t, const uint8_t *req, int n,
	       uint8_t *resp, size_t cap, size_t *rlen, struct error *e)
{
	if (n < 0)
		return n;
	return uds_request(u, t, req, (size_t)n, resp, cap, rlen, e);
}

/* Fails when the reply carries a PID the request did not ask for (or a
 * freeze frame other than the one asked for). */
static int check_asked(const struct uds_target *t, const struct obd_pids_reply *r,
		       const uint8_t *pids, size_t n, int frame, struct error *e)
{
	size_t i;

	for (i = 0; i < r->count; i++) {
		if (memchr(pids, r->items[i].pid, n) == NULL)
			return error_set(e, ERR_PROTOCOL, "%s: reply carries PID %02X, which was not "
					 "asked for", t->name, r->items[i].pid);
		if (frame >= 0 && r->items[i].frame != frame)
			return error_set(e, ERR_PROTOCOL, "%s: reply carries freeze frame %u, asked "
					 "for %d", t->name, r->items[i].frame, frame);
	}
	return 0;
}

/* Reads 1 to 6 PIDs. */
int obd_read_current(struct uds *u, const struct uds_target *t, const uint8_t *pids, size_t n,
		     struct obd_pids_reply *r, struct error *e)
{
	uint8_t req[1 + OBD_MAX_PIDS];

	r->count = 0;
	if (run(u, t, req, obd_enc_current(req, sizeof req, pids, n, e), r->raw, sizeof r->raw,
		&r->rawlen, e) < 0)
		return error_wrap(e, "reading PIDs");
	if (obd_dec_current(r->raw, r->rawlen, r->items, OBD_MAX_PIDS, &r->count, e) < 0)
		return error_wrap(e, "%s", t->name);
	return check_asked(t, r, pids, n, -1, e);
}

/* Reads 1 to 3 PIDs of a freeze frame. */
int obd_read_freeze(struct uds *u, const struct uds_target *t, const uint8_t *pids, size_t n,
		    uint8_t frame, struct obd_pids_reply *r, struct error *e)
{
	uint8_t req[1 + 2 * OBD_MAX_FREEZE_PIDS];

	r->count = 0;
	if (run(u, t, req, obd_enc_freeze(req, sizeof req, pids, n, frame, e), r->raw,
		sizeof r->raw, &r->rawlen, e) < 0)
		return error_wrap(e, "reading freeze frame %u", frame);
	if (obd_dec_freeze(r->raw, r->rawlen, r->items, OBD_MAX_PIDS, &r->count, e) < 0)
		return error_wrap(e, "%s", t->name);
	return check_asked(t, r, pids, n, frame, e);
}

/* Reads one supported bitmap (mode 01 PID or mode 09 info type). */
static int read_bitmap(struct uds *u, const struct uds_target *t, uint8_t mode, uint8_t base,
		       struct obd_pidset *s, struct error *e)
{
	uint8_t req[2] = { mode, base }, resp[OBD_REPLY_MAX];
	size_t rlen;

	if (run(u, t, req, 2, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "reading supported PIDs %02X", base);
	if (rlen < 2 || resp[1] != base)
		return error_set(e, ERR_PROTOCOL, "%s: reply to supported PIDs %02X names another",
				 t->name, base);
	if (obd_dec_supported(base, resp + 2, rlen - 2, s, e) < 0)
		return error_wrap(e, "%s", t->name);
	return 0;
}

/* Walks the supported bitmaps from 00 up. */
int obd_read_supported(struct uds *u, const struct uds_target *t, uint8_t mode,
		       struct obd_pidset *s, struct error *e)
{
	unsigned base;

	obd_pidset_clear(s);
	if (mode != OBD_MODE_CURRENT && mode != OBD_MODE_VEHICLE_INFO)
		return error_set(e, ERR_ARG, "mode %02X has no supported bitmaps here", mode);
	for (base = 0; base <= 0xE0; base += 0x20) {
		if (read_bitmap(u, t, mode, (uint8_t)base, s, e) < 0)
			return -(int)e->kind;
		if (!obd_pidset_has(s, (uint8_t)(base + 0x20)))
			break;
	}
	return 0;
}

/* Reads stored, pending or permanent DTCs. */
int obd_read_dtcs(struct uds *u, const struct uds_target *t, uint8_t mode, uint16_t *dtcs,
		  size_t cap, size_t *count, struct error *e)
{
	uint8_t req[1], resp[INFO_REPLY_MAX];
	size_t rlen;

	*count = 0;
	if (mode != OBD_MODE_STORED_DTCS && mode != OBD_MODE_PENDING_DTCS &&
	    mode != OBD_MODE_PERMANENT_DTCS)
		return error_set(e, ERR_ARG, "mode %02X does not list DTCs", mode);
	if (run(u, t, req, obd_enc_simple(req, sizeof req, mode, -1, e), resp, sizeof resp, &rlen,
		e) < 0)
		return error_wrap(e, "reading DTCs");
	if (obd_dec_dtcs(mode, resp, rlen, dtcs, cap, count, e) < 0)
		return error_wrap(e, "%s", t->name);
	return 0;
}

/* Clears DTCs and freeze frames. */
int obd_clear_dtcs(struct uds *u, const struct uds_target *t, struct error *e)
{
	uint8_t req[1], resp[16];
	size_t rlen;

	if (run(u, t, req, obd_enc_simple(req, sizeof req, OBD_MODE_CLEAR, -1, e), resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "clearing DTCs");
	if (obd_dec_clear(resp, rlen, e) < 0)
		return error_wrap(e, "%s", t->name);
	return 0;
}

/* Runs a mode 09 request of one info type into resp. */
static int read_info(struct uds *u, const struct uds_target *t, uint8_t type, uint8_t *resp,
		     size_t cap, size_t *rlen, struct error *e)
{
	uint8_t req[2];

	if (run(u, t, req, obd_enc_simple(req, sizeof req, OBD_MODE_VEHICLE_INFO, type, e), resp,
		cap, rlen, e) < 0)
		return error_wrap(e, "reading vehicle information %02X", type);
	return 0;
}

/* Reads the VIN. */
int obd_read_vin(struct uds *u, const struct uds_target *t, char *vin, struct error *e)
{
	uint8_t resp[INFO_REPLY_MAX];
	size_t rlen;

	vin[0] = '\0';
	if (read_info(u, t, OBD_INFO_VIN, resp, sizeof resp, &rlen, e) < 0)
		return -(int)e->kind;
	return obd_dec_vin(resp, rlen, vin, e) < 0 ? error_wrap(e, "%s", t->name) : 0;
}

/* Reads the calibration IDs. */
int obd_read_calids(struct uds *u, const struct uds_target *t, char (*ids)[OBD_CALID_LEN + 1],
		    size_t cap, size_t *count, struct error *e)
{
	uint8_t resp[INFO_REPLY_MAX];
	size_t rlen;

	*count = 0;
	if (read_info(u, t, OBD_INFO_CALID, resp, sizeof resp, &rlen, e) < 0)
		return -(int)e->kind;
	if (obd_dec_calids(resp, rlen, ids, cap, count, e) < 0)
		return error_wrap(e, "%s", t->name);
	return 0;
}

/* Reads the calibration verification numbers. */
int obd_read_cvns(struct uds *u, const struct uds_target *t, uint32_t *cvns, size_t cap,
		  size_t *count, struct error *e)
{
	uint8_t resp[INFO_REPLY_MAX];
	size_t rlen;

	*count = 0;
	if (read_info(u, t, OBD_INFO_CVN, resp, sizeof resp, &rlen, e) < 0)
		return -(int)e->kind;
	if (obd_dec_cvns(resp, rlen, cvns, cap, count, e) < 0)
		return error_wrap(e, "%s", t->name);
	return 0;
}

/* Reads the ECU name. */
int obd_read_ecu_name(struct uds *u, const struct uds_target *t, char *name, struct error *e)
{
	uint8_t resp[INFO_REPLY_MAX];
	size_t rlen;

	name[0] = '\0';
	if (read_info(u, t, OBD_INFO_ECU_NAME, resp, sizeof resp, &rlen, e) < 0)
		return -(int)e->kind;
	return obd_dec_ecu_name(resp, rlen, name, e) < 0 ? error_wrap(e, "%s", t->name) : 0;
}
