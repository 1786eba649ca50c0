/* state.c: the vehicle's state kept in a file between runs (state=FILE),
 * so a test can check a car after the console exits and a second run sees
 * the first run's changes. The file is text, one writable DID a line:
 *   did ECU DID HEX        e.g. "did 09 0601 041E"
 * Lines starting with '#' are comments. It is saved atomically after every
 * request that changed the vehicle. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/fsutil.h"
#include "util/hex.h"

#define STATE_MAX ((size_t)16 << 20)

/* Applies one "did ECU DID HEX" line. */
static int apply_line(struct sim *s, char *line, int lineno, struct error *e)
{
	char *words[5], *save = NULL;
	unsigned long did;
	struct sim_ecu *ecu = NULL;
	struct sim_did *d;
	size_t i, n = 0;
	long len;

	for (char *w = strtok_r(line, " \t", &save); w && n < 5; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (n == 0 || words[0][0] == '#')
		return 0;
	if (n != 4 || strcmp(words[0], "did") != 0)
		return error_set(e, ERR_FORMAT, "%s:%d: expected 'did ECU DID HEX'", s->state_file, lineno);
	for (i = 0; i < s->vehicle.necus; i++)
		if (strcmp(s->vehicle.ecus[i].id, words[1]) == 0)
			ecu = &s->vehicle.ecus[i];
	if (ecu == NULL)
		return error_set(e, ERR_FORMAT, "%s:%d: no ECU '%s' in this vehicle", s->state_file,
				 lineno, words[1]);
	did = strtoul(words[2], NULL, 16);
	d = did <= 0xFFFF ? sim_ecu_did(ecu, (uint16_t)did) : NULL;
	if (d == NULL || !d->writable)
		return error_set(e, ERR_FORMAT, "%s:%d: ECU %s has no writable DID %s", s->state_file,
				 lineno, words[1], words[2]);
	if (strlen(words[3]) != 2 * d->len ||
	    (len = hex_decode(words[3], d->val, d->len)) != (long)d->len)
		return error_set(e, ERR_FORMAT, "%s:%d: DID %s needs %zu bytes of hex", s->state_file,
				 lineno, words[2], d->len);
	return 0;
}

/* Applies a state file to the vehicle (a missing file is an empty state). */
int sim_state_load(struct sim *s, struct error *e)
{
	struct buf b = { 0 };
	char *p, *nl;
	int lineno = 0, rc = 0;

	if (s->state_file == NULL || !fs_is_file(s->state_file))
		return 0;
	if (fs_read_file(s->state_file, &b, STATE_MAX, e) < 0)
		return -(int)e->kind;
	for (p = (char *)b.data; p && *p && rc == 0; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		rc = apply_line(s, p, ++lineno, e);
	}
	buf_free(&b);
	return rc;
}

/* Total successful writes of all ECUs. */
static unsigned total_writes(const struct sim *s)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		n += s->vehicle.ecus[i].writes;
	return n;
}

/* Writes every writable DID of the vehicle as state lines. */
static void format_state(const struct sim *s, struct buf *b)
{
	char hexval[2 * SIM_MSG_MAX + 1];
	size_t i, k;

	buf_printf(b, "# obdcon simulator state of vehicle %s (did ECU DID HEX)\n", s->vehicle.id);
	for (i = 0; i < s->vehicle.necus; i++) {
		const struct sim_ecu *ecu = &s->vehicle.ecus[i];
		for (k = 0; k < ecu->ndids; k++) {
			if (!ecu->dids[k].writable || ecu->dids[k].len > SIM_MSG_MAX)
				continue;
			hex_encode(ecu->dids[k].val, ecu->dids[k].len, hexval);
			buf_printf(b, "did %s %04X %s\n", ecu->id, ecu->dids[k].id, hexval);
		}
	}
}

/* Saves the vehicle state when something was written since the last save. */
void sim_state_save_if_changed(struct sim *s)
{
	struct buf b = { 0 };
	unsigned writes;

	if (s->state_file == NULL)
		return;
	writes = total_writes(s);
	if (writes == s->saved_writes)
		return;
	format_state(s, &b);
	if (fs_write_atomic(s->state_file, b.data, b.len, 0600, &s->state_error) == 0)
		s->saved_writes = writes;
	buf_free(&b);
}
