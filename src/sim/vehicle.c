/* vehicle.c: the virtual vehicle: ECUs read from a vehicle profile, and
 * their diagnostic services on the message level (ISO-TP is canbus.c's).
 * This version knows the default session only: UDS 0x10 01, 0x22, 0x2E,
 * 0x3E, and OBD-II modes 01 and 09 on ECUs marked obd. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Negative response codes used here (ISO 14229-1 annex A). */
enum {
	NRC_SNS = 0x11,   /* serviceNotSupported */
	NRC_SFNS = 0x12,  /* subFunctionNotSupported */
	NRC_IMLOIF = 0x13, /* incorrectMessageLengthOrInvalidFormat */
	NRC_RTL = 0x14,   /* responseTooLong */
	NRC_ROOR = 0x31,  /* requestOutOfRange */
};

/* OBD-II mode 01 PIDs the virtual engine knows besides the bitmaps. */
static const uint8_t obd_pids[] = { 0x05, 0x0C, 0x0D, 0x42 };

/* Frees one ECU's memory. */
static void ecu_free(struct sim_ecu *ecu)
{
	size_t i;

	for (i = 0; i < ecu->ndids; i++)
		free(ecu->dids[i].val);
	free(ecu->dids);
	free(ecu->id);
	free(ecu->name);
}

/* Frees what sim_vehicle_load allocated. */
void sim_vehicle_free(struct sim_vehicle *v)
{
	size_t i;

	for (i = 0; i < v->necus; i++)
		ecu_free(&v->ecus[i]);
	free(v->ecus);
	free(v->id);
	free(v->name);
	memset(v, 0, sizeof *v);
}

/* An integral number in 0..max from a value; -1 if it is not one. */
static int num_value(const struct sdata *val, double max, unsigned long *out)
{
	if (val == NULL || val->type != SD_NUM || val->num < 0 || val->num > max ||
	    val->num != floor(val->num))
		return -1;
	*out = (unsigned long)val->num;
	return 0;
}

/* A numeric field: required (no default) or with a default. */
static int num_field(const struct sdata *t, const char *key, double max, long def,
		     unsigned long *out, const char *where, struct error *e)
{
	const struct sdata *v = sdata_get(t, key);

	if (v == NULL && def >= 0) {
		*out = (unsigned long)def;
		return 0;
	}
	if (num_value(v, max, out) < 0)
		return error_set(e, ERR_FORMAT, "%s: %s must be an integer 0..%.0f", where, key,
				 max);
	return 0;
}

/* A copy of a string field, or of fallback; NULL only when out of memory. */
static char *str_field(const struct sdata *t, const char *key, const char *fallback)
{
	return strdup(sdata_str(t, key, fallback));
}

/* The DID of an ECU, or NULL. */
struct sim_did *sim_ecu_did(const struct sim_ecu *ecu, uint16_t id)
{
	size_t i;

	for (i = 0; i < ecu->ndids; i++)
		if (ecu->dids[i].id == id)
			return &ecu->dids[i];
	return NULL;
}

/* Adds a DID with a copy of its value. */
static int did_add(struct sim_ecu *ecu, uint16_t id, const void *val, size_t len,
		   const char *where, struct error *e)
{
	struct sim_did *d;

	if (len == 0 || len > SIM_MSG_MAX - 3)
		return error_set(e, ERR_FORMAT, "%s: DID %04X: value must have 1..%d bytes", where,
				 id, SIM_MSG_MAX - 3);
	d = realloc(ecu->dids, (ecu->ndids + 1) * sizeof *d);
	if (d == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	ecu->dids = d;
	d = &ecu->dids[ecu->ndids];
	memset(d, 0, sizeof *d);
	d->id = id;
	d->len = len;
	d->val = malloc(len);
	if (d->val == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	memcpy(d->val, val, len);
	ecu->ndids++;
	return 0;
}

/* Reads the dids table: integer keys, string values. */
static int load_dids(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		     struct error *e)
{
	unsigned long id;
	size_t i;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: dids must be a table", where);
	for (i = 0; i < t->len; i++) {
		const struct sdata_entry *ent = &t->items[i];
		if (num_value(&ent->key, 0xFFFF, &id) < 0)
			return error_set(e, ERR_FORMAT, "%s: dids: keys must be integers 0..0xFFFF",
					 where);
		if (ent->val.type != SD_STR)
			return error_set(e, ERR_FORMAT, "%s: DID %04lX: value must be a string",
					 where, id);
		if (did_add(ecu, (uint16_t)id, ent->val.str, ent->val.len, where, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* Reads the writable list: DIDs of this ECU that 0x2E may change. */
static int load_writable(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			 struct error *e)
{
	unsigned long id;
	struct sim_did *d;
	size_t i, n;

	if (t == NULL)
		return 0;
	n = sdata_array_len(t);
	if (t->type != SD_TABLE || n != t->len)
		return error_set(e, ERR_FORMAT, "%s: writable must be a list of DIDs", where);
	for (i = 1; i <= n; i++) {
		if (num_value(sdata_at(t, (long)i), 0xFFFF, &id) < 0)
			return error_set(e, ERR_FORMAT, "%s: writable[%zu] is not a DID", where, i);
		d = sim_ecu_did(ecu, (uint16_t)id);
		if (d == NULL)
			return error_set(e, ERR_FORMAT, "%s: writable DID %04lX has no value in dids",
					 where, id);
		d->writable = true;
	}
	return 0;
}

/* Reads the OBD-II live values (constants in this version). */
static int load_live(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		     struct error *e)
{
	unsigned long rpm, speed;
	double coolant = sdata_num(t, "coolant", 20);

	if (t != NULL && t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: live must be a table", where);
	if (num_field(t, "rpm", 16383, 0, &rpm, where, e) < 0 ||
	    num_field(t, "speed", 255, 0, &speed, where, e) < 0)
		return -(int)e->kind;
	if (!(coolant >= -40 && coolant <= 215))
		return error_set(e, ERR_FORMAT, "%s: live.coolant must be -40..215 (degrees C)",
				 where);
	ecu->rpm = (int)rpm;
	ecu->speed = (int)speed;
	ecu->coolant = (int)lround(coolant) + 40; /* PID 05 encoding: A - 40 */
	return 0;
}

/* Reads the addressing fields: tx, rx, ext, pad. */
static int load_addressing(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			   struct error *e)
{
	unsigned long tx, rx, pad;
	const struct sdata *p = sdata_get(t, "pad");
	double max;

	if (num_field(t, "tx", 0x1FFFFFFF, -1, &tx, where, e) < 0 ||
	    num_field(t, "rx", 0x1FFFFFFF, -1, &rx, where, e) < 0)
		return -(int)e->kind;
	ecu->ext = sdata_bool(t, "ext", tx > 0x7FF || rx > 0x7FF);
	max = ecu->ext ? 0x1FFFFFFF : 0x7FF;
	if (tx > max || rx > max || tx == rx)
		return error_set(e, ERR_FORMAT, "%s: tx/rx must be two different %s identifiers",
				 where, ecu->ext ? "29-bit" : "11-bit");
	ecu->tx = (uint32_t)tx;
	ecu->rx = (uint32_t)rx;
	ecu->pad = 0xAA;
	if (p && p->type == SD_BOOL && !p->b)
		ecu->pad = -1;
	else if (p && num_value(p, 255, &pad) == 0)
		ecu->pad = (int)pad;
	else if (p)
		return error_set(e, ERR_FORMAT, "%s: pad must be a byte value or false", where);
	return 0;
}

/* Reads one ECU; index is its 1-based position in ecus. */
static int load_ecu(const struct sdata *t, const char *file, size_t index, const char *vin,
		    struct sim_ecu *ecu, struct error *e)
{
	char where[160];

	snprintf(where, sizeof where, "%s: ecus[%zu]", file, index);
	if (t->type != SD_TABLE || sdata_get(t, "id") == NULL || sdata_get(t, "id")->type != SD_STR)
		return error_set(e, ERR_FORMAT, "%s: an ECU must be a table with a string id", where);
	ecu->id = str_field(t, "id", "");
	ecu->name = str_field(t, "name", ecu->id ? ecu->id : "");
	if (ecu->id == NULL || ecu->name == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	snprintf(where, sizeof where, "%s: ecus[%zu] (%s)", file, index, ecu->id);
	ecu->obd = sdata_bool(t, "obd", false);
	if (load_addressing(t, ecu, where, e) < 0 || load_live(sdata_get(t, "live"), ecu, where, e) < 0 ||
	    load_dids(sdata_get(t, "dids"), ecu, where, e) < 0)
		return -(int)e->kind;
	if (sim_ecu_did(ecu, 0xF190) == NULL && did_add(ecu, 0xF190, vin, 17, where, e) < 0)
		return -(int)e->kind;
	return load_writable(sdata_get(t, "writable"), ecu, where, e);
}

/* Refuses two ECUs with the same id or the same request identifier. */
static int check_unique(const struct sim_vehicle *v, const char *file, struct error *e)
{
	size_t i, j;

	for (i = 0; i < v->necus; i++)
		for (j = 0; j < i; j++) {
			const struct sim_ecu *a = &v->ecus[i], *b = &v->ecus[j];
			if (strcmp(a->id, b->id) == 0)
				return error_set(e, ERR_FORMAT, "%s: two ECUs with id \"%s\"", file,
						 a->id);
			if (a->tx == b->tx && a->ext == b->ext)
				return error_set(e, ERR_FORMAT, "%s: ECUs %s and %s share tx %X", file,
						 b->id, a->id, a->tx);
		}
	return 0;
}

/* Reads the list of ECUs. */
static int load_ecus(const struct sdata *t, const char *file, struct sim_vehicle *v,
		     struct error *e)
{
	size_t i, n = sdata_array_len(t);

	if (t == NULL || t->type != SD_TABLE || n == 0 || n != t->len)
		return error_set(e, ERR_FORMAT, "%s: ecus must be a non-empty list of ECUs", file);
	v->ecus = calloc(n, sizeof *v->ecus);
	if (v->ecus == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		v->necus = i + 1;
		if (load_ecu(sdata_at(t, (long)i + 1), file, i + 1, v->vin, &v->ecus[i], e) < 0)
			return -(int)e->kind;
	}
	return check_unique(v, file, e);
}

/* Reads the vehicle-wide fields: id, name, vin, voltage, protocol. */
static int load_header(const struct sdata *d, const char *file, struct sim_vehicle *v,
		       struct error *e)
{
	const char *vin = sdata_str(d, "vin", "");
	unsigned long proto;
	double volts = sdata_num(d, "voltage", 12.6);

	if (sdata_str(d, "id", NULL) == NULL)
		return error_set(e, ERR_FORMAT, "%s: a vehicle needs a string id", file);
	v->id = str_field(d, "id", "");
	v->name = str_field(d, "name", v->id ? v->id : "");
	if (v->id == NULL || v->name == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	if (strlen(vin) != 17)
		return error_set(e, ERR_FORMAT, "%s: vin must have 17 characters", file);
	memcpy(v->vin, vin, 18);
	if (!(volts >= 0 && volts <= 40))
		return error_set(e, ERR_FORMAT, "%s: voltage must be 0..40", file);
	v->voltage = volts;
	if (num_field(d, "protocol", 9, 6, &proto, file, e) < 0)
		return -(int)e->kind;
	if (proto < 6)
		return error_set(e, ERR_FORMAT, "%s: protocol must be a CAN protocol, 6..9", file);
	v->protocol = (int)proto;
	return 0;
}

/* Reads a vehicle profile. */
int sim_vehicle_load(const struct sdata *d, const char *file, struct sim_vehicle *v,
		     struct error *e)
{
	memset(v, 0, sizeof *v);
	if (load_header(d, file, v, e) < 0 || load_ecus(sdata_get(d, "ecus"), file, v, e) < 0) {
		sim_vehicle_free(v);
		return -(int)e->kind;
	}
	return 0;
}

/* The ECU with the given id, or NULL. */
const struct sim_ecu *sim_vehicle_ecu(const struct sim_vehicle *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->necus; i++)
		if (strcmp(v->ecus[i].id, id) == 0)
			return &v->ecus[i];
	return NULL;
}

/* A negative response 7F SID NRC. */
static size_t nrc(uint8_t *resp, uint8_t sid, uint8_t code)
{
	resp[0] = 0x7F;
	resp[1] = sid;
	resp[2] = code;
	return 3;
}

/* 0x10 DiagnosticSessionControl: the default session only for now. */
static size_t svc_session(const uint8_t *req, size_t n, uint8_t *resp)
{
	static const uint8_t ok[] = { 0x50, 0x01, 0x00, 0x32, 0x01, 0xF4 }; /* P2 50 ms, P2* 5 s */

	if (n != 2)
		return nrc(resp, req[0], NRC_IMLOIF);
	if ((req[1] & 0x7F) != 0x01)
		return nrc(resp, req[0], NRC_SFNS);
	if (req[1] & 0x80)
		return 0;
	memcpy(resp, ok, sizeof ok);
	return sizeof ok;
}

/* 0x3E TesterPresent: sub-function 00, 80 suppresses the reply. */
static size_t svc_tester_present(const uint8_t *req, size_t n, uint8_t *resp)
{
	if (n != 2)
		return nrc(resp, req[0], NRC_IMLOIF);
	if ((req[1] & 0x7F) != 0)
		return nrc(resp, req[0], NRC_SFNS);
	if (req[1] & 0x80)
		return 0;
	resp[0] = 0x7E;
	resp[1] = 0x00;
	return 2;
}

/* 0x22 ReadDataByIdentifier: one or more DIDs; unknown ones are left out,
 * all unknown is requestOutOfRange. */
static size_t svc_read_did(const struct sim_ecu *ecu, const uint8_t *req, size_t n, uint8_t *resp)
{
	size_t i, len = 1;
	bool found = false;

	if (n < 3 || (n - 1) % 2 != 0)
		return nrc(resp, req[0], NRC_IMLOIF);
	resp[0] = 0x62;
	for (i = 1; i + 1 < n; i += 2) {
		const struct sim_did *d = sim_ecu_did(ecu, (uint16_t)(req[i] << 8 | req[i + 1]));
		if (d == NULL)
			continue;
		if (len + 2 + d->len > SIM_MSG_MAX)
			return nrc(resp, req[0], NRC_RTL);
		resp[len++] = req[i];
		resp[len++] = req[i + 1];
		memcpy(resp + len, d->val, d->len);
		len += d->len;
		found = true;
	}
	return found ? len : nrc(resp, req[0], NRC_ROOR);
}

/* 0x2E WriteDataByIdentifier: writable DIDs, same length as now. */
static size_t svc_write_did(struct sim_ecu *ecu, const uint8_t *req, size_t n, uint8_t *resp)
{
	struct sim_did *d;

	if (n < 4)
		return nrc(resp, req[0], NRC_IMLOIF);
	d = sim_ecu_did(ecu, (uint16_t)(req[1] << 8 | req[2]));
	if (d == NULL || !d->writable)
		return nrc(resp, req[0], NRC_ROOR);
	if (n - 3 != d->len)
		return nrc(resp, req[0], NRC_IMLOIF);
	memcpy(d->val, req + 3, d->len);
	ecu->writes++;
	resp[0] = 0x6E;
	resp[1] = req[1];
	resp[2] = req[2];
	return 3;
}

/* True if the virtual engine supports mode 01 PID pid (bitmaps included:
 * a bitmap PID is supported when some PID above it is). */
static bool pid_supported(uint8_t pid)
{
	size_t i;

	for (i = 0; i < sizeof obd_pids; i++)
		if (obd_pids[i] == pid || (pid % 0x20 == 0 && obd_pids[i] > pid))
			return true;
	return pid == 0;
}

/* Appends the value of one mode 01 PID; returns bytes written, 0 if unknown. */
static size_t pid_value(const struct sim_vehicle *v, const struct sim_ecu *ecu, uint8_t pid,
			uint8_t *out)
{
	uint32_t bits = 0, mv;
	int i;

	if (!pid_supported(pid))
		return 0;
	switch (pid) {
	case 0x05:
		out[0] = (uint8_t)ecu->coolant;
		return 1;
	case 0x0C:
		out[0] = (uint8_t)(ecu->rpm * 4 >> 8);
		out[1] = (uint8_t)(ecu->rpm * 4);
		return 2;
	case 0x0D:
		out[0] = (uint8_t)ecu->speed;
		return 1;
	case 0x42:
		mv = (uint32_t)lround(v->voltage * 1000);
		out[0] = (uint8_t)(mv >> 8);
		out[1] = (uint8_t)mv;
		return 2;
	}
	for (i = 1; i <= 32; i++)
		if (pid + i <= 0xFF && pid_supported((uint8_t)(pid + i)))
			bits |= 1u << (32 - i);
	out[0] = (uint8_t)(bits >> 24);
	out[1] = (uint8_t)(bits >> 16);
	out[2] = (uint8_t)(bits >> 8);
	out[3] = (uint8_t)bits;
	return 4;
}

/* OBD-II mode 01: up to six PIDs; unsupported ones get no answer. */
static size_t obd_mode1(const struct sim_vehicle *v, const struct sim_ecu *ecu,
			const uint8_t *req, size_t n, uint8_t *resp)
{
	size_t i, len = 1, w;

	if (n < 2 || n > 7)
		return 0;
	resp[0] = 0x41;
	for (i = 1; i < n; i++) {
		resp[len] = req[i];
		w = pid_value(v, ecu, req[i], resp + len + 1);
		if (w)
			len += 1 + w;
	}
	return len > 1 ? len : 0;
}

/* OBD-II mode 09: PID 00 (supported: 02) and 02 (VIN). */
static size_t obd_mode9(const struct sim_vehicle *v, const uint8_t *req, size_t n, uint8_t *resp)
{
	static const uint8_t pids[] = { 0x49, 0x00, 0x40, 0x00, 0x00, 0x00 };

	if (n != 2)
		return 0;
	if (req[1] == 0x00) {
		memcpy(resp, pids, sizeof pids);
		return sizeof pids;
	}
	if (req[1] != 0x02)
		return 0;
	resp[0] = 0x49;
	resp[1] = 0x02;
	resp[2] = 0x01; /* number of data items */
	memcpy(resp + 3, v->vin, 17);
	return 20;
}

/* Negative responses an ECU keeps to itself when addressed functionally
 * (ISO 14229-1 7.5: 0x11, 0x12, 0x31, 0x7E, 0x7F). */
static bool suppressed(bool functional, const uint8_t *resp, size_t len)
{
	return functional && len == 3 && resp[0] == 0x7F &&
	       (resp[2] == NRC_SNS || resp[2] == NRC_SFNS || resp[2] == NRC_ROOR ||
		resp[2] == 0x7E || resp[2] == 0x7F);
}

/* Dispatches a request to its service. */
static size_t dispatch(const struct sim_vehicle *v, struct sim_ecu *ecu, const uint8_t *req,
		       size_t n, uint8_t *resp)
{
	switch (req[0]) {
	case 0x01:
		if (ecu->obd)
			return obd_mode1(v, ecu, req, n, resp);
		break;
	case 0x09:
		if (ecu->obd)
			return obd_mode9(v, req, n, resp);
		break;
	case 0x10:
		return svc_session(req, n, resp);
	case 0x22:
		return svc_read_did(ecu, req, n, resp);
	case 0x2E:
		return svc_write_did(ecu, req, n, resp);
	case 0x3E:
		return svc_tester_present(req, n, resp);
	}
	return nrc(resp, req[0], NRC_SNS);
}

/* A complete request reached an ECU: it answers through sim_ecu_reply(). */
void sim_ecu_request(struct sim *s, struct sim_ecu *ecu, bool functional, const uint8_t *req,
		     size_t n)
{
	static uint8_t resp[SIM_MSG_MAX];
	size_t len;

	if (n == 0)
		return;
	len = dispatch(&s->vehicle, ecu, req, n, resp);
	if (len && !suppressed(functional, resp, len))
		sim_ecu_reply(s, ecu, 0, resp, len);
}
