/* state.c: the vehicle's state kept in a file between runs (state=FILE),
 * so a test can check a car after the console exits and a second run sees
 * the first run's changes. The file is text, one item a line:
 *   did ECU DID HEX             a writable DID, e.g. "did 09 0601 041E"
 *   dtc ECU CODE STATUS STORED  a trouble code, e.g. "dtc 01 030100 2F 1"
 *                               (STORED 1: in the fault memory, 0: cleared)
 *   flash ECU SIZE SHA256       flash memory changed by erase or download:
 *                               its contents are the binary file
 *                               FILE.ECU.flash next to the state file
 *                               (ECU ids other than [A-Za-z0-9_-] are
 *                               written as "ecuN", N its position)
 *   erased ECU MAP              sectors erased and not checked since, one
 *                               character each, 1 erased, 0 not (present
 *                               only while some are: the application is
 *                               broken and the ECU starts its boot loader)
 * Lines starting with '#' are comments. Everything is saved atomically
 * after every request that changed the vehicle; a sidecar file is
 * rewritten only when its memory changed (erase, end of a download). The
 * blocks of a download in progress are saved once a second (also while
 * the link is idle), and when the simulator ends (the link closed, an
 * eof@ fault, SIGTERM of obdcon sim): a console cut off in the middle of
 * a download finds every block the ECU took.
 *
 * A save is crash-safe in two phases: each changed memory goes to
 * FILE.ECU.flash.new (temporary name, fsync, rename), then the state file
 * that names its SHA-256, then FILE.ECU.flash.new is renamed over
 * FILE.ECU.flash. Killed between the phases, the next load finds the state
 * file naming the .new file's contents and finishes the rename; killed
 * before the state file, the old pair still agrees. A killed simulator
 * (an in-process one dies with obdcon) thus loads as an ECU after a power
 * loss: the sectors erased and the blocks saved, never a mix of two saves;
 * blocks of the last second may be missing. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_internal.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/sha256.h"

#define STATE_MAX ((size_t)16 << 20)
#define STATE_FLASH_SAVE_MS 1000 /* a download in progress is saved this often */
#define WORDS_MAX 6

/* The ECU named id, or NULL. */
static struct sim_ecu *ecu_named(struct sim *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		if (strcmp(s->vehicle.ecus[i].id, id) == 0)
			return &s->vehicle.ecus[i];
	return NULL;
}

/* The sidecar file of an ECU's flash memory: FILE.ECU.flash. */
static void sidecar_path(const struct sim *s, const struct sim_ecu *ecu, char *out, size_t n)
{
	size_t i, len = strlen(ecu->id);

	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
			    ecu->id[i]))
			break;
	if (i == len)
		snprintf(out, n, "%s.%s.flash", s->state_file, ecu->id);
	else
		snprintf(out, n, "%s.ecu%zu.flash", s->state_file, (size_t)(ecu - s->vehicle.ecus));
}

/* Parses exactly digits hex digits; -1 otherwise. */
static int hex_word(const char *w, size_t digits, unsigned long *out)
{
	size_t i;

	if (strlen(w) != digits)
		return -1;
	for (*out = 0, i = 0; i < digits; i++) {
		if (hex_digit((unsigned char)w[i]) < 0)
			return -1;
		*out = *out << 4 | (unsigned long)hex_digit((unsigned char)w[i]);
	}
	return 0;
}

/* Applies "did ECU DID HEX". */
static int apply_did(struct sim *s, struct sim_ecu *ecu, char **w, int lineno, struct error *e)
{
	unsigned long did;
	struct sim_did *d;

	d = hex_word(w[2], 4, &did) == 0 ? sim_ecu_did(ecu, (uint16_t)did) : NULL;
	if (d == NULL || !d->writable)
		return error_set(e, ERR_FORMAT, "%s:%d: ECU %s has no writable DID %s", s->state_file,
				 lineno, w[1], w[2]);
	if (strlen(w[3]) != 2 * d->len || hex_decode(w[3], d->val, d->len) != (long)d->len)
		return error_set(e, ERR_FORMAT, "%s:%d: DID %s needs %zu bytes of hex", s->state_file,
				 lineno, w[2], d->len);
	return 0;
}

/* Applies "dtc ECU CODE STATUS STORED". */
static int apply_dtc(struct sim *s, struct sim_ecu *ecu, char **w, int lineno, struct error *e)
{
	unsigned long code, status;
	size_t i;

	if (hex_word(w[2], 6, &code) < 0 || hex_word(w[3], 2, &status) < 0 ||
	    (strcmp(w[4], "0") != 0 && strcmp(w[4], "1") != 0))
		return error_set(e, ERR_FORMAT, "%s:%d: expected 'dtc ECU CODE STATUS STORED' "
				 "(6 and 2 hex digits, 0 or 1)", s->state_file, lineno);
	for (i = 0; i < ecu->m.ndtcs; i++) {
		struct sim_dtc *d = &ecu->m.dtcs[i];
		if (d->code != code)
			continue;
		d->status = (uint8_t)status;
		d->stored = w[4][0] == '1';
		if (!d->stored && d->profile_stored)
			ecu->m.cleared = true;
		return 0;
	}
	return error_set(e, ERR_FORMAT, "%s:%d: ECU %s has no DTC %s", s->state_file, lineno, w[1],
			 w[2]);
}

/* True if the file at path holds size bytes with that SHA-256; its
 * contents go to b. */
static bool sidecar_matches(const char *path, size_t size, const char *sha, struct buf *b)
{
	char digest[65];
	struct error e;

	buf_reset(b);
	if (fs_read_file(path, b, size + 1, &e) < 0 || b->len != size)
		return false;
	sha256_hex(b->data, b->len, digest);
	return strcmp(digest, sha) == 0;
}

/* Reads the sidecar the state file names: FILE.ECU.flash, or the
 * FILE.ECU.flash.new a save killed before its last phase left (renamed
 * into place then); a .new the state file does not name is stale. */
static int read_sidecar(const char *path, size_t size, const char *sha, struct buf *b,
			struct error *e)
{
	char next[4200];

	snprintf(next, sizeof next, "%s.new", path);
	if (sidecar_matches(path, size, sha, b)) {
		unlink(next);
		return 0;
	}
	if (sidecar_matches(next, size, sha, b)) {
		if (rename(next, path) < 0)
			return error_set(e, ERR_IO, "rename %s: %s", next, strerror(errno));
		return 0;
	}
	return error_set(e, ERR_FORMAT, "%s does not match its size and SHA-256", path);
}

/* Applies "flash ECU SIZE SHA256": reads and checks the sidecar file. */
static int apply_flash(struct sim *s, struct sim_ecu *ecu, char **w, int lineno, struct error *e)
{
	struct sim_flash *f = &ecu->m.flash;
	char path[4096];
	struct buf b = { 0 };
	int rc = 0;

	if (!f->present || strtoul(w[2], NULL, 10) != f->size)
		return error_set(e, ERR_FORMAT, "%s:%d: ECU %s has no flash memory of %s bytes",
				 s->state_file, lineno, w[1], w[2]);
	sidecar_path(s, ecu, path, sizeof path);
	if (read_sidecar(path, f->size, w[3], &b, e) < 0)
		rc = error_wrap(e, "%s:%d", s->state_file, lineno);
	else if (sim_flash_mem(f) == NULL)
		rc = error_set(e, ERR_NOMEM, "out of memory");
	else
		memcpy(f->mem, b.data, f->size);
	buf_free(&b);
	f->gen = f->saved_gen = 1;
	return rc;
}

/* Applies "erased ECU MAP". */
static int apply_erased(struct sim *s, struct sim_ecu *ecu, char **w, int lineno, struct error *e)
{
	struct sim_flash *f = &ecu->m.flash;
	size_t i, n = f->present ? f->size / f->sector : 0;

	if (!f->present || strlen(w[2]) != n || strspn(w[2], "01") != n)
		return error_set(e, ERR_FORMAT, "%s:%d: ECU %s: expected one 0 or 1 per flash sector",
				 s->state_file, lineno, w[1]);
	if (sim_flash_mem(f) == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		f->erased[i] = w[2][i] == '1';
	f->invalid = strchr(w[2], '1') != NULL;
	return 0;
}

/* Applies one line. */
static int apply_line(struct sim *s, char *line, int lineno, struct error *e)
{
	static const struct {
		const char *kind;
		size_t words;
		int (*apply)(struct sim *, struct sim_ecu *, char **, int, struct error *);
	} kinds[] = { { "did", 4, apply_did }, { "dtc", 5, apply_dtc }, { "flash", 4, apply_flash },
		      { "erased", 3, apply_erased } };
	char *words[WORDS_MAX], *rest = NULL;
	struct sim_ecu *ecu;
	size_t i, n = 0;

	for (char *w = strtok_r(line, " \t\r", &rest); w && n < WORDS_MAX;
	     w = strtok_r(NULL, " \t\r", &rest))
		words[n++] = w;
	if (n == 0 || words[0][0] == '#')
		return 0;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(words[0], kinds[i].kind) == 0 && n == kinds[i].words)
			break;
	if (i == sizeof kinds / sizeof kinds[0])
		return error_set(e, ERR_FORMAT,
				 "%s:%d: expected 'did ECU DID HEX', 'dtc ECU CODE STATUS STORED', "
				 "'flash ECU SIZE SHA256' or 'erased ECU MAP'", s->state_file, lineno);
	if ((ecu = ecu_named(s, words[1])) == NULL)
		return error_set(e, ERR_FORMAT, "%s:%d: no ECU '%s' in this vehicle", s->state_file,
				 lineno, words[1]);
	return kinds[i].apply(s, ecu, words, lineno, e);
}

/* Applies a state file to the vehicle (a missing file is an empty state). */
int sim_state_load(struct sim *s, struct error *e)
{
	struct buf b = { 0 };
	char *p, *nl;
	int lineno = 0, rc = 0;

	if (s->state_file == NULL)
		return 0;
	if (!fs_is_file(s->state_file)) {
		if (access(s->state_file, F_OK) == 0)
			return error_set(e, ERR_ARG, "state file %s is not a regular file", s->state_file);
		if (!fs_can_create(s->state_file))
			return error_set(e, ERR_ARG, "state file %s cannot be created: its directory "
					 "does not exist or is not writable", s->state_file);
		return 0;
	}
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

/* Writes the DID, DTC and flash lines of one ECU. */
static void format_ecu(const struct sim_ecu *ecu, struct buf *b)
{
	char hexval[2 * SIM_MSG_MAX + 1], digest[65];
	const struct sim_flash *f = &ecu->m.flash;
	size_t k;

	for (k = 0; k < ecu->ndids; k++) {
		if (!ecu->dids[k].writable || ecu->dids[k].len > SIM_MSG_MAX)
			continue;
		hex_encode(ecu->dids[k].val, ecu->dids[k].len, hexval);
		buf_printf(b, "did %s %04X %s\n", ecu->id, ecu->dids[k].id, hexval);
	}
	for (k = 0; k < ecu->m.ndtcs; k++)
		buf_printf(b, "dtc %s %06X %02X %d\n", ecu->id, (unsigned)ecu->m.dtcs[k].code,
			   ecu->m.dtcs[k].status, ecu->m.dtcs[k].stored ? 1 : 0);
	if (f->mem && f->gen) {
		sha256_hex(f->mem, f->size, digest);
		buf_printf(b, "flash %s %u %s\n", ecu->id, (unsigned)f->size, digest);
	}
	if (f->mem && f->invalid) {
		buf_printf(b, "erased %s ", ecu->id);
		for (k = 0; k < f->size / f->sector; k++)
			buf_printf(b, "%c", f->erased[k] ? '1' : '0');
		buf_printf(b, "\n");
	}
}

#define SIDECAR_MAX 4096 /* a sidecar's path */

/* True when ECU i has flash memory changed since it was saved; then its
 * sidecar's path and the path of its next version (".new"). */
static bool unsaved_sidecar(struct sim *s, size_t i, char path[SIDECAR_MAX],
			    char next[SIDECAR_MAX + 8])
{
	struct sim_ecu *ecu = &s->vehicle.ecus[i];

	if (ecu->m.flash.mem == NULL || ecu->m.flash.gen == ecu->m.flash.saved_gen)
		return false;
	sidecar_path(s, ecu, path, SIDECAR_MAX);
	snprintf(next, SIDECAR_MAX + 8, "%s.new", path);
	return true;
}

/* First phase: every changed flash memory to FILE.ECU.flash.new; -1 if
 * one failed. */
static int save_sidecars(struct sim *s)
{
	char path[SIDECAR_MAX], next[SIDECAR_MAX + 8];
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++) {
		struct sim_flash *f = &s->vehicle.ecus[i].m.flash;
		if (unsaved_sidecar(s, i, path, next) &&
		    fs_write_atomic(next, f->mem, f->size, 0600, &s->state_error) < 0)
			return -1;
	}
	return 0;
}

/* Last phase, once the state file names them: the .new sidecars renamed
 * into place. */
static void commit_sidecars(struct sim *s)
{
	char path[SIDECAR_MAX], next[SIDECAR_MAX + 8];
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++) {
		struct sim_flash *f = &s->vehicle.ecus[i].m.flash;
		if (!unsaved_sidecar(s, i, path, next))
			continue;
		if (rename(next, path) < 0) {
			error_set(&s->state_error, ERR_IO, "rename %s: %s", next, strerror(errno));
			continue;
		}
		f->saved_gen = f->gen;
	}
}

/* True if a flash memory changed since it was saved (download blocks). */
static bool flash_unsaved(const struct sim *s)
{
	size_t i;

	for (i = 0; i < s->vehicle.necus; i++)
		if (s->vehicle.ecus[i].m.flash.gen != s->vehicle.ecus[i].m.flash.saved_gen)
			return true;
	return false;
}

/* Writes the state file and the changed sidecars. */
static void save(struct sim *s)
{
	struct buf b = { 0 };
	unsigned writes = total_writes(s);
	size_t i;

	s->saved_ms = clock_ms();
	if (save_sidecars(s) < 0)
		return;
	buf_printf(&b, "# obdcon simulator state of vehicle %s\n"
		       "# did ECU DID HEX / dtc ECU CODE STATUS STORED / flash ECU SIZE SHA256 / "
		       "erased ECU MAP\n",
		   s->vehicle.id);
	for (i = 0; i < s->vehicle.necus; i++)
		format_ecu(&s->vehicle.ecus[i], &b);
	if (fs_write_atomic(s->state_file, b.data, b.len, 0600, &s->state_error) == 0) {
		s->saved_writes = writes;
		commit_sidecars(s);
	}
	buf_free(&b);
}

/* Saves the vehicle state when something was written since the last save;
 * the blocks of a download in progress at most once a second. */
void sim_state_save_if_changed(struct sim *s)
{
	if (s->state_file == NULL)
		return;
	if (total_writes(s) != s->saved_writes ||
	    (flash_unsaved(s) && clock_ms() - s->saved_ms >= STATE_FLASH_SAVE_MS))
		save(s);
}

/* Saves whatever is not saved yet (the simulator ends). */
void sim_state_flush(struct sim *s)
{
	if (s->state_file && (total_writes(s) != s->saved_writes || flash_unsaved(s)))
		save(s);
}
