/* check.c: `obdcon check`: brand scripts validated without a car, against
 * every simulated vehicle (so a feature outside its DID is caught). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_internal.h"
#include "util/buf.h"

#define CHECK_VEHICLES_MAX 64

/* The simulated vehicles as the checker wants them. */
struct check_set {
	struct script_check_vehicle v[CHECK_VEHICLES_MAX];
	char vins[CHECK_VEHICLES_MAX][18];
	struct sim_did_len *dids[CHECK_VEHICLES_MAX];
	struct script_check_did *cdids[CHECK_VEHICLES_MAX];
	size_t n;
};

/* Adds one simulated vehicle's DIDs; a broken profile is skipped. */
static void add_vehicle(struct check_set *cs, const char *name)
{
	struct error e;
	size_t n, i;
	struct sim_did_len *d;

	if (cs->n == CHECK_VEHICLES_MAX ||
	    sim_vehicle_dids(name, cs->vins[cs->n], sizeof cs->vins[cs->n], &d, &n, &e) < 0)
		return;
	cs->cdids[cs->n] = calloc(n ? n : 1, sizeof *cs->cdids[cs->n]);
	if (cs->cdids[cs->n] == NULL) {
		free(d);
		return;
	}
	for (i = 0; i < n; i++)
		cs->cdids[cs->n][i] = (struct script_check_did){ d[i].tx, d[i].did, d[i].len };
	cs->dids[cs->n] = d;
	cs->v[cs->n] = (struct script_check_vehicle){ cs->vins[cs->n], n, cs->cdids[cs->n] };
	cs->n++;
}

/* Checks script files against the simulated vehicles; returns the number
 * of problems, each reported as file, line, message. */
int app_check_scripts(const char *const *files, size_t n,
		      void (*report)(void *arg, const char *file, int line, const char *msg),
		      void *arg)
{
	struct check_set *cs = calloc(1, sizeof *cs);
	struct buf names = { 0 };
	const char *p, *nl;
	char name[128];
	size_t i;
	int problems;

	if (cs == NULL) {
		report(arg, "obdcon", 0, "out of memory");
		return 1;
	}
	sim_vehicle_names(&names);
	for (p = buf_str(&names); (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(name, sizeof name, "%.*s", (int)(nl - p), p);
		add_vehicle(cs, name);
	}
	buf_free(&names);
	problems = script_check(files, n, cs->v, cs->n, report, arg);
	for (i = 0; i < cs->n; i++) {
		free(cs->dids[i]);
		free(cs->cdids[i]);
	}
	free(cs);
	return problems;
}
