/* check.c: `obdcon check FILE.lua...`: loads script files into a fresh
 * host and reports, as file:line: message, what would make them fail or
 * misbehave: syntax and declaration errors (required fields, types,
 * unknown fields, duplicate ids, choice values outside their mask, number
 * ranges the field cannot hold), features whose bits overlap in one DID,
 * modules sharing a CAN id, brands that can match no vehicle, feature
 * locations outside the DIDs of the simulated vehicles a brand matches,
 * and flash procedures against those vehicles' flash memory: each
 * procedure's run() is planned as the console plans it (nothing sent),
 * and its region, erase and download ranges, routines and the places
 * where its image names itself are compared with the module's memory. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "script/script_internal.h"

/* Where the problems go, and how many there were. */
struct checker {
	struct script_host *h;
	const char *file;
	void (*report)(void *arg, const char *file, int line, const char *msg);
	void *arg;
	int problems;
};

/* Reports one problem. */
static void problem(struct checker *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports one problem. */
static void problem(struct checker *c, int line, const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (msg[0] == 0) /* error("") or an error object that says nothing */
		snprintf(msg, sizeof msg, "an error without a message");
	c->problems++;
	if (c->report)
		c->report(c->arg, c->file, line > 0 ? line : 0, msg);
}

/* Splits a "source:line: message" error into its line and message. */
static const char *split_position(const char *text, int *line)
{
	const char *p = text;

	*line = 0;
	while ((p = strchr(p, ':')) != NULL) {
		const char *q = p + 1;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
			if (*q == ':') {
				*line = atoi(p + 1);
				return q[1] == ' ' ? q + 2 : q + 1;
			}
		}
		p = q;
	}
	return text;
}

/* The bits a built-in feature uses in record byte k of its field. */
static uint8_t byte_bits(const struct script_feature *f, unsigned k)
{
	unsigned pos;

	if (f->kind == FEATURE_STRING)
		return 0xFF;
	pos = f->big_endian ? f->bytes - 1 - k : k;
	return (uint8_t)(f->mask >> (8 * pos));
}

/* Reports the first byte where two features of one DID share bits. */
static void check_pair(struct checker *c, const struct script_feature *a,
		       const struct script_feature *b)
{
	unsigned k;

	for (k = 0; k < b->bytes; k++) {
		unsigned at = b->byte + k;
		uint8_t common;
		if (at < a->byte || at >= a->byte + a->bytes)
			continue;
		common = byte_bits(a, at - a->byte) & byte_bits(b, k);
		if (common) {
			problem(c, b->line, "feature '%s' overlaps feature '%s' (line %d): both use "
					    "bits 0x%02X of DID %04X byte %u",
				b->id, a->id, a->line, common, b->did, at);
			return;
		}
	}
}

/* Overlapping bits between built-in features of one module and DID. */
static void check_overlaps(struct checker *c, size_t nf0)
{
	const struct script_host *h = c->h;
	size_t i, j;

	for (j = nf0; j < h->nfeatures; j++)
		for (i = nf0; i < j; i++) {
			const struct script_feature *a = &h->features[i], *b = &h->features[j];
			if (a->kind == FEATURE_CUSTOM || b->kind == FEATURE_CUSTOM ||
			    a->module != b->module || a->did != b->did)
				continue;
			check_pair(c, a, b);
		}
}

/* Brands that match nothing and modules sharing a request id. */
static void check_brands_modules(struct checker *c, size_t nb0, size_t nm0)
{
	const struct script_host *h = c->h;
	size_t i, j;

	for (i = nb0; i < h->nbrands; i++)
		if (h->brands[i].nwmi == 0 && h->brands[i].match_ref < 0 && !h->brands[i].fallback)
			problem(c, h->brands[i].line, "brand '%s' can match no vehicle: give vin_wmi, "
						      "match or fallback = true",
				h->brands[i].id);
	for (j = nm0; j < h->nmodules; j++)
		for (i = nm0; i < j; i++)
			if (h->modules[i].brand == h->modules[j].brand &&
			    h->modules[i].tx == h->modules[j].tx)
				problem(c, h->modules[j].line, "module '%s' uses request id %03X like "
							       "module '%s' (line %d)",
					h->modules[j].id, (unsigned)h->modules[j].tx, h->modules[i].id,
					h->modules[i].line);
}

/* Length of a DID of a module in a vehicle; -1: the module has no DIDs
 * there at all; -2: the module is there without this DID. */
static long vehicle_did(const struct script_check_vehicle *v, uint32_t tx, uint16_t did)
{
	size_t i;
	bool module = false;

	for (i = 0; i < v->n; i++) {
		if (v->dids[i].tx != tx)
			continue;
		module = true;
		if (v->dids[i].did == did)
			return (long)v->dids[i].len;
	}
	return module ? -2 : -1;
}

/* Locations of one feature against one vehicle. */
static void check_feature_in(struct checker *c, const struct script_feature *f,
			     const struct script_check_vehicle *v)
{
	const struct script_module *m = &c->h->modules[f->module];
	size_t i, n;
	const uint16_t *dids = script_feature_dids(c->h, (size_t)(f - c->h->features), &n);

	for (i = 0; i < n; i++) {
		long len = vehicle_did(v, m->tx, dids[i]);
		if (len == -1)
			return;
		if (len == -2)
			problem(c, f->line, "feature '%s': module %s (%03X) of vehicle %s has no DID "
					    "%04X",
				f->id, m->id, (unsigned)m->tx, v->vin, dids[i]);
		else if (f->kind != FEATURE_CUSTOM && f->byte + f->bytes > (size_t)len)
			problem(c, f->line, "feature '%s': byte %u is outside DID %04X, which has %ld "
					    "bytes on module %s of vehicle %s",
				f->id, f->byte + f->bytes - 1, dids[i], len, m->id, v->vin);
	}
}

/* The brand of the file that each vehicle matches (-1: none of them). */
static void match_vehicles(struct checker *c, size_t nb0,
			   const struct script_check_vehicle *vehicles, size_t nv, int *brands)
{
	struct error e;
	size_t k;

	for (k = 0; k < nv; k++) {
		if (script_match_vehicle(c->h, vehicles[k].vin, NULL, &brands[k], &e) < 0) {
			int line;
			const char *msg = split_position(e.text, &line);
			problem(c, line, "%s", msg);
		}
		if (brands[k] < (int)nb0)
			brands[k] = -1;
	}
}

/* Locations of the file's features against every vehicle its brands match. */
static void check_vehicles(struct checker *c, size_t nf0,
			   const struct script_check_vehicle *vehicles, size_t nv, const int *brands)
{
	struct script_host *h = c->h;
	size_t i, k;

	for (k = 0; k < nv; k++)
		for (i = nf0; brands[k] >= 0 && i < h->nfeatures; i++)
			if (h->modules[h->features[i].module].brand == (size_t)brands[k])
				check_feature_in(c, &h->features[i], &vehicles[k]);
}

/* --- Flash procedures against the vehicles' flash memory --- */

#define PLAN_STEPS_MAX 64

/* A step of a planned procedure that concerns the memory. */
struct plan_step {
	char kind;        /* 'E' erase, 'D' download, 'R' routine */
	uint16_t routine; /* erase and routine */
	uint32_t addr, size;
	int line;         /* where run() takes it */
};

/* A procedure planned without a car: its steps, as the console plans them. */
struct plan {
	struct checker *c;
	struct plan_step steps[PLAN_STEPS_MAX];
	size_t n;
};

/* The line of the script that took the running step (its first Lua frame). */
static int step_line(lua_State *L)
{
	lua_Debug ar;
	int level;

	for (level = 1; level < 16 && lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
			return ar.currentline;
	return 0;
}

/* Records a step. */
static int plan_add(struct plan *p, char kind, uint16_t routine, uint32_t addr, uint32_t size,
		    struct error *e)
{
	if (p->n == PLAN_STEPS_MAX)
		return error_set(e, ERR_SCRIPT, "more than %d erase, download and routine steps",
				 PLAN_STEPS_MAX);
	p->steps[p->n++] = (struct plan_step){ kind, routine, addr, size, step_line(p->c->h->sb.L) };
	return 0;
}

/* Planning: a session step. */
static int plan_session(void *ctx, uint8_t s, struct error *e)
{
	(void)ctx;
	(void)s;
	(void)e;
	return 0;
}

/* Planning: an unlock step (the key is not asked for). */
static int plan_unlock(void *ctx, uint8_t level, script_key_fn fn, void *arg, struct error *e)
{
	(void)ctx;
	(void)level;
	(void)fn;
	(void)arg;
	(void)e;
	return 0;
}

/* Planning: an erase step. */
static int plan_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	return plan_add(ctx, 'E', routine, addr, size, e);
}

/* Planning: a download step. */
static int plan_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	(void)format;
	return plan_add(ctx, 'D', 0, addr, size, e);
}

/* Planning: a routine step answers the status the procedure expects. */
static int plan_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
			uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	(void)record;
	(void)n;
	if (cap)
		status[0] = (uint8_t)(expect >= 0 ? expect : 0);
	*slen = cap ? 1 : 0;
	return plan_add(ctx, 'R', id, 0, 0, e);
}

/* Planning: a reset step. */
static int plan_reset(void *ctx, uint8_t type, struct error *e)
{
	(void)ctx;
	(void)type;
	(void)e;
	return 0;
}

/* Planning: a wait step. */
static int plan_wait(void *ctx, int ms, struct error *e)
{
	(void)ctx;
	(void)ms;
	(void)e;
	return 0;
}

static const struct script_flash_ops plan_ops = {
	plan_session, plan_unlock, plan_erase, plan_download, plan_routine, plan_reset, plan_wait,
};

/* The module a procedure programs, or -1 (reported). */
static int flash_module(struct checker *c, const struct script_flash *fl)
{
	const struct script_host *h = c->h;
	size_t i;

	for (i = 0; i < h->nmodules; i++)
		if (h->modules[i].brand == fl->brand && strcmp(h->modules[i].id, fl->module) == 0)
			return (int)i;
	problem(c, fl->line, "flash '%s': module '%s' is not declared in brand '%s'", fl->id,
		fl->module, h->brands[fl->brand].id);
	return -1;
}

/* True if the plan has a download step. */
static bool plan_downloads(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == 'D')
			return true;
	return false;
}

/* Plans a procedure into p; false (reported) when its run() fails. */
static bool plan_procedure(struct checker *c, size_t fi, struct plan *p)
{
	const struct script_flash *fl = &c->h->flashes[fi];
	struct error e;
	size_t i;
	int line;

	p->c = c;
	p->n = 0;
	if (script_flash_run(c->h, fi, &plan_ops, p, &e) < 0) {
		const char *msg = split_position(e.text, &line);
		problem(c, line ? line : fl->line, "flash '%s': %s", fl->id, msg);
		return false;
	}
	if (!plan_downloads(p))
		problem(c, fl->line, "flash '%s': run() never downloads: the flash would write "
			"nothing into the module", fl->id);
	for (i = 0; i < p->n; i++)
		if (p->steps[i].kind == 'D' &&
		    (p->steps[i].addr < fl->address ||
		     (uint64_t)p->steps[i].addr + p->steps[i].size > (uint64_t)fl->address + fl->size))
			problem(c, p->steps[i].line, "flash '%s': downloads 0x%X..0x%llX, outside its "
				"region 0x%X..0x%llX", fl->id, p->steps[i].addr,
				(unsigned long long)p->steps[i].addr + p->steps[i].size, fl->address,
				(unsigned long long)fl->address + fl->size);
	return true;
}

/* The vehicle's flash memory of the module at tx, or NULL. */
static const struct script_check_flash *vehicle_flash(const struct script_check_vehicle *v,
						      uint32_t tx)
{
	size_t i;

	for (i = 0; i < v->nflash; i++)
		if (v->flash[i].tx == tx)
			return &v->flash[i];
	return NULL;
}

/* What a procedure is checked against: the module of one vehicle. */
struct target {
	const struct script_flash *fl;
	const struct script_module *m;
	const char *vin;
	const struct script_check_flash *mem;
};

/* True if [addr, addr + size) lies inside the memory. */
static bool in_memory(const struct script_check_flash *mem, uint32_t addr, uint64_t size)
{
	return addr >= mem->addr && (uint64_t)addr + size <= (uint64_t)mem->addr + mem->size;
}

/* True if [addr, addr + size) is whole sectors of the memory. */
static bool whole_sectors(const struct script_check_flash *mem, uint32_t addr, uint64_t size)
{
	return mem->sector && (addr - mem->addr) % mem->sector == 0 && size % mem->sector == 0;
}

/* Reports a range that is outside the memory or not whole sectors. */
static void check_range(struct checker *c, const struct target *t, int line, const char *what,
			uint32_t addr, uint64_t size, bool sectors)
{
	const struct script_check_flash *mem = t->mem;

	if (!in_memory(mem, addr, size))
		problem(c, line, "flash '%s': %s 0x%X..0x%llX lies outside the flash memory of module "
			"%s (%03X) of vehicle %s (0x%X..0x%llX)", t->fl->id, what, addr,
			(unsigned long long)addr + size, t->m->id, (unsigned)t->m->tx, t->vin,
			mem->addr, (unsigned long long)mem->addr + mem->size);
	else if (sectors && !whole_sectors(mem, addr, size))
		problem(c, line, "flash '%s': %s 0x%X..0x%llX is not whole sectors of module %s (%03X) "
			"of vehicle %s (0x%X bytes from 0x%X): the module would refuse the erase",
			t->fl->id, what, addr, (unsigned long long)addr + size, t->m->id,
			(unsigned)t->m->tx, t->vin, mem->sector, mem->addr);
}

/* True if the erase steps before step k cover [addr, addr + size). */
static bool erased_before(const struct plan *p, size_t k, uint32_t addr, uint64_t size)
{
	uint64_t at = addr, end = (uint64_t)addr + size;
	size_t i;
	bool grew = true;

	while (at < end && grew) {
		grew = false;
		for (i = 0; i < k; i++)
			if (p->steps[i].kind == 'E' && p->steps[i].addr <= at &&
			    at < (uint64_t)p->steps[i].addr + p->steps[i].size) {
				at = (uint64_t)p->steps[i].addr + p->steps[i].size;
				grew = true;
			}
	}
	return at >= end;
}

/* Checks the planned steps against the module's memory and routines. */
static void check_steps(struct checker *c, const struct target *t, const struct plan *p)
{
	const struct script_check_flash *mem = t->mem;
	size_t k;

	for (k = 0; k < p->n; k++) {
		const struct plan_step *st = &p->steps[k];
		if (st->kind == 'E' && st->routine != mem->erase_routine)
			problem(c, st->line, "flash '%s': erase routine %04X, but module %s (%03X) of "
				"vehicle %s erases with routine %04X", t->fl->id, st->routine, t->m->id,
				(unsigned)t->m->tx, t->vin, mem->erase_routine);
		if (st->kind == 'E' && (st->addr != t->fl->address || st->size != t->fl->size))
			check_range(c, t, st->line, "erase range", st->addr, st->size, true);
		if (st->kind == 'D' && in_memory(mem, st->addr, st->size) &&
		    !erased_before(p, k, st->addr, st->size))
			problem(c, st->line, "flash '%s': downloads 0x%X..0x%llX where no erase step "
				"before it erased: module %s (%03X) of vehicle %s would refuse the "
				"blocks", t->fl->id, st->addr,
				(unsigned long long)st->addr + st->size, t->m->id, (unsigned)t->m->tx,
				t->vin);
		if (st->kind == 'R' && st->routine != mem->check_routine &&
		    st->routine != mem->erase_routine)
			problem(c, st->line, "flash '%s': routine %04X: module %s (%03X) of vehicle %s "
				"has no such routine (erase %04X, check %04X)", t->fl->id, st->routine,
				t->m->id, (unsigned)t->m->tx, t->vin, mem->erase_routine,
				mem->check_routine);
	}
}

/* Checks where the image names itself against where the module reads
 * its identification from after the flash. */
static void check_idents(struct checker *c, const struct target *t)
{
	static const char *const words[] = { "part", "hardware", "software" };
	static const char *const dids[] = { "F187", "F191", "F189" };
	size_t i;

	for (i = 0; i < t->fl->nident; i++) {
		const struct script_flash_ident *id = &t->fl->ident[i];
		int w = strcmp(id->field, "hw") == 0 ? 1 : strcmp(id->field, "sw") == 0 ? 2 : 0;
		uint32_t at = w == 0 ? t->mem->part_at : w == 1 ? t->mem->hw_at : t->mem->sw_at;
		uint64_t addr = (uint64_t)t->fl->address + id->at;
		if (at == UINT32_MAX || addr == (uint64_t)t->mem->addr + at)
			continue;
		problem(c, t->fl->line, "flash '%s': the image names its %s at offset 0x%X (address "
			"0x%llX), but module %s (%03X) of vehicle %s reads its %s (%s) from address "
			"0x%llX", t->fl->id, words[w], id->at, (unsigned long long)addr, t->m->id,
			(unsigned)t->m->tx, t->vin, words[w], dids[w],
			(unsigned long long)t->mem->addr + at);
	}
}

/* One procedure against the module's memory in one vehicle. */
static void check_flash_in(struct checker *c, const struct target *t, const struct plan *p)
{
	check_range(c, t, t->fl->line, "region", t->fl->address, t->fl->size, true);
	if (!in_memory(t->mem, t->fl->address, t->fl->size))
		return;
	check_steps(c, t, p);
	check_idents(c, t);
}

/* The file's flash procedures against every vehicle their brand matches. */
static void check_flashes(struct checker *c, size_t nfl0, const struct script_check_vehicle *vehicles,
			  size_t nv, const int *brands)
{
	struct script_host *h = c->h;
	struct plan *p = calloc(1, sizeof *p);
	size_t fi, k;
	int mi;

	for (fi = nfl0; p && fi < h->nflashes; fi++) {
		struct target t = { &h->flashes[fi], NULL, NULL, NULL };
		if ((mi = flash_module(c, t.fl)) < 0 || !plan_procedure(c, fi, p))
			continue;
		t.m = &h->modules[mi];
		for (k = 0; k < nv; k++) {
			if (brands[k] != (int)t.fl->brand)
				continue;
			t.vin = vehicles[k].vin;
			t.mem = vehicle_flash(&vehicles[k], t.m->tx);
			if (t.mem)
				check_flash_in(c, &t, p);
			else if (vehicle_did(&vehicles[k], t.m->tx, 0) != -1)
				problem(c, t.fl->line, "flash '%s': module %s (%03X) of vehicle %s has no "
					"flash memory", t.fl->id, t.m->id, (unsigned)t.m->tx, t.vin);
		}
	}
	free(p);
}

/* Checks one file loaded into the host. */
static void check_file(struct checker *c, const struct script_check_vehicle *vehicles, size_t nv)
{
	struct script_host *h = c->h;
	size_t nb0 = h->nbrands, nm0 = h->nmodules, nf0 = h->nfeatures, nfl0 = h->nflashes;
	int *brands = calloc(nv ? nv : 1, sizeof *brands);
	struct error e;
	int line;

	if (script_load_file(h, c->file, &e) < 0) {
		const char *msg = split_position(e.text, &line);
		problem(c, line, "%s", msg);
		free(brands);
		return;
	}
	check_brands_modules(c, nb0, nm0);
	check_overlaps(c, nf0);
	if (brands == NULL) {
		problem(c, 0, "out of memory");
		return;
	}
	match_vehicles(c, nb0, vehicles, nv, brands);
	check_vehicles(c, nf0, vehicles, nv, brands);
	check_flashes(c, nfl0, vehicles, nv, brands);
	free(brands);
}

/* Checks script files; returns the number of problems. */
int script_check(const char *const *files, size_t n, const struct script_check_vehicle *vehicles,
		 size_t nv, void (*report)(void *arg, const char *file, int line, const char *msg),
		 void *arg)
{
	struct checker c = { NULL, NULL, report, arg, 0 };
	struct error e;
	size_t i;

	if (script_host_new(&c.h, &e) < 0) {
		c.file = n ? files[0] : "-";
		problem(&c, 0, "%s", e.text);
		return c.problems;
	}
	for (i = 0; i < n; i++) {
		c.file = files[i];
		check_file(&c, vehicles, nv);
	}
	script_host_free(c.h);
	return c.problems;
}
