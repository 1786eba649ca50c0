/* faults.c: faults on demand, so the console's error paths can be tested.
 * They come from "faults=" in the port spec and from a faults = "..."
 * string in the vehicle profile (the profile's first, then the spec's, so
 * the spec wins). Items are joined by '+':
 *
 *   seed:N         seed of every random choice (default 1): the same seed
 *                  gives the same run, so a failure can be reproduced
 *   drop:RATE      each byte the adapter sends is lost with probability
 *                  RATE (0..1)
 *   junk:RATE      before each byte the adapter sends, a junk byte (NUL,
 *                  0xFC or 0xFF) with probability RATE
 *   reset@N        the adapter resets after it produced N bytes: its
 *                  banner appears in the middle of a reply, the settings
 *                  are back to their defaults
 *   eof@N          the link closes after N bytes in total, both ways, as
 *                  when a USB adapter is pulled
 *   bufferfull@N   the output of the Nth data request ends in BUFFER FULL
 *                  in the middle of its first line
 *   canerror@N     the Nth data request answers CAN ERROR
 *   pending:N      each UDS request gets N 0x78 (response pending)
 *                  replies before its answer (the vehicle's part)
 *   silent@N       the ECUs stop answering after N requests (vehicle)
 *   silent:ECU@N   only the ECU with that id (vehicle)
 *   volts:V        battery voltage at the OBD socket (ATRV, PID 42)
 *   sag:V:MS@N     the battery sags: after N bytes in total, both ways, it
 *                  reads V volts for MS milliseconds of modelled time
 *                  (real time while the link is idle or throttled), then
 *                  what it read before (a starter motor, a fan, a weak
 *                  charger)
 *
 * Example: "eof@4000+pending:50+seed:7". Data requests are the OBD/UDS
 * lines and STPX commands, counted from 1. Random choices use xorshift64*
 * seeded from seed:N. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define KNOWN_FAULTS                                                                    \
	"seed:N, drop:RATE, junk:RATE, reset@N, eof@N, bufferfull@N, canerror@N, pending:N, " \
	"silent@N, silent:ECU@N, volts:V, sag:V:MS@N"
#define FAULT_TEXT_MAX 512

/* Puts every fault off. */
void sim_faults_init(struct sim_faults *f)
{
	memset(f, 0, sizeof *f);
	f->seed = 1;
	f->reset_at = f->eof_at = f->buffer_full_at = f->can_error_at = -1;
	f->silent_after = -1;
	f->sag_at = -1;
}

/* A count N (1 ... 2^31 - 1, or from 0 when zero_ok). */
static int count_value(const char *v, bool zero_ok, long *out)
{
	unsigned long n;

	if (parse_uint(v, 0x7FFFFFFF, &n) < 0 || (!zero_ok && n == 0))
		return -1;
	*out = (long)n;
	return 0;
}

/* A real number in lo..hi. */
static int real_value(const char *v, double lo, double hi, double *out)
{
	char *end;
	double d;

	if (v[0] == 0)
		return -1;
	d = strtod(v, &end);
	if (*end != 0 || !(d >= lo && d <= hi))
		return -1;
	*out = d;
	return 0;
}

/* silent@N or silent:ECU@N. */
static int silent_item(struct sim_faults *f, const char *item)
{
	const char *at = strrchr(item, '@');
	size_t elen;

	if (at == NULL || count_value(at + 1, true, &f->silent_after) < 0)
		return -1;
	f->silent_ecu[0] = 0;
	if (item[6] != ':')
		return at == item + 6 ? 0 : -1;
	elen = (size_t)(at - item - 7);
	if (elen == 0 || elen >= sizeof f->silent_ecu)
		return -1;
	memcpy(f->silent_ecu, item + 7, elen);
	f->silent_ecu[elen] = 0;
	return 0;
}

/* sag:V:MS@N. */
static int sag_item(struct sim_faults *f, const char *item)
{
	char volts[32], ms[32];
	const char *colon, *at = strrchr(item, '@');
	long n;

	colon = strchr(item + 4, ':');
	if (at == NULL || colon == NULL || colon > at || (size_t)(colon - item - 4) >= sizeof volts ||
	    (size_t)(at - colon - 1) >= sizeof ms)
		return -1;
	snprintf(volts, sizeof volts, "%.*s", (int)(colon - item - 4), item + 4);
	snprintf(ms, sizeof ms, "%.*s", (int)(at - colon - 1), colon + 1);
	if (real_value(volts, 0, 40, &f->sag_volts) < 0 || count_value(ms, false, &n) < 0 ||
	    count_value(at + 1, true, &f->sag_at) < 0)
		return -1;
	f->sag_ms = n;
	return 0;
}

/* One item; -1 if it is unknown or its value is bad. */
static int fault_item(struct sim_faults *f, const char *item)
{
	unsigned long seed;
	long pending;

	if (strncmp(item, "seed:", 5) == 0) {
		if (parse_uint(item + 5, 0xFFFFFFFFul, &seed) < 0)
			return -1;
		f->seed = seed;
		return 0;
	}
	if (strncmp(item, "drop:", 5) == 0)
		return real_value(item + 5, 0, 1, &f->drop_rate);
	if (strncmp(item, "junk:", 5) == 0)
		return real_value(item + 5, 0, 1, &f->junk_rate);
	if (strncmp(item, "reset@", 6) == 0)
		return count_value(item + 6, false, &f->reset_at);
	if (strncmp(item, "eof@", 4) == 0)
		return count_value(item + 4, false, &f->eof_at);
	if (strncmp(item, "bufferfull@", 11) == 0)
		return count_value(item + 11, false, &f->buffer_full_at);
	if (strncmp(item, "canerror@", 9) == 0)
		return count_value(item + 9, false, &f->can_error_at);
	if (strncmp(item, "pending:", 8) == 0) {
		if (count_value(item + 8, true, &pending) < 0 || pending > 10000)
			return -1;
		f->pending = (int)pending;
		return 0;
	}
	if (strncmp(item, "silent", 6) == 0 && (item[6] == '@' || item[6] == ':'))
		return silent_item(f, item);
	if (strncmp(item, "volts:", 6) == 0)
		return real_value(item + 6, 0, 40, &f->volts);
	if (strncmp(item, "sag:", 4) == 0)
		return sag_item(f, item);
	return -1;
}

/* Parses "item+item..." into f (items override what f has). */
int sim_faults_parse(struct sim_faults *f, const char *text, struct error *e)
{
	char copy[FAULT_TEXT_MAX + 1], *item, *save = NULL;

	if (strlen(text) > FAULT_TEXT_MAX)
		return error_set(e, ERR_ARG, "sim: faults= is too long");
	if (text[0] == 0)
		return error_set(e, ERR_ARG, "sim: faults= needs items (known: %s)", KNOWN_FAULTS);
	strcpy(copy, text);
	for (item = strtok_r(copy, "+", &save); item; item = strtok_r(NULL, "+", &save))
		if (fault_item(f, item) < 0)
			return error_set(e, ERR_ARG, "sim: bad item \"%s\" in faults= (known: %s)",
					 item, KNOWN_FAULTS);
	return 0;
}

/* A random number (xorshift64*). */
uint64_t sim_random(struct sim *s)
{
	uint64_t x = s->core->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->core->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

/* True with probability rate. */
static bool chance(struct sim *s, double rate)
{
	if (rate <= 0)
		return false;
	return (double)(sim_random(s) >> 11) * (1.0 / 9007199254740992.0) < rate;
}

/* Counts a byte on the link; closes it at eof@N, starts the sag at sag@N. */
static void count_link(struct sim *s)
{
	struct sim_core *c = s->core;

	c->link_count++;
	if (s->faults.eof_at >= 0 && c->link_count >= (uint64_t)s->faults.eof_at)
		c->closed = true;
	if (s->faults.sag_at >= 0 && !c->sagging && c->link_count >= (uint64_t)s->faults.sag_at) {
		c->sagging = true;
		c->sag_end_us = s->now_us + (uint64_t)s->faults.sag_ms * 1000;
	}
}

/* The voltage of a sag in progress (sag:V:MS@N), or a negative number. */
double sim_fault_sag(const struct sim *s)
{
	const struct sim_core *c = s->core;

	return c && c->sagging && s->now_us < c->sag_end_us ? s->faults.sag_volts : -1;
}

/* Puts a byte on the line unless the link is closed. */
static void link_put(struct sim *s, uint8_t b)
{
	if (s->core->closed)
		return;
	sim_uart_put(s, b);
	count_link(s);
}

/* One byte of the adapter's output through junk and drop. */
static void put_faulty(struct sim *s, uint8_t b)
{
	static const uint8_t junk[] = { 0x00, 0xFC, 0xFF };

	if (chance(s, s->faults.junk_rate))
		link_put(s, junk[sim_random(s) % sizeof junk]);
	if (chance(s, s->faults.drop_rate))
		return;
	link_put(s, b);
}

/* Moves the staged output onto the UART through the output faults; at
 * reset@N the rest of the stage is lost and the reset's banner follows. */
void sim_out_commit(struct sim *s)
{
	struct sim_core *c = s->core;
	size_t i = 0;

	while (i < c->stage.len && !c->closed) {
		put_faulty(s, c->stage.data[i++]);
		if (s->faults.reset_at >= 0 && ++c->out_count == (uint64_t)s->faults.reset_at) {
			buf_reset(&c->stage);
			i = 0;
			sim_at_glitch(s);
		}
	}
	buf_reset(&c->stage);
}

/* Counts a host byte; false once the link is closed. */
bool sim_fault_input(struct sim *s)
{
	if (s->core->closed)
		return false;
	count_link(s);
	return true;
}

/* Counts a data request; tells which fault, if any, hits it. */
int sim_fault_request(struct sim *s)
{
	long n = ++s->core->data_requests;

	s->core->stats.requests++;
	if (n == s->faults.can_error_at)
		return SIM_FAULT_CAN_ERROR;
	if (n == s->faults.buffer_full_at)
		return SIM_FAULT_BUFFER_FULL;
	return SIM_FAULT_NONE;
}
