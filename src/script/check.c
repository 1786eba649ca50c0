/* check.c: `obdcon check FILE.lua...`: loads script files into a fresh
 * host and reports, as file:line: message, what would make them fail or
 * misbehave: syntax and declaration errors (required fields, types,
 * unknown fields, duplicate ids, choice values outside their mask, number
 * ranges the field cannot hold), features whose bits overlap in one DID,
 * modules sharing a CAN id, brands that can match no vehicle, and feature
 * locations outside the DIDs of the simulated vehicles a brand matches. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	c->problems++;
	if (c->report)
		c->report(c->arg, c->file, line, msg);
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

/* Locations of the file's features against every vehicle its brands match. */
static void check_vehicles(struct checker *c, size_t nb0, size_t nf0,
			   const struct script_check_vehicle *vehicles, size_t nv)
{
	struct script_host *h = c->h;
	struct error e;
	size_t i, k;
	int brand;

	for (k = 0; k < nv; k++) {
		if (script_match_vehicle(h, vehicles[k].vin, NULL, &brand, &e) < 0) {
			int line;
			const char *msg = split_position(e.text, &line);
			problem(c, line, "%s", msg);
		}
		if (brand < (int)nb0)
			continue;
		for (i = nf0; i < h->nfeatures; i++)
			if (h->modules[h->features[i].module].brand == (size_t)brand)
				check_feature_in(c, &h->features[i], &vehicles[k]);
	}
}

/* Checks one file loaded into the host. */
static void check_file(struct checker *c, const struct script_check_vehicle *vehicles, size_t nv)
{
	struct script_host *h = c->h;
	size_t nb0 = h->nbrands, nm0 = h->nmodules, nf0 = h->nfeatures;
	struct error e;
	int line;

	if (script_load_file(h, c->file, &e) < 0) {
		const char *msg = split_position(e.text, &line);
		problem(c, line, "%s", msg);
		return;
	}
	check_brands_modules(c, nb0, nm0);
	check_overlaps(c, nf0);
	check_vehicles(c, nb0, nf0, vehicles, nv);
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
