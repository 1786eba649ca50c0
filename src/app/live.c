/* live.c: live OBD-II values from the engine, as fast as the link allows:
 * up to six PIDs per mode 01 request (SAE J1979 on CAN), and the reply
 * length known in advance so the adapter stops at the last frame. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "diag/obd.h"
#include "util/clock.h"

/* The OBD-II engine ECU's addressing: 7E0/7E8 on 11-bit identifiers
 * (ISO 15765-4); on 29-bit ones the ECU that answered the protocol
 * search at connect (18DAxxF1 answered on 18DAF1xx), else address 00. */
struct app_can_target app_live_engine(const struct app *a)
{
	const struct adapter_info *i = a->adapter ? adapter_info(a->adapter) : NULL;
	uint32_t rx;

	if (i == NULL || !i->bus_ext)
		return (struct app_can_target){ 0x7E0, 0x7E8, false };
	rx = i->obd_rx ? i->obd_rx : 0x18DAF100u;
	return (struct app_can_target){ 0x18DA00F1u | (rx & 0xFF) << 8, rx, true };
}

/* The engine as a UDS target: the module at its addressing when there
 * is one (for its name), else a module of its own. */
struct uds_target app_engine_target(const struct app *a)
{
	struct app_can_target c = app_live_engine(a);
	size_t i;

	for (i = 0; i < a->nmodules; i++)
		if (a->modules[i].tx == c.tx && a->modules[i].ext == c.ext)
			return app_module_target(&a->modules[i]);
	return (struct uds_target){ "engine", { c.tx, c.rx, c.ext } };
}

/* Hex digits a bit-encoded field is shown with (monitor status, O2
 * sensors present...), 0 for a number or an enumeration. */
static unsigned hex_digits(const struct obd_pid *info, const char *label)
{
	size_t i;

	for (i = 0; info && i < info->nfields; i++)
		if (strcmp(info->fields[i].label, label) == 0)
			return info->fields[i].formula == OBD_F_RAW32 ? 8
			       : info->fields[i].formula == OBD_F_RAW16 ? 4 : 0;
	return 0;
}

/* Hands every value of one PID's data to the callback. */
static void emit_pid(const struct obd_pid_data *d, double t,
		     void (*fn)(void *arg, const struct app_sample *s), void *arg, unsigned *count)
{
	const struct obd_pid *info = obd_pid_info(d->pid);
	struct obd_value vals[OBD_VALUES_MAX];
	struct app_sample s;
	struct error e;
	size_t n = 0, i;

	if (obd_pid_decode(d->pid, d->data, d->len, vals, &n, &e) < 0)
		return;
	for (i = 0; i < n; i++) {
		if (!vals[i].valid)
			continue;
		s.t = t;
		s.pid = d->pid;
		s.name = info ? info->name : "?";
		s.label = vals[i].label;
		s.value = vals[i].value;
		s.unit = vals[i].unit;
		s.hex_digits = hex_digits(info, vals[i].label);
		(*count)++;
		if (fn)
			fn(arg, &s);
	}
}

/* Reads one group of PIDs and emits their values. */
static int read_group(struct app *a, const struct uds_target *t, const uint8_t *pids, size_t n,
		      int64_t t0, void (*fn)(void *arg, const struct app_sample *s), void *arg,
		      struct app_live_stats *st, struct error *e)
{
	static struct obd_pids_reply r;
	double now;
	size_t i;

	if (obd_read_current(a->uds, t, pids, n, &r, e) < 0)
		return -(int)e->kind;
	st->requests++;
	now = (double)(clock_us() - t0) / 1e6;
	for (i = 0; i < r.count; i++)
		emit_pid(&r.items[i], now, fn, arg, &st->samples);
	return 0;
}

/* Reads live values: rounds of all pids, batched six per request or single. */
int app_live(struct app *a, const uint8_t *pids, size_t n, unsigned rounds, bool batched,
	     void (*fn)(void *arg, const struct app_sample *s), void *arg,
	     struct app_live_stats *stats, struct error *e)
{
	struct uds_target t = app_engine_target(a);
	struct app_live_stats st = { 0, 0, 0 };
	int64_t t0 = clock_us();
	size_t group = batched ? OBD_MAX_PIDS : 1, i;
	unsigned r;

	session_set_operation(a->session, "live");
	if (a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (n == 0)
		return error_set(e, ERR_ARG, "no PIDs given");
	for (r = 0; r < rounds && !app_cancelled(a); r++)
		for (i = 0; i < n; i += group)
			if (read_group(a, &t, pids + i, n - i < group ? n - i : group, t0, fn, arg, &st,
				       e) < 0)
				return error_wrap(e, "live data");
	st.seconds = (double)(clock_us() - t0) / 1e6;
	if (stats)
		*stats = st;
	app_say(a, APP_INFO, "live: %u samples in %u requests, %.1f samples/s", st.samples,
		st.requests, st.seconds > 0 ? st.samples / st.seconds : 0.0);
	return 0;
}
