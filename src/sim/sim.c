/* sim.c: a simulator from a port spec ("sim:[VEHICLE][,key=value...]"),
 * its deterministic entry points (sim_input, sim_run), and running it in a
 * thread behind an in-process link pair (obdcon --demo). A mutex guards
 * the simulator, so tests may call sim_get_did() while a thread serves
 * it; serve.c serves it on a link. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define SPEC_MAX 512
#define BAUD_OPT_MIN 300
#define BAUD_OPT_MAX 4000000

/* A simulator served by a thread. */
struct sim_thread {
	pthread_t thread;
	struct sim *sim;
	struct link *link;      /* the simulator's end */
	volatile sig_atomic_t stop;
	struct error err;       /* why sim_serve ended, if it failed */
	int rc;
};

/* What a spec asks for. */
struct sim_spec {
	char vehicle[SIM_NAME_MAX + 1];
	char adapter[SIM_NAME_MAX + 1];
	char state[SPEC_MAX + 1];
	char faults[SPEC_MAX + 1];
	long baud;     /* 0 = the profile's */
	long latency_ms; /* ECU processing time before each answer */
	bool throttle;
	int engine;    /* engine=: -1 as the profile says, 0 off, 1 running */
};

/* Copies a profile name given in a spec, refusing empty or long ones. */
static int spec_name(char *dst, const char *src, const char *what, struct error *e)
{
	if (src[0] == 0 || strlen(src) > SIM_NAME_MAX)
		return error_set(e, ERR_ARG, "sim: bad %s name \"%s\"", what, src);
	strcpy(dst, src);
	return 0;
}

/* "baud=N": a UART rate. */
static int spec_baud(struct sim_spec *sp, const char *v, struct error *e)
{
	unsigned long n;

	if (parse_uint(v, BAUD_OPT_MAX, &n) < 0 || n < BAUD_OPT_MIN)
		return error_set(e, ERR_ARG, "sim: baud= needs a rate of %d..%d", BAUD_OPT_MIN,
				 BAUD_OPT_MAX);
	sp->baud = (long)n;
	return 0;
}

/* A valueless option ("throttle"). */
static int spec_flag(struct sim_spec *sp, const char *opt, struct error *e)
{
	if (strcmp(opt, "throttle") == 0) {
		sp->throttle = true;
		return 0;
	}
	return error_set(e, ERR_ARG, "sim: option \"%s\" needs a value (key=value)", opt);
}

/* One "key=value" option of a spec. */
static int spec_option(struct sim_spec *sp, char *opt, struct error *e)
{
	char *eq = strchr(opt, '=');

	if (eq == NULL)
		return spec_flag(sp, opt, e);
	*eq = 0;
	if (strcmp(opt, "adapter") == 0)
		return spec_name(sp->adapter, eq + 1, "adapter profile", e);
	if (strcmp(opt, "state") == 0 || strcmp(opt, "faults") == 0) {
		if (eq[1] == 0)
			return error_set(e, ERR_ARG, "sim: %s= needs a value", opt);
		snprintf(opt[0] == 's' ? sp->state : sp->faults, SPEC_MAX + 1, "%s", eq + 1);
		return 0;
	}
	if (strcmp(opt, "baud") == 0)
		return spec_baud(sp, eq + 1, e);
	if (strcmp(opt, "latency") == 0) {
		char *end;
		sp->latency_ms = strtol(eq + 1, &end, 10);
		if (*end || end == eq + 1 || sp->latency_ms < 0 || sp->latency_ms > 5000)
			return error_set(e, ERR_ARG, "sim: latency= takes milliseconds, 0 to 5000");
		return 0;
	}
	if (strcmp(opt, "throttle") == 0) {
		if (strcmp(eq + 1, "0") != 0 && strcmp(eq + 1, "1") != 0)
			return error_set(e, ERR_ARG, "sim: throttle= is 0 or 1");
		sp->throttle = eq[1] == '1';
		return 0;
	}
	if (strcmp(opt, "engine") == 0) {
		if (strcmp(eq + 1, "on") != 0 && strcmp(eq + 1, "off") != 0)
			return error_set(e, ERR_ARG, "sim: engine= is on or off");
		sp->engine = strcmp(eq + 1, "on") == 0;
		return 0;
	}
	return error_set(e, ERR_ARG,
			 "sim: unknown option \"%s\" (known: adapter, state, faults, baud, latency, "
			 "throttle, engine)", opt);
}

/* Splits "[VEHICLE][,key=value...]" into its parts. */
static int parse_spec(const char *spec, struct sim_spec *sp, struct error *e)
{
	char text[SPEC_MAX + 1], *p, *comma;

	strcpy(sp->vehicle, "demo");
	strcpy(sp->adapter, "elm327");
	sp->state[0] = sp->faults[0] = 0;
	sp->baud = 0;
	sp->latency_ms = 0;
	sp->throttle = false;
	sp->engine = -1;
	if (spec == NULL)
		spec = "";
	if (strlen(spec) > SPEC_MAX)
		return error_set(e, ERR_ARG, "sim: port spec too long");
	strcpy(text, spec);
	comma = strchr(text, ',');
	if (comma)
		*comma = 0;
	if (text[0] && spec_name(sp->vehicle, text, "vehicle profile", e) < 0)
		return -(int)e->kind;
	for (p = comma ? comma + 1 : NULL; p; p = comma ? comma + 1 : NULL) {
		comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		if (spec_option(sp, p, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* The vehicle profile's faults = "..." string. */
static int vehicle_faults(struct sim *s, const struct sdata *d, const char *file, struct error *e)
{
	const struct sdata *f = sdata_get(d, "faults");

	if (f == NULL)
		return 0;
	if (f->type != SD_STR)
		return error_set(e, ERR_FORMAT, "%s: faults must be a string", file);
	if (sim_faults_parse(&s->faults, f->str, e) < 0)
		return error_wrap(e, "%s", file);
	return 0;
}

/* Loads both profiles into s. */
static int load_profiles(struct sim *s, const struct sim_spec *sp, struct error *e)
{
	struct sdata d;
	char *file = NULL;
	int rc;

	rc = sim_profile_load("adapters", sp->adapter, &d, &file, e);
	if (rc == 0)
		rc = sim_adapter_load(&d, file, &s->adapter, e);
	sdata_free(&d);
	free(file);
	if (rc < 0)
		return rc;
	rc = sim_profile_load("vehicles", sp->vehicle, &d, &file, e);
	if (rc == 0)
		rc = sim_vehicle_load(&d, file, &s->vehicle, e);
	if (rc == 0)
		rc = vehicle_faults(s, &d, file, e);
	sdata_free(&d);
	free(file);
	return rc;
}

/* Applies the options of the spec: faults (after the profile's), baud,
 * engine; then the ECUs power up (a broken application: the boot loader). */
static int apply_options(struct sim *s, const struct sim_spec *sp, struct error *e)
{
	size_t i;

	if (sp->faults[0] && sim_faults_parse(&s->faults, sp->faults, e) < 0)
		return -(int)e->kind;
	if (sp->engine >= 0 && sim_set_engine(s, sp->engine == 1) < 0)
		return error_set(e, ERR_ARG, "sim: engine=: vehicle %s has no engine (no live table)",
				 s->vehicle.id);
	for (i = 0; i < s->vehicle.necus; i++)
		sim_flash_power_up(&s->vehicle.ecus[i].m.flash);
	if (sp->baud)
		s->adapter.baud = sp->baud;
	if (s->adapter.baud_max < s->adapter.baud)
		s->adapter.baud_max = s->adapter.baud;
	return 0;
}

/* Starts the timing model: clock at 0, the adapter powered up. */
static int start_core(struct sim *s, const struct sim_spec *sp, struct error *e)
{
	if (sim_core_new(s, e) < 0)
		return -(int)e->kind;
	s->core->throttle = sp->throttle;
	s->latency_us = (uint64_t)sp->latency_ms * 1000;
	s->core->rng = s->faults.seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
	/* cppcheck-suppress knownConditionTrueFalse ; the product wraps modulo 2^64 */
	if (s->core->rng == 0)
		s->core->rng = 1;
	s->at.baud = s->adapter.baud;
	sim_at_defaults(s);
	return 0;
}

/* Builds a simulator from a port spec after "sim:". */
int sim_create(const char *spec, struct sim **out, struct error *e)
{
	struct sim_spec sp;
	struct sim *s;

	*out = NULL;
	if (parse_spec(spec, &sp, e) < 0)
		return -(int)e->kind;
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->lock = malloc(sizeof *s->lock)) == NULL) {
		free(s);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(s->lock, NULL);
	sim_faults_init(&s->faults);
	if (sp.state[0] && (s->state_file = strdup(sp.state)) == NULL) {
		sim_free(s);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	if (load_profiles(s, &sp, e) < 0 || sim_state_load(s, e) < 0 ||
	    apply_options(s, &sp, e) < 0 || start_core(s, &sp, e) < 0) {
		sim_free(s);
		return -(int)e->kind;
	}
	*out = s;
	return 0;
}

/* Frees a simulator. */
void sim_free(struct sim *s)
{
	if (s == NULL)
		return;
	if (s->core)
		sim_state_flush(s);
	sim_adapter_free(&s->adapter);
	sim_vehicle_free(&s->vehicle);
	sim_bus_free(&s->bus);
	sim_core_free(s);
	free(s->state_file);
	pthread_mutex_destroy(s->lock);
	free(s->lock);
	free(s);
}

/* The deterministic core: console bytes in, adapter bytes out. */
int sim_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out)
{
	int rc;

	pthread_mutex_lock(s->lock);
	sim_feed(s, in, n);
	sim_settle(s);
	sim_out_take(s, UINT64_MAX, out);
	sim_state_save_if_changed(s);
	rc = s->core->closed ? -ERR_EOF : 0;
	pthread_mutex_unlock(s->lock);
	return rc;
}

/* Advances modelled time to until_us; output as sim_input. */
int sim_run(struct sim *s, uint64_t until_us, struct buf *out)
{
	int rc;

	pthread_mutex_lock(s->lock);
	sim_advance(s, until_us);
	sim_settle(s);
	sim_out_take(s, UINT64_MAX, out);
	sim_state_save_if_changed(s);
	rc = s->core->closed ? -ERR_EOF : 0;
	pthread_mutex_unlock(s->lock);
	return rc;
}

/* Modelled time since creation. */
uint64_t sim_now_us(const struct sim *s)
{
	return s->now_us;
}

/* Copies the counters. */
void sim_stats(const struct sim *s, struct sim_stats *out)
{
	pthread_mutex_lock(s->lock);
	*out = s->core->stats;
	out->modelled_us = s->now_us;
	pthread_mutex_unlock(s->lock);
}

/* The thread's body. */
static void *serve_thread(void *arg)
{
	struct sim_thread *t = arg;

	t->rc = sim_serve(t->sim, t->link, &t->stop, &t->err);
	return NULL;
}

/* Creates a simulator from spec and serves it in a new thread. */
int sim_spawn(const char *spec, struct link **console, struct sim_thread **out, struct error *e)
{
	struct sim_thread *t;

	*console = NULL;
	*out = NULL;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	if (sim_create(spec, &t->sim, e) < 0 || link_pair(console, &t->link, "sim", e) < 0) {
		sim_free(t->sim);
		free(t);
		return -(int)e->kind;
	}
	link_set_baud(*console, (int)t->sim->adapter.baud, e); /* the modelled UART */
	if (pthread_create(&t->thread, NULL, serve_thread, t) != 0) {
		link_close(*console);
		*console = NULL;
		link_close(t->link);
		sim_free(t->sim);
		free(t);
		return error_set(e, ERR_NOMEM, "sim: cannot start a thread");
	}
	*out = t;
	return 0;
}

/* Stops the thread, joins it and frees everything of it. */
void sim_thread_stop(struct sim_thread *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(t->sim->lock);
	t->stop = 1;
	pthread_mutex_unlock(t->sim->lock);
	pthread_join(t->thread, NULL);
	link_close(t->link);
	sim_free(t->sim);
	free(t);
}

/* The simulator inside a thread. */
struct sim *sim_thread_sim(struct sim_thread *t)
{
	return t->sim;
}

/* The VIN of the virtual vehicle (fixed at creation). */
const char *sim_vin(const struct sim *s)
{
	return s->vehicle.vin;
}

/* Copies the current value of a DID; -1 if the ECU or DID is absent or
 * cap is too small (then *len still tells the size needed). */
int sim_get_did(const struct sim *s, const char *ecu_id, uint16_t did, uint8_t *out, size_t cap,
		size_t *len)
{
	const struct sim_ecu *ecu;
	const struct sim_did *d;
	int rc = -1;

	pthread_mutex_lock(s->lock);
	ecu = sim_vehicle_ecu(&s->vehicle, ecu_id);
	d = ecu ? sim_ecu_did(ecu, did) : NULL;
	if (d) {
		*len = d->len;
		if (d->len <= cap) {
			memcpy(out, d->val, d->len);
			rc = 0;
		}
	}
	pthread_mutex_unlock(s->lock);
	return rc;
}

/* Prints one profile's line: name, kind, description. */
static void list_one(const char *kind, const char *name, struct buf *out)
{
	struct sdata d;
	struct error e = { 0 };
	char *file = NULL;

	if (sim_profile_load(kind, name, &d, &file, &e) == 0)
		buf_printf(out, "%s\t%s\t%s\n", name, kind[0] == 'a' ? "adapter" : "vehicle",
			   sdata_str(&d, "name", name));
	else
		buf_printf(out, "%s\t%s\t(broken: %s)\n", name, kind[0] == 'a' ? "adapter" : "vehicle",
			   e.text);
	sdata_free(&d);
	free(file);
}

/* Prints the known adapter and vehicle profiles, one a line, name first:
 * "elm327<TAB>adapter<TAB>ELM327 v2.2 (genuine)". */
void sim_list_profiles(struct buf *out)
{
	static const char *const kinds[] = { "adapters", "vehicles" };
	struct buf names = { 0 };
	const char *p, *nl;
	char name[SIM_NAME_MAX + 1];
	size_t k;

	for (k = 0; k < 2; k++) {
		buf_reset(&names);
		sim_profile_names(kinds[k], &names);
		for (p = buf_str(&names); (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
			snprintf(name, sizeof name, "%.*s", (int)(nl - p), p);
			list_one(kinds[k], name, out);
		}
	}
	buf_free(&names);
}

/* Loads vehicle profile name into v. */
static int load_vehicle(const char *name, struct sim_vehicle *v, struct error *e)
{
	struct sdata d;
	char *file = NULL;
	int rc;

	memset(v, 0, sizeof *v);
	rc = sim_profile_load("vehicles", name, &d, &file, e);
	if (rc == 0)
		rc = sim_vehicle_load(&d, file, v, e);
	sdata_free(&d);
	free(file);
	return rc;
}

/* Loads a vehicle profile and lists its VIN and DIDs with their lengths. */
int sim_vehicle_dids(const char *name, char *vin, size_t vn, struct sim_did_len **out, size_t *n,
		     struct error *e)
{
	struct sim_vehicle v;
	size_t i, k, total = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = load_vehicle(name, &v, e);
	if (rc < 0)
		return rc;
	for (i = 0; i < v.necus; i++)
		total += v.ecus[i].ndids;
	*out = calloc(total ? total : 1, sizeof **out);
	if (*out == NULL) {
		sim_vehicle_free(&v);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < v.necus; i++)
		for (k = 0; k < v.ecus[i].ndids; k++)
			(*out)[(*n)++] = (struct sim_did_len){ v.ecus[i].tx, v.ecus[i].dids[k].id,
							       v.ecus[i].dids[k].len };
	snprintf(vin, vn, "%s", v.vin);
	sim_vehicle_free(&v);
	return 0;
}

/* The offset in the memory an image DID is read from, or UINT32_MAX. */
static uint32_t image_did_at(const struct sim_flash *f, uint16_t did)
{
	size_t i;

	for (i = 0; i < f->nimage_dids; i++)
		if (f->image_dids[i].did == did)
			return f->image_dids[i].off;
	return UINT32_MAX;
}

/* Loads vehicle profile name and lists the flash memory of its ECUs. */
int sim_vehicle_flashes(const char *name, struct sim_flash_layout **out, size_t *n,
			struct error *e)
{
	struct sim_vehicle v;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	rc = load_vehicle(name, &v, e);
	if (rc < 0)
		return rc;
	*out = calloc(v.necus ? v.necus : 1, sizeof **out);
	if (*out == NULL) {
		sim_vehicle_free(&v);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < v.necus; i++) {
		const struct sim_flash *f = &v.ecus[i].m.flash;
		if (!f->present)
			continue;
		(*out)[(*n)++] = (struct sim_flash_layout){
			v.ecus[i].tx, f->addr, f->size, f->sector, f->erase_rid, f->check_rid,
			image_did_at(f, 0xF187), image_did_at(f, 0xF191), image_did_at(f, 0xF189)
		};
	}
	sim_vehicle_free(&v);
	return 0;
}

/* Names of the vehicle profiles, one a line. */
void sim_vehicle_names(struct buf *out)
{
	sim_profile_names("vehicles", out);
}
