/* vehicle.c: the virtual vehicle read from a vehicle profile: the vehicle's
 * fields, its ECUs with their identifiers, DIDs and writable DIDs, and the
 * field readers the other parts of the vehicle model share (ecu_uds.c,
 * ecu_security.c, ecu_dtc.c, ecu_obd.c and ecu_flash.c read their own
 * tables of an ECU). Every field is checked: a profile is untrusted input. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Frees one ECU's memory. */
static void ecu_free(struct sim_ecu *ecu)
{
	size_t i;

	for (i = 0; i < ecu->ndids; i++)
		free(ecu->dids[i].val);
	free(ecu->dids);
	free(ecu->id);
	free(ecu->name);
	sim_uds_free(ecu);
	sim_dtc_free(ecu);
	sim_live_free(ecu);
	sim_flash_free(&ecu->m.flash);
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

/* An integral profile number in 0..max into *out; -1 if it is not one. */
int sim_prof_uint(const struct sdata *v, double max, unsigned long *out)
{
	if (v == NULL || v->type != SD_NUM || v->num < 0 || v->num > max ||
	    v->num != floor(v->num))
		return -1;
	*out = (unsigned long)v->num;
	return 0;
}

/* A numeric field: required (def < 0) or with a default. */
int sim_prof_field(const struct sdata *t, const char *key, double max, long def,
		   unsigned long *out, const char *where, struct error *e)
{
	const struct sdata *v = sdata_get(t, key);

	if (v == NULL && def >= 0) {
		*out = (unsigned long)def;
		return 0;
	}
	if (sim_prof_uint(v, max, out) < 0)
		return error_set(e, ERR_FORMAT, "%s: %s must be an integer 0..%.0f", where, key,
				 max);
	return 0;
}

/* A duration field in milliseconds (at most a day), stored in microseconds. */
int sim_prof_ms(const struct sdata *t, const char *key, long def, uint64_t *us, const char *where,
		struct error *e)
{
	unsigned long ms = 0;

	if (sim_prof_field(t, key, 86400000, def, &ms, where, e) < 0)
		return -(int)e->kind;
	*us = (uint64_t)ms * 1000;
	return 0;
}

/* A session or list of sessions (1..7) as a bit set. */
int sim_prof_sessions(const struct sdata *v, uint8_t *out, const char *where, struct error *e)
{
	unsigned long n;
	size_t i, len;

	*out = 0;
	if (sim_prof_uint(v, 7, &n) == 0 && n >= 1) {
		*out = (uint8_t)(1u << n);
		return 0;
	}
	len = sdata_array_len(v);
	if (v == NULL || v->type != SD_TABLE || len == 0 || len != v->len)
		return error_set(e, ERR_FORMAT, "%s: a session must be 1..7 or a list of them",
				 where);
	for (i = 1; i <= len; i++) {
		if (sim_prof_uint(sdata_at(v, (long)i), 7, &n) < 0 || n == 0)
			return error_set(e, ERR_FORMAT, "%s: a session must be 1..7", where);
		*out |= (uint8_t)(1u << n);
	}
	return 0;
}

/* A security level or list of levels (odd, 1..0x7D) into an access. */
static int access_levels(const struct sdata *v, struct sim_access *a, const char *where,
			 struct error *e)
{
	unsigned long n;
	size_t i, len;

	if (sim_prof_uint(v, 0x7D, &n) == 0 && n % 2 == 1) {
		a->levels[a->nlevels++] = (uint8_t)n;
		return 0;
	}
	len = sdata_array_len(v);
	if (v->type != SD_TABLE || len == 0 || len != v->len || len > SIM_LEVELS_MAX)
		return error_set(e, ERR_FORMAT,
				 "%s: security must be an odd level 1..0x7D or a list of up to %d",
				 where, SIM_LEVELS_MAX);
	for (i = 1; i <= len; i++) {
		if (sim_prof_uint(sdata_at(v, (long)i), 0x7D, &n) < 0 || n % 2 == 0)
			return error_set(e, ERR_FORMAT, "%s: a security level must be odd, 1..0x7D",
					 where);
		a->levels[a->nlevels++] = (uint8_t)n;
	}
	return 0;
}

/* An access table { session =, security =, engine_off = } (NULL: no limits). */
int sim_prof_access(const struct sdata *t, struct sim_access *a, const char *where,
		    struct error *e)
{
	const struct sdata *v;

	memset(a, 0, sizeof *a);
	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: access must be a table", where);
	if ((v = sdata_get(t, "session")) != NULL && sim_prof_sessions(v, &a->sessions, where, e) < 0)
		return -(int)e->kind;
	if ((v = sdata_get(t, "security")) != NULL && access_levels(v, a, where, e) < 0)
		return -(int)e->kind;
	a->engine_off = sdata_bool(t, "engine_off", false);
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
		if (sim_prof_uint(&ent->key, 0xFFFF, &id) < 0)
			return error_set(e, ERR_FORMAT, "%s: dids: keys must be integers 0..0xFFFF",
					 where);
		if (ent->val.type != SD_STR)
			return error_set(e, ERR_FORMAT, "%s: DID %04lX: value must be a string",
					 where, id);
		if (sim_ecu_did(ecu, (uint16_t)id) != NULL)
			return error_set(e, ERR_FORMAT, "%s: DID %04lX given twice", where, id);
		if (did_add(ecu, (uint16_t)id, ent->val.str, ent->val.len, where, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* Marks one DID writable with its access rule. */
static int writable_add(struct sim_ecu *ecu, unsigned long id, const struct sdata *rule,
			const char *where, struct error *e)
{
	struct sim_did_rule *r;
	struct sim_did *d = sim_ecu_did(ecu, (uint16_t)id);
	char sub[200];

	if (d == NULL)
		return error_set(e, ERR_FORMAT, "%s: writable DID %04lX has no value in dids", where,
				 id);
	if (d->writable)
		return error_set(e, ERR_FORMAT, "%s: writable DID %04lX given twice", where, id);
	r = realloc(ecu->m.did_rules, (ecu->m.ndid_rules + 1) * sizeof *r);
	if (r == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	ecu->m.did_rules = r;
	r += ecu->m.ndid_rules;
	r->id = (uint16_t)id;
	snprintf(sub, sizeof sub, "%s: writable[0x%04lX]", where, id);
	if (sim_prof_access(rule, &r->access, sub, e) < 0)
		return -(int)e->kind;
	ecu->m.ndid_rules++;
	d->writable = true;
	return 0;
}

/* Reads the writable table: a list of DIDs (writable in any session,
 * without security), or [DID] = { session =, security =, engine_off = },
 * or both in one table. */
static int load_writable(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			 struct error *e)
{
	unsigned long key, id;
	size_t i;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: writable must be a table of DIDs", where);
	for (i = 0; i < t->len; i++) {
		const struct sdata_entry *ent = &t->items[i];
		if (sim_prof_uint(&ent->key, 0xFFFF, &key) < 0)
			return error_set(e, ERR_FORMAT, "%s: writable: keys must be DIDs", where);
		if (ent->val.type == SD_TABLE) {
			if (writable_add(ecu, key, &ent->val, where, e) < 0)
				return -(int)e->kind;
			continue;
		}
		if (key < 1 || key > sdata_array_len(t) || sim_prof_uint(&ent->val, 0xFFFF, &id) < 0)
			return error_set(e, ERR_FORMAT,
					 "%s: writable[%lu] must be a DID (list) or an access table",
					 where, key);
		if (writable_add(ecu, id, NULL, where, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* Reads the addressing fields: tx, rx, ext, pad, fc_bs, fc_stmin. */
static int load_addressing(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			   struct error *e)
{
	unsigned long tx, rx, pad, bs, stmin;
	const struct sdata *p = sdata_get(t, "pad");
	double max;

	if (sim_prof_field(t, "tx", 0x1FFFFFFF, -1, &tx, where, e) < 0 ||
	    sim_prof_field(t, "rx", 0x1FFFFFFF, -1, &rx, where, e) < 0 ||
	    sim_prof_field(t, "fc_bs", 255, 0, &bs, where, e) < 0 ||
	    sim_prof_field(t, "fc_stmin", 0xF9, 0, &stmin, where, e) < 0)
		return -(int)e->kind;
	ecu->ext = sdata_bool(t, "ext", tx > 0x7FF || rx > 0x7FF);
	max = ecu->ext ? 0x1FFFFFFF : 0x7FF;
	if (tx > max || rx > max || tx == rx)
		return error_set(e, ERR_FORMAT, "%s: tx/rx must be two different %s identifiers",
				 where, ecu->ext ? "29-bit" : "11-bit");
	ecu->tx = (uint32_t)tx;
	ecu->rx = (uint32_t)rx;
	ecu->fc_bs = (int)bs;
	ecu->fc_stmin = (int)stmin;
	ecu->pad = 0xAA;
	if (p && p->type == SD_BOOL && !p->b)
		ecu->pad = -1;
	else if (p && sim_prof_uint(p, 255, &pad) == 0)
		ecu->pad = (int)pad;
	else if (p)
		return error_set(e, ERR_FORMAT, "%s: pad must be a byte value or false", where);
	return 0;
}

/* Reads the tables of the vehicle model: services, security, DTCs, live
 * values, flash. */
static int load_model(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		      struct error *e)
{
	if (sim_uds_load(t, ecu, where, e) < 0 ||
	    sim_security_load(sdata_get(t, "security"), ecu, where, e) < 0 ||
	    sim_dtc_load(t, ecu, where, e) < 0 || sim_live_load(t, ecu, where, e) < 0 ||
	    sim_flash_load(sdata_get(t, "flash"), ecu, where, e) < 0)
		return -(int)e->kind;
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
	if (ecu->id[0] == 0 || strlen(ecu->id) > 15)
		return error_set(e, ERR_FORMAT, "%s: an ECU id must have 1..15 characters", where);
	snprintf(where, sizeof where, "%s: ecus[%zu] (%s)", file, index, ecu->id);
	ecu->obd = sdata_bool(t, "obd", false);
	if (load_addressing(t, ecu, where, e) < 0 || load_dids(sdata_get(t, "dids"), ecu, where, e) < 0)
		return -(int)e->kind;
	if (sim_ecu_did(ecu, 0xF190) == NULL && did_add(ecu, 0xF190, vin, 17, where, e) < 0)
		return -(int)e->kind;
	if (load_writable(sdata_get(t, "writable"), ecu, where, e) < 0)
		return -(int)e->kind;
	return load_model(t, ecu, where, e);
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
	if (sim_prof_field(d, "protocol", 9, 6, &proto, file, e) < 0)
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
