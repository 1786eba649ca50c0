/* check.c: `obdcon check`: brand scripts validated without a car, against
 * every simulated vehicle (so a feature outside its DID, or a flash
 * procedure that does not fit a module's flash memory, is caught). */
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
	struct script_check_flash *flash[CHECK_VEHICLES_MAX];
	size_t n;
};

/* The flash memory of a simulated vehicle's modules, as the checker wants
 * it; NULL when out of memory (or a broken profile). */
static struct script_check_flash *vehicle_flashes(const char *name, size_t *n)
{
	struct sim_flash_layout *l;
	struct script_check_flash *f;
	struct error e;
	size_t i;

	if (sim_vehicle_flashes(name, &l, n, &e) < 0)
		return NULL;
	f = calloc(*n ? *n : 1, sizeof *f);
	for (i = 0; f && i < *n; i++)
		f[i] = (struct script_check_flash){ l[i].tx, l[i].addr, l[i].size, l[i].sector,
						    l[i].erase_routine, l[i].check_routine,
						    l[i].part_at, l[i].hw_at, l[i].sw_at };
	free(l);
	return f;
}

/* Adds one simulated vehicle's DIDs and flash memory; a broken profile is
 * skipped. */
static void add_vehicle(struct check_set *cs, const char *name)
{
	struct script_check_flash *flash;
	struct sim_did_len *d;
	struct error e;
	size_t n, nflash, i;

	if (cs->n == CHECK_VEHICLES_MAX ||
	    sim_vehicle_dids(name, cs->vins[cs->n], sizeof cs->vins[cs->n], &d, &n, &e) < 0)
		return;
	cs->cdids[cs->n] = calloc(n ? n : 1, sizeof *cs->cdids[cs->n]);
	flash = vehicle_flashes(name, &nflash);
	if (cs->cdids[cs->n] == NULL || flash == NULL) {
		free(cs->cdids[cs->n]);
		free(flash);
		free(d);
		return;
	}
	for (i = 0; i < n; i++)
		cs->cdids[cs->n][i] = (struct script_check_did){ d[i].tx, d[i].did, d[i].len };
	cs->dids[cs->n] = d;
	cs->flash[cs->n] = flash;
	cs->v[cs->n] = (struct script_check_vehicle){ cs->vins[cs->n], n, cs->cdids[cs->n], nflash,
						      flash };
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
		free(cs->flash[i]);
	}
	free(cs);
	return problems;
}
