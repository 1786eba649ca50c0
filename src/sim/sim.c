/* sim.c: a simulator from a port spec ("sim:[VEHICLE][,key=value...]"),
 * serving it on a link, and running it in a thread behind an in-process
 * link pair (obdcon --demo). A mutex guards the simulator, so tests may
 * call sim_get_did() while a thread serves it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define SPEC_MAX 512
#define SERVE_POLL_MS 50      /* how often sim_serve looks at *stop */
#define SERVE_WRITE_MS 5000   /* a console that reads nothing for this long is gone */

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
};

/* Copies a profile name given in a spec, refusing empty or long ones. */
static int spec_name(char *dst, const char *src, const char *what, struct error *e)
{
	if (src[0] == 0 || strlen(src) > SIM_NAME_MAX)
		return error_set(e, ERR_ARG, "sim: bad %s name \"%s\"", what, src);
	strcpy(dst, src);
	return 0;
}

/* One "key=value" option of a spec. */
static int spec_option(struct sim_spec *sp, char *opt, struct error *e)
{
	char *eq = strchr(opt, '=');

	if (eq == NULL)
		return error_set(e, ERR_ARG, "sim: option \"%s\" needs a value (key=value)", opt);
	*eq = 0;
	if (strcmp(opt, "adapter") == 0)
		return spec_name(sp->adapter, eq + 1, "adapter profile", e);
	if (strcmp(opt, "state") == 0) {
		if (eq[1] == 0)
			return error_set(e, ERR_ARG, "sim: state= needs a file name");
		snprintf(sp->state, sizeof sp->state, "%s", eq + 1);
		return 0;
	}
	return error_set(e, ERR_ARG, "sim: unknown option \"%s\" (known: adapter, state)", opt);
}

/* Splits "[VEHICLE][,key=value...]" into its parts. */
static int parse_spec(const char *spec, struct sim_spec *sp, struct error *e)
{
	char text[SPEC_MAX + 1], *p, *comma;

	strcpy(sp->vehicle, "demo");
	strcpy(sp->adapter, "elm327");
	sp->state[0] = 0;
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
	sdata_free(&d);
	free(file);
	return rc;
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
	if (sp.state[0] && (s->state_file = strdup(sp.state)) == NULL) {
		sim_free(s);
		return error_set(e, ERR_NOMEM, "out of memory");
	}
	if (load_profiles(s, &sp, e) < 0 || sim_state_load(s, e) < 0) {
		sim_free(s);
		return -(int)e->kind;
	}
	sim_at_defaults(s);
	*out = s;
	return 0;
}

/* Frees a simulator. */
void sim_free(struct sim *s)
{
	if (s == NULL)
		return;
	sim_adapter_free(&s->adapter);
	sim_vehicle_free(&s->vehicle);
	sim_bus_free(&s->bus);
	free(s->state_file);
	pthread_mutex_destroy(s->lock);
	free(s->lock);
	free(s);
}

/* The deterministic core: console bytes in, adapter bytes out. */
void sim_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out)
{
	pthread_mutex_lock(s->lock);
	sim_at_input(s, in, n, out);
	sim_state_save_if_changed(s);
	pthread_mutex_unlock(s->lock);
}

/* Reads the stop flag under the simulator's lock (sim_thread_stop sets it
 * under the lock too; a signal handler may set it without). */
static bool stopped(struct sim *s, volatile sig_atomic_t *stop)
{
	bool v;

	pthread_mutex_lock(s->lock);
	v = *stop != 0;
	pthread_mutex_unlock(s->lock);
	return v;
}

/* Serves the simulator on a link until EOF on it or *stop becomes non-zero;
 * 0 on EOF or stop. */
int sim_serve(struct sim *s, struct link *l, volatile sig_atomic_t *stop, struct error *e)
{
	uint8_t in[1024];
	struct buf out = { 0 };
	long r = 0;

	while (!stopped(s, stop)) {
		r = link_read(l, in, sizeof in, SERVE_POLL_MS, e);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		sim_input(s, in, (size_t)r, &out);
		r = out.len ? link_write(l, out.data, out.len, SERVE_WRITE_MS, e) : 0;
		buf_reset(&out);
		if (r < 0)
			break;
	}
	buf_free(&out);
	if (r == -ERR_EOF) {
		error_clear(e);
		return 0;
	}
	return r < 0 ? (int)r : 0;
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
