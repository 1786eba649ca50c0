/* ecu_dtc.c: diagnostic trouble codes of a virtual ECU. Each DTC has a
 * status byte (statusOfDTC of ISO 14229-1: bit 0 testFailed, 2 pendingDTC, 3
 * confirmedDTC, 4/6 testNotCompleted..., 7 warningIndicatorRequested) and
 * a place in the fault memory: 0x19 01/02 report the stored ones, 0x19 0A
 * every supported one. A clear (0x14, OBD-II mode 04) empties the fault
 * memory and leaves the status 0x50 (not completed since the clear); an
 * active fault (returns_ms) is set again that long after a clear unless
 * DTC setting is off (0x85 02). Record 01 is the only snapshot record;
 * extended data records are numbered as the profile gives them. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define DTC_MAX 500       /* DTCs of one ECU: 0x19 0A fits one message */
#define RECORD_MAX 1000   /* bytes of a snapshot or of all extended data */
#define STATUS_CLEARED 0x50

/* Negative response codes used here (ISO 14229-1 annex A.1). */
enum { NRC_SFNS = 0x12, NRC_IMLOIF = 0x13, NRC_CNC = 0x22, NRC_ROOR = 0x31 };

/* Frees the DTCs. */
void sim_dtc_free(struct sim_ecu *ecu)
{
	size_t i, k;

	for (i = 0; i < ecu->m.ndtcs; i++) {
		free(ecu->m.dtcs[i].snapshot);
		for (k = 0; k < ecu->m.dtcs[i].next; k++)
			free(ecu->m.dtcs[i].ext[k]);
	}
	free(ecu->m.dtcs);
	ecu->m.dtcs = NULL;
	ecu->m.ndtcs = 0;
}

/* A DTC code: a number 0..0xFFFFFF, or SAE J2012 text "P0301" (with the
 * failure type byte ftb, default 0) in the 3-byte form. */
static int dtc_code(const struct sdata *t, uint32_t *out, const char *where, struct error *e)
{
	static const char letters[] = "PCBU";
	const struct sdata *v = sdata_get(t, "code");
	unsigned long n, ftb;
	const char *p;

	if (sim_prof_uint(v, 0xFFFFFF, &n) == 0) {
		*out = (uint32_t)n;
		return 0;
	}
	if (v == NULL || v->type != SD_STR || v->len != 5 || (p = strchr(letters, v->str[0])) == NULL ||
	    v->str[1] < '0' || v->str[1] > '3' || !isxdigit((unsigned char)v->str[2]) ||
	    !isxdigit((unsigned char)v->str[3]) || !isxdigit((unsigned char)v->str[4]))
		return error_set(e, ERR_FORMAT, "%s: a DTC code must be 0..0xFFFFFF or like \"P0301\"",
				 where);
	if (sim_prof_field(t, "ftb", 255, 0, &ftb, where, e) < 0)
		return -(int)e->kind;
	n = strtoul(v->str + 1, NULL, 16) | (unsigned long)(p - letters) << 14;
	*out = (uint32_t)(n << 8 | ftb);
	return 0;
}

/* Reads a snapshot table [DID] = bytes into record 01 as sent. */
static int load_snapshot(const struct sdata *t, struct sim_dtc *d, const char *where,
			 struct error *e)
{
	unsigned long id;
	size_t i, len = 1;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE || t->len == 0 || t->len > 255)
		return error_set(e, ERR_FORMAT, "%s: snapshot must be a table [DID] = bytes", where);
	if ((d->snapshot = malloc(RECORD_MAX)) == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	d->snapshot[0] = (uint8_t)t->len;
	for (i = 0; i < t->len; i++) {
		const struct sdata_entry *ent = &t->items[i];
		if (sim_prof_uint(&ent->key, 0xFFFF, &id) < 0 || ent->val.type != SD_STR ||
		    ent->val.len == 0 || len + 2 + ent->val.len > RECORD_MAX)
			return error_set(e, ERR_FORMAT,
					 "%s: snapshot: [DID] = bytes, %d bytes at most", where,
					 RECORD_MAX);
		d->snapshot[len++] = (uint8_t)(id >> 8);
		d->snapshot[len++] = (uint8_t)id;
		memcpy(d->snapshot + len, ent->val.str, ent->val.len);
		len += ent->val.len;
	}
	d->nsnapshot = len;
	return 0;
}

/* Reads an extended data table [record number 1..0xEF] = bytes. */
static int load_extended(const struct sdata *t, struct sim_dtc *d, const char *where,
			 struct error *e)
{
	unsigned long nr;
	size_t i, total = 0;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE || t->len > SIM_EXT_MAX)
		return error_set(e, ERR_FORMAT, "%s: extended must be a table of up to %d records",
				 where, SIM_EXT_MAX);
	for (i = 0; i < t->len; i++) {
		const struct sdata_entry *ent = &t->items[i];
		if (sim_prof_uint(&ent->key, 0xEF, &nr) < 0 || nr == 0 || ent->val.type != SD_STR ||
		    ent->val.len == 0 || (total += ent->val.len + 1) > RECORD_MAX)
			return error_set(e, ERR_FORMAT,
					 "%s: extended: [1..0xEF] = bytes, %d bytes at most", where,
					 RECORD_MAX);
		if ((d->ext[i] = malloc(ent->val.len)) == NULL)
			return error_set(e, ERR_NOMEM, "out of memory");
		memcpy(d->ext[i], ent->val.str, ent->val.len);
		d->ext_nr[i] = (uint8_t)nr;
		d->ext_len[i] = ent->val.len;
		d->next = i + 1;
	}
	return 0;
}

/* Reads one DTC. */
static int load_dtc(const struct sdata *t, struct sim_dtc *d, const char *where,
		    struct error *e)
{
	unsigned long status;
	char sub[200];

	if (t == NULL || t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: a DTC must be a table", where);
	if (dtc_code(t, &d->code, where, e) < 0)
		return -(int)e->kind;
	snprintf(sub, sizeof sub, "%s: DTC %06X", where, (unsigned)d->code);
	if (sim_prof_field(t, "status", 255, 0x09, &status, sub, e) < 0 ||
	    sim_prof_ms(t, "returns_ms", 0, &d->returns_us, sub, e) < 0 ||
	    load_snapshot(sdata_get(t, "snapshot"), d, sub, e) < 0 ||
	    load_extended(sdata_get(t, "extended"), d, sub, e) < 0)
		return -(int)e->kind;
	d->status = d->profile_status = (uint8_t)status;
	d->stored = d->profile_stored = sdata_bool(t, "stored", (status & 0x0D) != 0);
	return 0;
}

/* Reads the dtcs list and dtc_mask. */
int sim_dtc_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e)
{
	const struct sdata *list = sdata_get(t, "dtcs");
	unsigned long mask;
	size_t i, j, n = sdata_array_len(list);

	if (sim_prof_field(t, "dtc_mask", 255, 0xFF, &mask, where, e) < 0)
		return -(int)e->kind;
	ecu->m.dtc_avail = (uint8_t)mask;
	if (list == NULL)
		return 0;
	if (list->type != SD_TABLE || n != list->len || n > DTC_MAX)
		return error_set(e, ERR_FORMAT, "%s: dtcs must be a list of up to %d DTCs", where,
				 DTC_MAX);
	if (n && (ecu->m.dtcs = calloc(n, sizeof *ecu->m.dtcs)) == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		ecu->m.ndtcs = i + 1;
		if (load_dtc(sdata_at(list, (long)i + 1), &ecu->m.dtcs[i], where, e) < 0)
			return -(int)e->kind;
		for (j = 0; j < i; j++)
			if (ecu->m.dtcs[j].code == ecu->m.dtcs[i].code)
				return error_set(e, ERR_FORMAT, "%s: DTC %06X given twice", where,
						 (unsigned)ecu->m.dtcs[i].code);
	}
	return 0;
}

/* Active faults come back a while after a clear (unless DTC setting is off). */
static void update(const struct sim *s, struct sim_ecu *ecu)
{
	size_t i;

	if (!ecu->m.cleared || ecu->m.dtc_off)
		return;
	for (i = 0; i < ecu->m.ndtcs; i++) {
		struct sim_dtc *d = &ecu->m.dtcs[i];
		if (d->returns_us && !d->stored && s->now_us >= ecu->m.cleared_us + d->returns_us) {
			d->stored = d->profile_stored;
			d->status = d->profile_status;
		}
	}
}

/* The DTC with the 3-byte code at p, or NULL. */
static struct sim_dtc *find(struct sim_ecu *ecu, const uint8_t *p)
{
	uint32_t code = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	size_t i;

	for (i = 0; i < ecu->m.ndtcs; i++)
		if (ecu->m.dtcs[i].code == code)
			return &ecu->m.dtcs[i];
	return NULL;
}

/* Appends a DTC and its status (masked by the availability mask). */
static size_t put_dtc(const struct sim_ecu *ecu, const struct sim_dtc *d, uint8_t *out)
{
	out[0] = (uint8_t)(d->code >> 16);
	out[1] = (uint8_t)(d->code >> 8);
	out[2] = (uint8_t)d->code;
	out[3] = d->status & ecu->m.dtc_avail;
	return 4;
}

/* 19 01 / 19 02: number of, or list of, the stored DTCs matching a mask. */
static size_t by_mask(struct sim_req *r, uint8_t sf)
{
	const struct sim_ecu_model *m = &r->ecu->m;
	size_t i, len = 3, count = 0;

	if (r->n != 3)
		return sim_nrc(r, NRC_IMLOIF);
	for (i = 0; i < m->ndtcs; i++) {
		const struct sim_dtc *d = &m->dtcs[i];
		if (!d->stored || !(d->status & r->req[2] & m->dtc_avail))
			continue;
		count++;
		if (sf == 0x02)
			len += put_dtc(r->ecu, d, r->resp + len);
	}
	r->resp[0] = 0x59;
	r->resp[1] = sf;
	r->resp[2] = m->dtc_avail;
	if (sf == 0x02)
		return len;
	r->resp[3] = 0x01; /* DTCFormatIdentifier: ISO 14229-1 */
	r->resp[4] = (uint8_t)(count >> 8);
	r->resp[5] = (uint8_t)count;
	return 6;
}

/* 19 0A: every supported DTC with its status. */
static size_t supported(struct sim_req *r)
{
	const struct sim_ecu_model *m = &r->ecu->m;
	size_t i, len = 3;

	if (r->n != 2)
		return sim_nrc(r, NRC_IMLOIF);
	r->resp[0] = 0x59;
	r->resp[1] = 0x0A;
	r->resp[2] = m->dtc_avail;
	for (i = 0; i < m->ndtcs; i++)
		len += put_dtc(r->ecu, &m->dtcs[i], r->resp + len);
	return len;
}

/* 19 04 DTC record: the snapshot (record 01; FF = all) of a stored DTC. */
static size_t snapshot(struct sim_req *r)
{
	const struct sim_dtc *d;
	size_t len = 2;

	if (r->n != 6)
		return sim_nrc(r, NRC_IMLOIF);
	if ((d = find(r->ecu, r->req + 2)) == NULL || (r->req[5] != 0x01 && r->req[5] != 0xFF))
		return sim_nrc(r, NRC_ROOR);
	r->resp[0] = 0x59;
	r->resp[1] = 0x04;
	len += put_dtc(r->ecu, d, r->resp + len);
	if (d->stored && d->nsnapshot) {
		r->resp[len++] = 0x01;
		memcpy(r->resp + len, d->snapshot, d->nsnapshot);
		len += d->nsnapshot;
	}
	return len;
}

/* 19 06 DTC record: extended data records (FF = all) of a DTC. */
static size_t extended(struct sim_req *r)
{
	const struct sim_dtc *d;
	size_t k, len = 2;
	bool any = false;

	if (r->n != 6)
		return sim_nrc(r, NRC_IMLOIF);
	if ((d = find(r->ecu, r->req + 2)) == NULL)
		return sim_nrc(r, NRC_ROOR);
	r->resp[0] = 0x59;
	r->resp[1] = 0x06;
	len += put_dtc(r->ecu, d, r->resp + len);
	for (k = 0; k < d->next; k++) {
		if (r->req[5] != 0xFF && r->req[5] != d->ext_nr[k])
			continue;
		r->resp[len++] = d->ext_nr[k];
		memcpy(r->resp + len, d->ext[k], d->ext_len[k]);
		len += d->ext_len[k];
		any = true;
	}
	if (!any && r->req[5] != 0xFF)
		return sim_nrc(r, NRC_ROOR);
	return len;
}

/* 0x19 ReadDTCInformation: sub-functions 01, 02, 04, 06, 0A. */
size_t sim_svc_read_dtc(struct sim_req *r)
{
	if (r->n < 2)
		return sim_nrc(r, NRC_IMLOIF);
	update(r->s, r->ecu);
	switch (r->req[1]) {
	case 0x01:
	case 0x02:
		return by_mask(r, r->req[1]);
	case 0x04:
		return snapshot(r);
	case 0x06:
		return extended(r);
	case 0x0A:
		return supported(r);
	}
	return sim_nrc(r, NRC_SFNS);
}

/* Clears one DTC, or all when d is NULL; the state file is saved. */
static void clear(const struct sim *s, struct sim_ecu *ecu, const struct sim_dtc *d)
{
	size_t i;

	for (i = 0; i < ecu->m.ndtcs; i++) {
		if (d && d != &ecu->m.dtcs[i])
			continue;
		ecu->m.dtcs[i].stored = false;
		ecu->m.dtcs[i].status = STATUS_CLEARED;
	}
	ecu->m.cleared = true;
	ecu->m.cleared_us = s->now_us;
	ecu->writes++;
}

/* 0x14 ClearDiagnosticInformation: group FFFFFF (all) or one DTC. */
size_t sim_svc_clear_dtc(struct sim_req *r)
{
	static const uint8_t all[3] = { 0xFF, 0xFF, 0xFF };
	struct sim_dtc *d = NULL;

	if (r->n != 4)
		return sim_nrc(r, NRC_IMLOIF);
	if (memcmp(r->req + 1, all, 3) != 0 && (d = find(r->ecu, r->req + 1)) == NULL)
		return sim_nrc(r, NRC_ROOR);
	clear(r->s, r->ecu, d);
	r->resp[0] = 0x54;
	return 1;
}

/* OBD-II modes 03, 07 (stored, pending codes) and 04 (clear). The codes
 * are the two first bytes of the 3-byte DTCs; a clear is refused while
 * the engine runs (7F 04 22). */
size_t sim_obd_dtc(struct sim_req *r)
{
	const struct sim_ecu_model *m = &r->ecu->m;
	uint8_t bit = r->req[0] == 0x03 ? 0x08 : 0x04;
	size_t i, len = 2, count = 0;

	if (r->n != 1)
		return 0;
	if (r->req[0] == 0x04) {
		if (sim_engine_running(r->s))
			return sim_nrc(r, NRC_CNC);
		clear(r->s, r->ecu, NULL);
		r->resp[0] = 0x44;
		return 1;
	}
	update(r->s, r->ecu);
	for (i = 0; i < m->ndtcs && count < 255; i++) {
		if (!m->dtcs[i].stored || !(m->dtcs[i].status & bit))
			continue;
		r->resp[len++] = (uint8_t)(m->dtcs[i].code >> 16);
		r->resp[len++] = (uint8_t)(m->dtcs[i].code >> 8);
		count++;
	}
	r->resp[0] = (uint8_t)(r->req[0] + 0x40);
	r->resp[1] = (uint8_t)count;
	return len;
}
