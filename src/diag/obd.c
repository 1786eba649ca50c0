/* obd.c: OBD-II (SAE J1979 on ISO 15765-4 CAN) requests and replies:
 * multi-PID mode 01, freeze frames, DTC lists, clearing, vehicle
 * information; and the client calls that run them over UDS transport. */
#include "config.h"
#include "diag/obd.h"

#include <stdio.h>
#include <string.h>

#include "diag/uds_internal.h"

/* --- Supported-PID sets --- */

/* Empties a set. */
void obd_pidset_clear(struct obd_pidset *s)
{
	memset(s->bits, 0, sizeof s->bits);
}

/* Adds one PID. */
void obd_pidset_add(struct obd_pidset *s, uint8_t pid)
{
	s->bits[pid >> 3] |= (uint8_t)(1u << (pid & 7));
}

/* True if the set holds the PID. */
bool obd_pidset_has(const struct obd_pidset *s, uint8_t pid)
{
	return (s->bits[pid >> 3] >> (pid & 7)) & 1u;
}

/* Lists the PIDs in ascending order. */
size_t obd_pidset_list(const struct obd_pidset *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned pid;

	for (pid = 0; pid < 256; pid++) {
		if (!obd_pidset_has(s, (uint8_t)pid))
			continue;
		if (n < cap)
			out[n] = (uint8_t)pid;
		n++;
	}
	return n;
}

/* Adds the PIDs a supported bitmap marks. */
int obd_dec_supported(uint8_t base, const uint8_t *data, size_t n, struct obd_pidset *s,
		      struct error *e)
{
	unsigned i;

	if (base % 0x20 != 0)
		return error_set(e, ERR_ARG, "PID %02X is not a supported-PIDs bitmap", base);
	if (n != 4)
		return error_set(e, ERR_PROTOCOL, "supported-PIDs bitmap %02X of %zu bytes, "
				 "expected 4", base, n);
	for (i = 0; i < 32; i++)
		if (data[i / 8] & (0x80u >> (i % 8)))
			obd_pidset_add(s, (uint8_t)(base + 1 + i));
	return 0;
}

/* --- Encoders --- */

/* Fails unless need bytes fit in cap. */
static int room(size_t need, size_t cap, uint8_t mode, struct error *e)
{
	if (need > cap)
		return error_set(e, ERR_ARG, "mode %02X request of %zu bytes does not fit in %zu",
				 mode, need, cap);
	return 0;
}

/* Mode 01 request for 1 to 6 PIDs. */
int obd_enc_current(uint8_t *out, size_t cap, const uint8_t *pids, size_t n, struct error *e)
{
	if (n == 0 || n > OBD_MAX_PIDS)
		return error_set(e, ERR_ARG, "%zu PIDs in one request (1 to %d)", n, OBD_MAX_PIDS);
	if (room(1 + n, cap, OBD_MODE_CURRENT, e) < 0)
		return -(int)e->kind;
	out[0] = OBD_MODE_CURRENT;
	memcpy(out + 1, pids, n);
	return (int)(1 + n);
}

/* Mode 02 request for 1 to 3 PIDs of one freeze frame. */
int obd_enc_freeze(uint8_t *out, size_t cap, const uint8_t *pids, size_t n, uint8_t frame,
		   struct error *e)
{
	size_t i;

	if (n == 0 || n > OBD_MAX_FREEZE_PIDS)
		return error_set(e, ERR_ARG, "%zu freeze frame PIDs in one request (1 to %d)", n,
				 OBD_MAX_FREEZE_PIDS);
	if (room(1 + 2 * n, cap, OBD_MODE_FREEZE, e) < 0)
		return -(int)e->kind;
	out[0] = OBD_MODE_FREEZE;
	for (i = 0; i < n; i++) {
		out[1 + 2 * i] = pids[i];
		out[2 + 2 * i] = frame;
	}
	return (int)(1 + 2 * n);
}

/* A request of one mode and an optional parameter (param < 0: none). */
int obd_enc_simple(uint8_t *out, size_t cap, uint8_t mode, int param, struct error *e)
{
	bool takes = mode == OBD_MODE_VEHICLE_INFO;

	if (mode != OBD_MODE_STORED_DTCS && mode != OBD_MODE_CLEAR &&
	    mode != OBD_MODE_PENDING_DTCS && mode != OBD_MODE_PERMANENT_DTCS && !takes)
		return error_set(e, ERR_ARG, "mode %02X is not a one-byte request", mode);
	if (takes != (param >= 0) || param > 0xFF)
		return error_set(e, ERR_ARG, "mode %02X %s a parameter", mode,
				 takes ? "needs one byte of" : "takes no");
	if (room(takes ? 2 : 1, cap, mode, e) < 0)
		return -(int)e->kind;
	out[0] = mode;
	if (takes)
		out[1] = (uint8_t)param;
	return takes ? 2 : 1;
}

/* --- Decoders --- */

/* Checks a positive reply to a mode, at least min bytes long. */
static int expect_mode(const uint8_t *resp, size_t n, uint8_t mode, size_t min, struct error *e)
{
	return uds_expect(resp, n, mode, min, e);
}

/* Splits PID records (PID [frame] data) of a mode 01/02 reply. */
static int split_pids(const uint8_t *resp, size_t n, bool frames, struct obd_pid_data *out,
		      size_t cap, size_t *count, struct error *e)
{
	size_t pos = 1, head = frames ? 2 : 1;

	while (pos < n) {
		uint8_t pid = resp[pos];
		size_t len = obd_pid_len(pid);
		if (len == 0)
			return error_set(e, ERR_UNSUPPORTED, "PID %02X has no known length; the reply "
					 "cannot be split", pid);
		if (n - pos < head + len)
			return error_set(e, ERR_PROTOCOL, "PID %02X record needs %zu bytes, the reply "
					 "has %zu left", pid, head + len, n - pos);
		if (*count >= cap)
			return error_set(e, ERR_NOMEM, "reply holds more than %zu PIDs", cap);
		out[*count].pid = pid;
		out[*count].frame = frames ? resp[pos + 1] : 0;
		out[*count].data = resp + pos + head;
		out[*count].len = len;
		(*count)++;
		pos += head + len;
	}
	return 0;
}

/* Splits a mode 01 reply by the PIDs' lengths. */
int obd_dec_current(const uint8_t *resp, size_t n, struct obd_pid_data *out, size_t cap,
		    size_t *count, struct error *e)
{
	*count = 0;
	if (expect_mode(resp, n, OBD_MODE_CURRENT, 2, e) < 0)
		return -(int)e->kind;
	return split_pids(resp, n, false, out, cap, count, e);
}

/* Splits a mode 02 reply. */
int obd_dec_freeze(const uint8_t *resp, size_t n, struct obd_pid_data *out, size_t cap,
		   size_t *count, struct error *e)
{
	*count = 0;
	if (expect_mode(resp, n, OBD_MODE_FREEZE, 3, e) < 0)
		return -(int)e->kind;
	return split_pids(resp, n, true, out, cap, count, e);
}

/* Decodes a mode 03/07/0A reply. */
int obd_dec_dtcs(uint8_t mode, const uint8_t *resp, size_t n, uint16_t *dtcs, size_t cap,
		 size_t *count, struct error *e)
{
	size_t i, k;

	*count = 0;
	if (mode != OBD_MODE_STORED_DTCS && mode != OBD_MODE_PENDING_DTCS &&
	    mode != OBD_MODE_PERMANENT_DTCS)
		return error_set(e, ERR_ARG, "mode %02X does not list DTCs", mode);
	if (expect_mode(resp, n, mode, 2, e) < 0)
		return -(int)e->kind;
	k = resp[1];
	if (n - 2 != 2 * k)
		return error_set(e, ERR_PROTOCOL, "DTC reply announces %zu codes but carries %zu "
				 "bytes", k, n - 2);
	if (k > cap)
		return error_set(e, ERR_NOMEM, "%zu DTCs do not fit in %zu", k, cap);
	for (i = 0; i < k; i++)
		dtcs[i] = (uint16_t)(resp[2 + 2 * i] << 8 | resp[3 + 2 * i]);
	*count = k;
	return 0;
}

/* Checks a mode 04 reply. */
int obd_dec_clear(const uint8_t *resp, size_t n, struct error *e)
{
	if (expect_mode(resp, n, OBD_MODE_CLEAR, 1, e) < 0)
		return -(int)e->kind;
	return uds_expect_len(resp, n, 1, e);
}

/* Checks a mode 09 reply and points at its items. */
int obd_dec_info(uint8_t type, const uint8_t *resp, size_t n, uint8_t *items,
		 const uint8_t **data, size_t *len, struct error *e)
{
	if (expect_mode(resp, n, OBD_MODE_VEHICLE_INFO, 3, e) < 0 ||
	    uds_expect_echo(resp, 1, type, 1, "info type", e) < 0)
		return -(int)e->kind;
	*items = resp[2];
	*data = resp + 3;
	*len = n - 3;
	return 0;
}

/* Checks a mode 09 reply carries count items of size bytes each. */
static int info_items(uint8_t type, const uint8_t *resp, size_t n, size_t size,
		      const uint8_t **data, size_t *items, struct error *e)
{
	uint8_t k = 0;
	size_t len = 0;

	if (obd_dec_info(type, resp, n, &k, data, &len, e) < 0)
		return -(int)e->kind;
	if (len != (size_t)k * size)
		return error_set(e, ERR_PROTOCOL, "info type %02X announces %u items of %zu bytes "
				 "but carries %zu bytes", type, k, size, len);
	*items = k;
	return 0;
}

/* Copies printable ASCII of an identifier, stopping at NUL padding. */
static int ascii_id(const uint8_t *src, size_t n, char *out, const char *what, struct error *e)
{
	size_t i;

	for (i = 0; i < n && src[i] != 0; i++) {
		if (src[i] < 0x20 || src[i] > 0x7E)
			return error_set(e, ERR_PROTOCOL, "%s has a non-printable byte 0x%02X at %zu",
					 what, src[i], i);
		out[i] = (char)src[i];
	}
	out[i] = '\0';
	for (; i < n; i++)
		if (src[i] != 0)
			return error_set(e, ERR_PROTOCOL, "%s has data after its padding", what);
	return 0;
}

/* VIN from a mode 09 type 02 reply. */
int obd_dec_vin(const uint8_t *resp, size_t n, char *vin, struct error *e)
{
	const uint8_t *data;
	size_t items;

	vin[0] = '\0';
	if (info_items(OBD_INFO_VIN, resp, n, OBD_VIN_LEN, &data, &items, e) < 0)
		return -(int)e->kind;
	if (items != 1)
		return error_set(e, ERR_PROTOCOL, "VIN reply carries %zu VINs", items);
	if (ascii_id(data, OBD_VIN_LEN, vin, "VIN", e) < 0)
		return -(int)e->kind;
	if (strlen(vin) != OBD_VIN_LEN)
		return error_set(e, ERR_PROTOCOL, "VIN of %zu characters", strlen(vin));
	return 0;
}

/* Calibration IDs from a mode 09 type 04 reply. */
int obd_dec_calids(const uint8_t *resp, size_t n, char (*ids)[OBD_CALID_LEN + 1], size_t cap,
		   size_t *count, struct error *e)
{
	const uint8_t *data;
	size_t items, i;

	*count = 0;
	if (info_items(OBD_INFO_CALID, resp, n, OBD_CALID_LEN, &data, &items, e) < 0)
		return -(int)e->kind;
	if (items > cap)
		return error_set(e, ERR_NOMEM, "%zu calibration IDs do not fit in %zu", items, cap);
	for (i = 0; i < items; i++)
		if (ascii_id(data + i * OBD_CALID_LEN, OBD_CALID_LEN, ids[i], "calibration ID",
			     e) < 0)
			return -(int)e->kind;
	*count = items;
	return 0;
}

/* Calibration verification numbers from a mode 09 type 06 reply. */
int obd_dec_cvns(const uint8_t *resp, size_t n, uint32_t *cvns, size_t cap, size_t *count,
		 struct error *e)
{
	const uint8_t *data;
	size_t items, i;

	*count = 0;
	if (info_items(OBD_INFO_CVN, resp, n, 4, &data, &items, e) < 0)
		return -(int)e->kind;
	if (items > cap)
		return error_set(e, ERR_NOMEM, "%zu CVNs do not fit in %zu", items, cap);
	for (i = 0; i < items; i++)
		cvns[i] = uds_get_be(data + 4 * i, 4);
	*count = items;
	return 0;
}

/* ECU name from a mode 09 type 0A reply: a 4-byte acronym, a dash and a
 * 15-byte name, each padded with NUL bytes. */
int obd_dec_ecu_name(const uint8_t *resp, size_t n, char *name, struct error *e)
{
	char acronym[5], text[16];
	const uint8_t *data;
	size_t items;

	name[0] = '\0';
	if (info_items(OBD_INFO_ECU_NAME, resp, n, OBD_ECU_NAME_LEN, &data, &items, e) < 0)
		return -(int)e->kind;
	if (items != 1)
		return error_set(e, ERR_PROTOCOL, "ECU name reply carries %zu names", items);
	if (data[4] != '-')
		return error_set(e, ERR_PROTOCOL, "ECU name has 0x%02X where the dash belongs",
				 data[4]);
	if (ascii_id(data, 4, acronym, "ECU acronym", e) < 0 ||
	    ascii_id(data + 5, 15, text, "ECU name", e) < 0)
		return -(int)e->kind;
	snprintf(name, OBD_ECU_NAME_LEN + 1, "%s-%s", acronym, text);
	return 0;
}
