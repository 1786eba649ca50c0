/* ecu_obd.c: the live values of the virtual vehicle and OBD-II (SAE J1979)
 * modes 01 and 09. The engine ECU's live table says whether the engine
 * runs; every value is a deterministic function of the modelled time
 * s->now_us, so two runs see the same numbers:
 *   idle rpm wanders +-20 around the profile's rpm (two triangle waves),
 *   coolant warms 1 degree C per 10 s up to 90, the battery shows 14.2 V
 *   (28.2 V on a 24 V vehicle: the alternator) +-0.1, load and throttle
 *   wander a little, the odometer
 *   counts the profile's speed, the run time counts seconds.
 * With the engine off every value stays at its profile value. Other ECUs
 * show live quantities in DIDs (live_dids); OBD ECUs also answer the OBD
 * DIDs F400-F4FF (the mode 01 PIDs, ISO 14229-1 annex C). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* The mode 01 PIDs the simulator can compute (besides the bitmaps). */
static const uint8_t known_pids[] = { 0x01, 0x04, 0x05, 0x0C, 0x0D, 0x0F, 0x11, 0x1F, 0x2F, 0x42,
				      0x46 };
/* What an OBD ECU answers when its profile lists no pids. */
static const uint8_t default_pids[] = { 0x05, 0x0C, 0x0D, 0x42 };

/* Names of the live quantities, by enum sim_quantity. */
static const char *const quantity_names[SIM_Q_COUNT] = {
	"rpm", "speed", "coolant", "ambient", "intake", "load", "throttle", "voltage", "odometer",
	"runtime", "fuel",
};

/* Reads one number of the live table within a range. */
static int live_num(const struct sdata *t, const char *key, double def, double lo, double hi,
		    double *out, const char *where, struct error *e)
{
	double v = sdata_num(t, key, def);

	if (sdata_get(t, key) && sdata_get(t, key)->type != SD_NUM)
		return error_set(e, ERR_FORMAT, "%s: live.%s must be a number", where, key);
	if (!(v >= lo && v <= hi))
		return error_set(e, ERR_FORMAT, "%s: live.%s must be %g..%g", where, key, lo, hi);
	*out = v;
	return 0;
}

/* Reads the live table: the engine and what it shows. */
static int load_engine(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		       struct error *e)
{
	struct sim_live *l = &ecu->m.live;

	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: live must be a table", where);
	l->running = sdata_bool(t, "running", false);
	if (live_num(t, "rpm", l->running ? 800 : 0, 0, 16383, &l->idle_rpm, where, e) < 0 ||
	    live_num(t, "speed", 0, 0, 250, &l->speed, where, e) < 0 ||
	    live_num(t, "coolant", 20, -40, 215, &l->coolant, where, e) < 0 ||
	    live_num(t, "ambient", 20, -40, 85, &l->ambient, where, e) < 0 ||
	    live_num(t, "load", 20, 0, 100, &l->load, where, e) < 0 ||
	    live_num(t, "throttle", 15, 0, 100, &l->throttle, where, e) < 0 ||
	    live_num(t, "fuel", 50, 0, 100, &l->fuel, where, e) < 0 ||
	    live_num(t, "odometer", 0, 0, 9999999, &l->odometer, where, e) < 0)
		return -(int)e->kind;
	ecu->m.has_live = true;
	ecu->rpm = (int)lround(l->idle_rpm);
	ecu->speed = (int)lround(l->speed);
	ecu->coolant = (int)lround(l->coolant) + 40; /* PID 05 encoding: A - 40 */
	return 0;
}

/* Reads pids: the mode 01 PIDs an OBD ECU answers. */
static int load_pids(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		     struct error *e)
{
	struct sim_live *l = &ecu->m.live;
	unsigned long pid;
	size_t i, n = sdata_array_len(t);

	if (t == NULL) {
		memcpy(l->pids, default_pids, sizeof default_pids);
		l->npids = sizeof default_pids;
		return 0;
	}
	if (t->type != SD_TABLE || n != t->len || n > SIM_PIDS_MAX)
		return error_set(e, ERR_FORMAT, "%s: pids must be a list of PIDs", where);
	for (i = 0; i < n; i++) {
		if (sim_prof_uint(sdata_at(t, (long)i + 1), 0xFF, &pid) < 0 ||
		    memchr(known_pids, (int)pid, sizeof known_pids) == NULL)
			return error_set(e, ERR_FORMAT, "%s: pids[%zu] is not a PID the simulator "
					 "knows (01 04 05 0C 0D 0F 11 1F 2F 42 46)", where, i + 1);
		l->pids[i] = (uint8_t)pid;
	}
	l->npids = n;
	return 0;
}

/* Reads one live DID: { "quantity", bytes =, factor =, offset = }. */
static int load_live_did(const struct sdata *key, const struct sdata *t,
			 struct sim_live_did *d, const char *where, struct error *e)
{
	const struct sdata *name = sdata_at(t, 1);
	unsigned long id, bytes;
	size_t q;

	if (sim_prof_uint(key, 0xFFFF, &id) < 0 || t->type != SD_TABLE || name == NULL ||
	    name->type != SD_STR)
		return error_set(e, ERR_FORMAT, "%s: live_dids: [DID] = { \"quantity\", ... }", where);
	for (q = 0; q < SIM_Q_COUNT; q++)
		if (strcmp(name->str, quantity_names[q]) == 0)
			break;
	if (q == SIM_Q_COUNT)
		return error_set(e, ERR_FORMAT, "%s: live DID %04lX: unknown quantity \"%s\"", where,
				 id, name->str);
	if (sim_prof_field(t, "bytes", 4, 1, &bytes, where, e) < 0)
		return -(int)e->kind;
	if (bytes == 0)
		return error_set(e, ERR_FORMAT, "%s: live DID %04lX: bytes must be 1..4", where, id);
	d->id = (uint16_t)id;
	d->quantity = (uint8_t)q;
	d->bytes = (uint8_t)bytes;
	d->factor = sdata_num(t, "factor", 1);
	d->offset = sdata_num(t, "offset", 0);
	return 0;
}

/* Reads live_dids. */
static int load_live_dids(const struct sdata *t, struct sim_ecu *ecu, const char *where,
			  struct error *e)
{
	size_t i;

	if (t == NULL)
		return 0;
	if (t->type != SD_TABLE || t->len == 0)
		return error_set(e, ERR_FORMAT, "%s: live_dids must be a table", where);
	ecu->m.live_dids = calloc(t->len, sizeof *ecu->m.live_dids);
	if (ecu->m.live_dids == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < t->len; i++) {
		if (load_live_did(&t->items[i].key, &t->items[i].val, &ecu->m.live_dids[i], where,
				  e) < 0)
			return -(int)e->kind;
		if (sim_ecu_did(ecu, ecu->m.live_dids[i].id))
			return error_set(e, ERR_FORMAT, "%s: DID %04X is both in dids and live_dids",
					 where, ecu->m.live_dids[i].id);
		ecu->m.nlive_dids = i + 1;
	}
	return 0;
}

/* Reads live (the engine), pids and live_dids. */
int sim_live_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e)
{
	const struct sdata *live = sdata_get(t, "live");

	ecu->m.live.coolant = ecu->m.live.ambient = 20;
	if (live && load_engine(live, ecu, where, e) < 0)
		return -(int)e->kind;
	if (load_pids(sdata_get(t, "pids"), ecu, where, e) < 0)
		return -(int)e->kind;
	return load_live_dids(sdata_get(t, "live_dids"), ecu, where, e);
}

/* Frees the live DIDs. */
void sim_live_free(struct sim_ecu *ecu)
{
	free(ecu->m.live_dids);
	ecu->m.live_dids = NULL;
	ecu->m.nlive_dids = 0;
}

/* The engine's ECU: the first ECU with a live table, or NULL. */
static struct sim_ecu *engine_ecu(const struct sim *s)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		if (s->vehicle.ecus[i].m.has_live)
			return &s->vehicle.ecus[i];
	return NULL;
}

/* The engine of the vehicle, or NULL. */
static const struct sim_live *engine(const struct sim *s)
{
	const struct sim_ecu *ecu = engine_ecu(s);

	return ecu ? &ecu->m.live : NULL;
}

/* True while the vehicle's engine runs (never while its ECU runs its
 * boot loader). */
bool sim_engine_running(const struct sim *s)
{
	const struct sim_live *l = engine(s);

	return l && l->running && !engine_ecu(s)->m.flash.boot;
}

/* Starts or stops the engine (engine=on|off). */
int sim_set_engine(struct sim *s, bool on)
{
	struct sim_ecu *ecu = engine_ecu(s);
	struct sim_live *l;

	if (ecu == NULL)
		return -1;
	l = &ecu->m.live;
	l->running = on;
	if (on && l->idle_rpm <= 0)
		l->idle_rpm = 800;
	if (!on)
		l->idle_rpm = 0;
	ecu->rpm = (int)lround(l->idle_rpm);
	return 0;
}

/* A triangle wave of the modelled time: -1..1, period in milliseconds. */
static double wave(uint64_t t_us, uint32_t period_ms)
{
	double p = (double)(t_us / 1000 % period_ms) / period_ms;

	return p < 0.5 ? 4 * p - 1 : 3 - 4 * p;
}

/* Coolant temperature: warming at 1 degree per 10 s up to 90 (or the
 * profile's value if warmer), then wandering by 1. */
static double coolant(const struct sim_live *l, uint64_t t)
{
	double target = l->coolant > 90 ? l->coolant : 90;
	double c = l->coolant + (double)t / 1e7;

	return c < target ? c : target + wave(t, 30000);
}

/* A quantity of a running engine. */
static double running_value(const struct sim *s, const struct sim_live *l, enum sim_quantity q)
{
	uint64_t t = s->now_us;
	double secs = (double)t / 1e6, v;

	switch (q) {
	case SIM_Q_RPM:
		v = l->speed > 0 ? 900 + l->speed * 25 : l->idle_rpm;
		return v + 14 * wave(t, 5300) + 6 * wave(t, 1300);
	case SIM_Q_SPEED:
		return l->speed > 0 ? l->speed + 2 * wave(t, 9000) : 0;
	case SIM_Q_COOLANT: return coolant(l, t);
	case SIM_Q_INTAKE: return l->ambient + 8 + 2 * wave(t, 20000);
	case SIM_Q_LOAD: return l->load + 3 * wave(t, 4100);
	case SIM_Q_THROTTLE: return l->throttle + wave(t, 3100);
	case SIM_Q_VOLTAGE: /* the alternator: 14.2 V, or 28.2 V on a 24 V vehicle */
		return (s->vehicle.voltage > 18 ? 28.2 : 14.2) + 0.1 * wave(t, 7000);
	case SIM_Q_ODOMETER: return l->odometer + l->speed * secs / 3600;
	case SIM_Q_RUNTIME: return secs;
	default: break;
	}
	return q == SIM_Q_AMBIENT ? l->ambient : l->fuel;
}

/* A live quantity now, in its unit; the voltage is the sag fault's while
 * a sag lasts, else the volts fault's when that is on. */
double sim_live_value(const struct sim *s, enum sim_quantity q)
{
	const struct sim_live *l = engine(s);

	if (q == SIM_Q_VOLTAGE && sim_fault_sag(s) >= 0)
		return sim_fault_sag(s);
	if (q == SIM_Q_VOLTAGE && s->faults.volts > 0)
		return s->faults.volts;
	if (sim_engine_running(s))
		return running_value(s, l, q);
	switch (q) {
	case SIM_Q_RPM: return l && l->running ? 0 : l ? l->idle_rpm : 0;
	case SIM_Q_SPEED: return l ? l->speed : 0;
	case SIM_Q_COOLANT: return l ? l->coolant : 20;
	case SIM_Q_AMBIENT: return l ? l->ambient : 20;
	case SIM_Q_INTAKE: return l ? l->ambient : 20;
	case SIM_Q_THROTTLE: return l ? l->throttle : 0;
	case SIM_Q_VOLTAGE: return s->vehicle.voltage;
	case SIM_Q_ODOMETER: return l ? l->odometer : 0;
	case SIM_Q_FUEL: return l ? l->fuel : 0;
	default: return 0;
	}
}

/* A value rounded and held within 0..max. */
static uint32_t clampu(double v, uint32_t max)
{
	if (!(v > 0))
		return 0;
	return v >= max ? max : (uint32_t)lround(v);
}

/* Writes n bytes of x big-endian; returns n. */
static size_t put_be(uint8_t *out, uint32_t x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(x >> (8 * (n - 1 - i)));
	return n;
}

/* True if the ECU answers mode 01 PID pid (bitmaps included: a bitmap PID
 * is supported when some PID above it is). */
static bool pid_supported(const struct sim_ecu *ecu, uint8_t pid)
{
	size_t i;

	for (i = 0; i < ecu->m.live.npids; i++)
		if (ecu->m.live.pids[i] == pid || (pid % 0x20 == 0 && ecu->m.live.pids[i] > pid))
			return true;
	return pid == 0;
}

/* PID 01: MIL and number of confirmed DTCs, then the monitors (spark
 * ignition: continuous monitors complete, catalyst and oxygen sensors). */
static size_t pid_monitor(const struct sim_ecu *ecu, uint8_t *out)
{
	size_t i, count = 0;
	bool mil = false;

	for (i = 0; i < ecu->m.ndtcs; i++) {
		const struct sim_dtc *d = &ecu->m.dtcs[i];
		if (d->stored && (d->status & 0x08))
			count++;
		if (d->stored && (d->status & 0x80))
			mil = true;
	}
	out[0] = (uint8_t)((mil ? 0x80 : 0) | (count > 0x7F ? 0x7F : count));
	out[1] = 0x07;
	out[2] = 0x65;
	out[3] = 0x00;
	return 4;
}

/* The supported-PIDs bitmap for pid+1..pid+32. */
static size_t pid_bitmap(const struct sim_ecu *ecu, uint8_t pid, uint8_t *out)
{
	uint32_t bits = 0;
	int i;

	for (i = 1; i <= 32; i++)
		if (pid + i <= 0xFF && pid_supported(ecu, (uint8_t)(pid + i)))
			bits |= 1u << (32 - i);
	return put_be(out, bits, 4);
}

/* Writes the value of one mode 01 PID; returns bytes written, 0 if unknown. */
static size_t pid_value(const struct sim *s, const struct sim_ecu *ecu, uint8_t pid,
			uint8_t *out)
{
	if (!pid_supported(ecu, pid))
		return 0;
	if (pid % 0x20 == 0)
		return pid_bitmap(ecu, pid, out);
	switch (pid) {
	case 0x01: return pid_monitor(ecu, out);
	case 0x04: return put_be(out, clampu(sim_live_value(s, SIM_Q_LOAD) * 2.55, 255), 1);
	case 0x05: return put_be(out, clampu(sim_live_value(s, SIM_Q_COOLANT) + 40, 255), 1);
	case 0x0C: return put_be(out, clampu(sim_live_value(s, SIM_Q_RPM) * 4, 0xFFFF), 2);
	case 0x0D: return put_be(out, clampu(sim_live_value(s, SIM_Q_SPEED), 255), 1);
	case 0x0F: return put_be(out, clampu(sim_live_value(s, SIM_Q_INTAKE) + 40, 255), 1);
	case 0x11: return put_be(out, clampu(sim_live_value(s, SIM_Q_THROTTLE) * 2.55, 255), 1);
	case 0x1F: return put_be(out, clampu(sim_live_value(s, SIM_Q_RUNTIME), 0xFFFF), 2);
	case 0x2F: return put_be(out, clampu(sim_live_value(s, SIM_Q_FUEL) * 2.55, 255), 1);
	case 0x42: return put_be(out, clampu(sim_live_value(s, SIM_Q_VOLTAGE) * 1000, 0xFFFF), 2);
	case 0x46: return put_be(out, clampu(sim_live_value(s, SIM_Q_AMBIENT) + 40, 255), 1);
	}
	return 0;
}

/* Writes a live DID's value (or an OBD DID F4xx); returns its length, 0 if
 * the ECU has no such DID. */
size_t sim_live_did(const struct sim *s, const struct sim_ecu *ecu, uint16_t did, uint8_t *out)
{
	size_t i;

	for (i = 0; i < ecu->m.nlive_dids; i++) {
		const struct sim_live_did *d = &ecu->m.live_dids[i];
		double raw;
		if (d->id != did)
			continue;
		raw = sim_live_value(s, (enum sim_quantity)d->quantity) * d->factor + d->offset;
		return put_be(out, clampu(raw, d->bytes >= 4 ? 0xFFFFFFFFu
						  : (1u << (8 * d->bytes)) - 1), d->bytes);
	}
	if (ecu->obd && did >> 8 == 0xF4)
		return pid_value(s, ecu, (uint8_t)did, out);
	return 0;
}

/* OBD-II mode 01: up to six PIDs; unsupported ones get no answer. */
static size_t obd_mode1(struct sim_req *r)
{
	size_t i, len = 1, w;

	if (r->n < 2 || r->n > 7)
		return 0;
	r->resp[0] = 0x41;
	for (i = 1; i < r->n; i++) {
		r->resp[len] = r->req[i];
		w = pid_value(r->s, r->ecu, r->req[i], r->resp + len + 1);
		if (w)
			len += 1 + w;
	}
	return len > 1 ? len : 0;
}

/* OBD-II mode 09: PID 00 (supported: 02) and 02 (VIN). */
static size_t obd_mode9(struct sim_req *r)
{
	static const uint8_t pids[] = { 0x49, 0x00, 0x40, 0x00, 0x00, 0x00 };

	if (r->n != 2)
		return 0;
	if (r->req[1] == 0x00) {
		memcpy(r->resp, pids, sizeof pids);
		return sizeof pids;
	}
	if (r->req[1] != 0x02)
		return 0;
	r->resp[0] = 0x49;
	r->resp[1] = 0x02;
	r->resp[2] = 0x01; /* number of data items */
	memcpy(r->resp + 3, r->s->vehicle.vin, 17);
	return 20;
}

/* OBD-II modes 01, 03, 04, 07 and 09; no answer for what the ECU does not
 * know (J1979 ECUs keep quiet rather than answer negatively). */
size_t sim_obd_request(struct sim_req *r)
{
	switch (r->req[0]) {
	case 0x01: return obd_mode1(r);
	case 0x03: case 0x04: case 0x07: return sim_obd_dtc(r);
	case 0x09: return obd_mode9(r);
	}
	return 0;
}
