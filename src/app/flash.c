/* flash.c: flashing as a state machine over a brand script's procedure:
 * identification, image checks and checksum corrections, preconditions
 * (battery, engine standing, adapter), a read-out backup where the module
 * allows it, the point of no return named and confirmed, then the
 * procedure's steps with a journal written before each one (block by block
 * during the download), and afterwards identification and fault codes read
 * again. An interrupted flash resumes from its session's journal. */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_internal.h"
#include "app/image.h"
#include "app/journal.h"
#include "diag/obd.h"
#include "session/store.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#define FLASH_STEPS_MAX JOURNAL_MAX_STEPS
#define VOLT_CHECK_EVERY 16    /* blocks between battery readings */
#define VOLT_PAUSE_MS 1000     /* battery readings while a sag lasts */
#define VOLT_REFUSALS 3        /* blocks a module refuses for low voltage (0x93) */
#define NRC_VOLTAGE_LOW 0x93
#define ERASE_TIMEOUT_MS 120000
#define REBOOT_WAIT_MS 10000
#define BLOCK_RETRIES 3        /* a block sent again after a transient failure */
#define STEP_KEY_MAX 64        /* a step's name with its arguments */
#define PROGRESS_EVERY_US 250000 /* progress reported at most this often */

/* One flash in progress: what is programmed, with what, and its record. */
struct flash_ctx {
	struct app *a;
	const struct script_flash *proc;
	size_t fi;                  /* procedure index */
	size_t module;              /* app module index */
	struct uds_target t;
	uint8_t *data;              /* the region as it will be written */
	char sha[65];
	struct journal j;
	bool dry;                   /* recording the steps, nothing sent */
	const char *steps[FLASH_STEPS_MAX];
	char step_names[FLASH_STEPS_MAX][JOURNAL_NAME_MAX + 1];
	char step_keys[FLASH_STEPS_MAX][STEP_KEY_MAX]; /* each step with its arguments, as planned */
	char next_key[STEP_KEY_MAX]; /* the arguments of the step about to begin ("" none) */
	size_t nsteps, step;        /* steps known, step running */
	bool resume;                /* continuing an interrupted flash */
	bool erased;                /* this run erased (a download starts over) */
	bool dl_resumed;            /* this run's download took up confirmed blocks */
	const struct journal *old;  /* the interrupted flash's journal */
	size_t restart_step;        /* steps before it are skipped on resume */
	int64_t started_us;
	int64_t progress_us;        /* when progress was last reported */
	char corrections[512];      /* checksums corrected, in words */
	char image_sw[APP_IDENT_MAX]; /* the software the image carries ("" unknown) */
	struct app_flash_result *res;
};

/* Names a step and, on a real run, records it as started. */
static int step_begin(struct flash_ctx *c, struct error *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records a step's name for the journal: words joined by '-', made
 * unique with a count ("session-02", "wait-100ms", "wait-100ms-2"). */
static void add_step_name(struct flash_ctx *c, const char *name)
{
	char *out = c->step_names[c->nsteps], base[JOURNAL_NAME_MAX - 3];
	size_t i, k, n = 1;

	snprintf(base, sizeof base, "%s", name);
	for (i = 0; base[i]; i++)
		if (base[i] == ' ')
			base[i] = '-';
	snprintf(out, sizeof c->step_names[0], "%s", base);
	for (k = 0; k < c->nsteps; k++)
		if (strcmp(c->steps[k], out) == 0) {
			snprintf(out, sizeof c->step_names[0], "%s-%zu", base, ++n);
			k = (size_t)-1; /* check the new name against all again */
		}
	c->steps[c->nsteps] = out;
	c->nsteps++;
}

/* Names a step and, on a real run, records it as started. */
static int step_begin(struct flash_ctx *c, struct error *e, const char *fmt, ...)
{
	char name[JOURNAL_NAME_MAX + 1], key[STEP_KEY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	snprintf(key, sizeof key, "%s%s", name, c->next_key);
	c->next_key[0] = '\0';
	if (c->dry) {
		if (c->nsteps == FLASH_STEPS_MAX)
			return error_set(e, ERR_ARG, "the procedure has more than %d steps",
					 FLASH_STEPS_MAX);
		snprintf(c->step_keys[c->nsteps], sizeof c->step_keys[0], "%s", key);
		add_step_name(c, name);
		return 0;
	}
	if (c->step >= c->nsteps || strcmp(c->step_keys[c->step], key) != 0)
		return error_set(e, ERR_SCRIPT, "the procedure takes other steps than when it was "
				 "planned and confirmed (step %zu: %s where the plan has %s); "
				 "nothing of this step was sent", c->step + 1, key,
				 c->step < c->nsteps ? c->step_keys[c->step] : "no more steps");
	if (!c->j.no_return && app_cancelled(c->a)) /* never once the module is erased */
		return error_set(e, ERR_CANCELLED, "cancelled before the erase");
	app_say(c->a, APP_PROGRESS, "flash: %s", name);
	session_event(c->a->session, "flash step %zu: %s", c->step + 1, name);
	return journal_step(&c->j, c->steps[c->step], JOURNAL_STARTED, e);
}

/* Records the running step as done and moves on. */
static int step_done(struct flash_ctx *c, struct error *e)
{
	if (c->dry)
		return 0;
	if (journal_step(&c->j, c->steps[c->step], JOURNAL_DONE, e) < 0)
		return -(int)e->kind;
	c->step++;
	return 0;
}

/* True when a resumed flash skips this (already done) step. */
static bool skip_step(struct flash_ctx *c)
{
	return !c->dry && c->resume && c->step < c->restart_step &&
	       c->j.steps[c->step].state == JOURNAL_DONE;
}

/* Step: a diagnostic session. */
static int op_session(void *ctx, uint8_t s, struct error *e)
{
	struct flash_ctx *c = ctx;

	if (step_begin(c, e, "session %02X", s) < 0)
		return -(int)e->kind;
	if (!c->dry && uds_session(c->a->uds, &c->t, s, NULL, e) < 0)
		return error_wrap(e, "session %02X", s);
	return step_done(c, e);
}

/* Key callback handed to the UDS client: the script's function. */
struct flash_key {
	script_key_fn fn;
	void *arg;
};

/* Calls the script's key function with the seed. */
static int flash_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		     size_t *klen, struct error *e)
{
	struct flash_key *k = arg;

	(void)level;
	return k->fn(k->arg, seed, n, key, UDS_KEY_MAX, klen, e);
}

/* Step: security access with the procedure's key. */
static int op_unlock(void *ctx, uint8_t level, script_key_fn fn, void *arg, struct error *e)
{
	struct flash_ctx *c = ctx;
	struct flash_key k = { fn, arg };

	if (step_begin(c, e, "unlock %02X", level) < 0)
		return -(int)e->kind;
	if (!c->dry && uds_security_access(c->a->uds, &c->t, level, flash_key, &k, NULL, e) < 0)
		return error_wrap(e, "unlocking level %02X", level);
	return step_done(c, e);
}

/* Builds an address-and-length option record (ALFID 0x44 ADDR SIZE). */
static size_t mem_record(uint8_t *out, uint32_t addr, uint32_t size)
{
	int i;

	out[0] = 0x44;
	for (i = 0; i < 4; i++) {
		out[1 + i] = (uint8_t)(addr >> (24 - 8 * i));
		out[5 + i] = (uint8_t)(size >> (24 - 8 * i));
	}
	return 9;
}

/* Step: the erase routine; the point of no return is recorded first. */
static int op_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	struct flash_ctx *c = ctx;
	struct uds_opts o = { ERASE_TIMEOUT_MS, 0, false };
	uint8_t rec[9], status[64];
	size_t slen;

	snprintf(c->next_key, sizeof c->next_key, " %08X+%X", addr, size);
	if (step_begin(c, e, "erase %04X", routine) < 0)
		return -(int)e->kind;
	if (c->dry)
		return 0;
	if (journal_no_return(&c->j, e) < 0)
		return -(int)e->kind;
	c->erased = true;
	app_say(c->a, APP_WARNING,
		"point of no return: erasing %s; from now on the module needs a complete new image",
		c->a->modules[c->module].id);
	if (uds_routine(c->a->uds, &c->t, 0x01, routine, rec, mem_record(rec, addr, size), &o,
			status, sizeof status, &slen, e) < 0)
		return error_wrap(e, "erasing");
	return step_done(c, e);
}

/* Reads the battery; -1 with e set when the adapter cannot tell. */
static int battery(struct flash_ctx *c, double *v, struct error *e)
{
	if (adapter_voltage(c->a->adapter, v, e) < 0)
		return error_wrap(e, "reading the battery voltage");
	return 0;
}

/* Waits between blocks while the battery sags below the procedure's
 * minimum, reading it every second; a sag that outlasts the procedure's
 * volts_wait stops the download (the journal keeps the blocks confirmed,
 * so --resume goes on from there). refused: the module itself refused the
 * last block for low voltage, so the wait lasts at least one reading. */
static int watch_voltage(struct flash_ctx *c, uint64_t block, bool refused, struct error *e)
{
	int64_t start = clock_ms(), limit = (int64_t)(c->proc->volts_wait * 1000);
	double v = 0;

	if (c->proc->min_volts <= 0 && !refused)
		return 0;
	if (battery(c, &v, e) < 0)
		return -(int)e->kind;
	if (v >= c->proc->min_volts && !refused)
		return 0;
	app_say(c->a, APP_WARNING, "battery at %.1f V%s: pausing the download before block %llu "
		"(it goes on when the battery is back at %.1f V; at most %g s)", v,
		refused ? " and the module refused the block (voltage too low, 0x93)" : "",
		(unsigned long long)block + 1, c->proc->min_volts, c->proc->volts_wait);
	do {
		if (clock_ms() - start >= limit)
			return error_set(e, ERR_REFUSED, "the battery stayed at %.1f V, below the %.1f V "
					 "this flash needs, for %g s: charge it or connect a charger, "
					 "then resume (the %llu blocks confirmed are kept)", v,
					 c->proc->min_volts, c->proc->volts_wait,
					 (unsigned long long)c->j.dl.confirmed);
		clock_sleep_us(1000 * (limit - (clock_ms() - start) < VOLT_PAUSE_MS ?
				       limit - (clock_ms() - start) : VOLT_PAUSE_MS));
		if (uds_tester_present(c->a->uds, &c->t, false, e) < 0) /* keeps the session */
			return error_wrap(e, "while the download paused");
		if (battery(c, &v, e) < 0)
			return -(int)e->kind;
	} while (v < c->proc->min_volts);
	app_say(c->a, APP_WARNING, "battery back at %.1f V after %.1f s: the download goes on", v,
		(double)(clock_ms() - start) / 1000);
	return 0;
}

/* Reports the progress of a download or read-out: bytes, percentage, throughput, ETA. */
static void report_progress(struct flash_ctx *c, const char *step, uint64_t done, uint64_t total)
{
	int64_t now = clock_us();
	double secs = (double)(now - c->started_us) / 1e6;
	double rate = secs > 0 ? (double)done / secs : 0;
	struct app_progress p = { step, done, total, rate,
				  rate > 0 ? (double)(total - done) / rate : -1, NULL };

	if (done < total && now - c->progress_us < PROGRESS_EVERY_US)
		return;
	c->progress_us = now;
	if (c->a->hooks.progress)
		c->a->hooks.progress(c->a->hooks.arg, &p);
	app_say(c->a, APP_PROGRESS, "%s %llu/%llu bytes (%.0f%%), %.0f B/s, %.0f s left", step,
		(unsigned long long)done, (unsigned long long)total,
		total ? 100.0 * (double)done / (double)total : 100.0, rate, p.eta_s > 0 ? p.eta_s : 0);
}

/* Block size: the module's maximum (0x74) and the adapter's longest request. */
static size_t block_size(struct flash_ctx *c, const struct uds_transfer *x)
{
	size_t chunk = uds_transfer_chunk(x);
	int adapter_max = adapter_info(c->a->adapter)->max_request;

	if (adapter_max > 2 && chunk > (size_t)adapter_max - 2)
		chunk = (size_t)adapter_max - 2;
	return chunk;
}

/* True for a failure worth trying again: a garbled or missing reply, an
 * adapter status (CAN ERROR, BUFFER FULL), not a lost link or a refusal. */
static bool transient(const struct error *e)
{
	return e->kind == ERR_TIMEOUT || e->kind == ERR_PROTOCOL || e->kind == ERR_ADAPTER;
}

/* Brings the adapter back to its settings after a garbled reply or a reset
 * of its own, before a block goes again. */
static void recover(struct flash_ctx *c)
{
	struct error re;

	error_clear(&re);
	if (adapter_recover(c->a->adapter, &re) < 0)
		app_say(c->a, APP_WARNING, "%s", re.text);
}

/* True when the module refused a block because its voltage is too low. */
static bool voltage_refusal(const struct error *e)
{
	return e->kind == ERR_NEGATIVE && e->detail == NRC_VOLTAGE_LOW;
}

/* Sends one block, again with the same counter after a transient failure
 * (a module that took it acknowledges the repeat without writing), and
 * after a refusal for low voltage once the battery is back. */
static int send_block(struct flash_ctx *c, struct uds_transfer *x, uint64_t block,
		      const uint8_t *data, size_t n, struct error *e)
{
	int tries = 0, refusals = 0, rc;

	while ((rc = uds_transfer_data(c->a->uds, &c->t, x, data, n, NULL, e)) < 0) {
		if (voltage_refusal(e) && ++refusals <= VOLT_REFUSALS) {
			if (watch_voltage(c, block, true, e) < 0)
				return -(int)e->kind;
			continue;
		}
		if (!transient(e) || ++tries > BLOCK_RETRIES)
			break;
		app_say(c->a, APP_WARNING, "%s: sending the block again (%d of %d)", e->text, tries,
			BLOCK_RETRIES);
		recover(c);
	}
	return rc;
}

/* Sends the blocks of the region from block first on, journaling each. */
static int send_blocks(struct flash_ctx *c, struct uds_transfer *x, uint32_t addr, uint32_t size,
		       size_t chunk, struct error *e)
{
	uint64_t blocks = (size + chunk - 1) / chunk, b;

	for (b = c->j.dl.confirmed; b < blocks; b++) {
		size_t off = (size_t)(b * chunk), n = size - off < chunk ? size - off : chunk;
		if (b % VOLT_CHECK_EVERY == 0 && b > 0 && watch_voltage(c, b, false, e) < 0)
			return error_wrap(e, "before block %llu of %llu", (unsigned long long)b + 1,
					  (unsigned long long)blocks);
		if (send_block(c, x, b, c->data + (addr - c->proc->address) + off, n, e) < 0)
			return error_wrap(e, "block %llu of %llu", (unsigned long long)b + 1,
					  (unsigned long long)blocks);
		if (journal_block_confirmed(&c->j, b, e) < 0)
			return -(int)e->kind;
		report_progress(c, "download", (uint64_t)off + n, size);
	}
	return 0;
}

/* Where a download takes up. */
enum dl_start { DL_START, DL_RESUME, DL_COMPLETE };

/* On a resume from the last block (restart = "block", no erase in this
 * run): the request covers what is left from the last restart point, the
 * blocks confirmed before it are kept; when every block was confirmed
 * nothing is left to send. Otherwise the download starts over. */
static enum dl_start resume_point(struct flash_ctx *c, struct uds_mem *m, size_t *chunk,
				  struct error *e, int *rc)
{
	uint64_t at, from;

	*rc = 0;
	if (!(c->resume && c->proc->restart_block && !c->erased && c->j.dl.active &&
	      c->j.dl.start == m->addr && c->j.dl.length == m->size &&
	      (from = journal_resume_block(&c->j)) > 0)) {
		c->j.dl.confirmed = 0;
		return DL_START;
	}
	if (from >= c->j.dl.blocks)
		return DL_COMPLETE;
	if (journal_rewind(&c->j, from, e) < 0) {
		*rc = -(int)e->kind;
		return DL_START;
	}
	at = journal_block_addr(&c->j, from);
	*chunk = c->j.dl.block_size;
	m->size = (uint32_t)(m->addr + m->size - at);
	m->addr = (uint32_t)at;
	return DL_RESUME;
}

/* Step: request download, the blocks, transfer exit. */
static int op_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	struct flash_ctx *c = ctx;
	struct uds_mem m = { addr, size, 4, 4 };
	struct uds_transfer x;
	size_t chunk = 0;
	int rc;

	snprintf(c->next_key, sizeof c->next_key, " %08X+%X format %02X", addr, size, format);
	if (step_begin(c, e, "download") < 0)
		return -(int)e->kind;
	if (c->dry)
		return 0;
	if (addr < c->proc->address || (uint64_t)addr + size > (uint64_t)c->proc->address + c->proc->size)
		return error_set(e, ERR_SCRIPT, "download range outside the procedure's region");
	switch (resume_point(c, &m, &chunk, e, &rc)) {
	case DL_COMPLETE:
		c->dl_resumed = true;
		app_say(c->a, APP_INFO, "the module confirmed every block before the interruption: "
			"nothing left to send");
		return step_done(c, e);
	case DL_RESUME:
		c->dl_resumed = true;
		app_say(c->a, APP_INFO, "resuming the download at block %llu of %llu",
			(unsigned long long)c->j.dl.confirmed + 1, (unsigned long long)c->j.dl.blocks);
		break;
	default:
		break;
	}
	if (rc < 0)
		return rc;
	if (uds_request_download(c->a->uds, &c->t, format, &m, &x, e) < 0)
		return error_wrap(e, "requesting the download");
	if (c->j.dl.confirmed == 0) {
		chunk = block_size(c, &x);
		if (chunk == 0)
			return error_set(e, ERR_PROTOCOL, "the module accepts no data per block");
		c->j.dl.active = false; /* from the start: a new download record */
		if (journal_download_begin(&c->j, addr, size, (uint32_t)chunk, 1, e) < 0)
			return -(int)e->kind;
	} else if (block_size(c, &x) < chunk) {
		return error_set(e, ERR_UNSUPPORTED, "the download was begun in blocks of %zu bytes, "
				 "but this adapter and module take at most %zu: resume with the "
				 "adapter used before", chunk, block_size(c, &x));
	}
	app_say(c->a, APP_INFO, "download of %u bytes in blocks of %zu (module allows %zu)", size,
		chunk, x.max_block);
	c->started_us = clock_us();
	if (send_blocks(c, &x, addr, size, chunk, e) < 0 ||
	    uds_transfer_exit(c->a->uds, &c->t, NULL, 0, NULL, 0, NULL, e) < 0)
		return -(int)e->kind;
	if (clock_us() > c->started_us)
		c->res->download_rate = m.size / ((double)(clock_us() - c->started_us) / 1e6);
	return step_done(c, e);
}

/* The status a routine is taken to answer when it is not run (a dry run,
 * a step already done): what the procedure expects, else 00. */
static void assumed_status(int expect, uint8_t *status, size_t cap, size_t *slen)
{
	if (cap)
		status[0] = (uint8_t)(expect >= 0 ? expect : 0);
	*slen = cap ? 1 : 0;
}

/* Step: a routine (checksum or dependency check); returns its status. A
 * status other than the one expected fails the step. */
static int op_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		      uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	struct flash_ctx *c = ctx;
	struct uds_opts o = { ERASE_TIMEOUT_MS, 0, false };

	*slen = 0;
	if (step_begin(c, e, "routine %04X", id) < 0)
		return -(int)e->kind;
	if (c->dry) {
		assumed_status(expect, status, cap, slen);
		return 0;
	}
	if (uds_routine(c->a->uds, &c->t, 0x01, id, record, n, &o, status, cap, slen, e) < 0)
		return error_wrap(e, "routine %04X", id);
	app_say(c->a, APP_INFO, "routine %04X answered status %02X", id, *slen ? status[0] : 0);
	if (expect >= 0 && (*slen == 0 || status[0] != expect))
		return error_set(e, ERR_VERIFY, "routine %04X answered status %02X where the procedure "
				 "expects %02X: the module does not accept what was written", id,
				 *slen ? status[0] : 0, expect);
	return step_done(c, e);
}

/* Waits for a module to answer again after a reset. */
static int wait_reboot(struct flash_ctx *c, struct error *e)
{
	int64_t deadline = clock_ms() + REBOOT_WAIT_MS;

	while (clock_ms() < deadline) {
		error_clear(e);
		if (uds_tester_present(c->a->uds, &c->t, false, e) == 0)
			return 0;
		clock_sleep_us(200000);
	}
	return error_wrap(e, "the module did not answer after its reset");
}

/* Step: an ECU reset, then waiting until it answers. */
static int op_reset(void *ctx, uint8_t type, struct error *e)
{
	struct flash_ctx *c = ctx;

	if (step_begin(c, e, "reset %u", type) < 0)
		return -(int)e->kind;
	if (!c->dry && (uds_reset(c->a->uds, &c->t, type, e) < 0 || wait_reboot(c, e) < 0))
		return -(int)e->kind;
	return step_done(c, e);
}

/* Step: lets time pass, keeping the session with tester present. */
static int op_wait(void *ctx, int ms, struct error *e)
{
	struct flash_ctx *c = ctx;
	int64_t end = clock_ms() + ms;

	if (step_begin(c, e, "wait %ums", (unsigned)ms) < 0)
		return -(int)e->kind;
	while (!c->dry && clock_ms() < end) {
		clock_sleep_us((end - clock_ms() > 1000 ? 1000 : end - clock_ms()) * 1000);
		if (uds_tester_present(c->a->uds, &c->t, false, e) < 0)
			return -(int)e->kind;
	}
	return step_done(c, e);
}

/* Steps a resumed flash skips when done: wraps each op. */
static int skip_or(struct flash_ctx *c, bool *skipped, struct error *e)
{
	*skipped = skip_step(c);
	if (*skipped) {
		app_say(c->a, APP_INFO, "flash: %s already done", c->steps[c->step]);
		c->step++;
	}
	(void)e;
	return 0;
}

/* Resumable session step. */
static int rop_session(void *ctx, uint8_t s, struct error *e)
{
	return op_session(ctx, s, e);
}

/* Resumable unlock step. */
static int rop_unlock(void *ctx, uint8_t level, script_key_fn fn, void *arg, struct error *e)
{
	return op_unlock(ctx, level, fn, arg, e);
}

/* Resumable erase step (skipped when done and before the restart point). */
static int rop_erase(void *ctx, uint16_t routine, uint32_t addr, uint32_t size, struct error *e)
{
	bool skipped;

	skip_or(ctx, &skipped, e);
	return skipped ? 0 : op_erase(ctx, routine, addr, size, e);
}

/* Resumable download step. */
static int rop_download(void *ctx, uint32_t addr, uint32_t size, uint8_t format, struct error *e)
{
	bool skipped;

	skip_or(ctx, &skipped, e);
	return skipped ? 0 : op_download(ctx, addr, size, format, e);
}

/* Resumable routine step. */
static int rop_routine(void *ctx, uint16_t id, const uint8_t *record, size_t n, int expect,
		       uint8_t *status, size_t cap, size_t *slen, struct error *e)
{
	bool skipped;

	skip_or(ctx, &skipped, e);
	if (skipped) {
		assumed_status(expect, status, cap, slen);
		return 0;
	}
	return op_routine(ctx, id, record, n, expect, status, cap, slen, e);
}

static const struct script_flash_ops flash_ops = {
	rop_session, rop_unlock, rop_erase, rop_download, rop_routine, op_reset, op_wait,
};

/* --- The image as prepare(img) sees it --- */

/* Bytes of the region. */
static size_t img_size(void *ctx)
{
	return ((struct flash_ctx *)ctx)->proc->size;
}

/* Reads bytes of the region. */
static int img_read(void *ctx, uint32_t off, uint8_t *out, size_t n, struct error *e)
{
	struct flash_ctx *c = ctx;

	if ((uint64_t)off + n > c->proc->size)
		return error_set(e, ERR_SCRIPT, "img:bytes past the end of the region");
	memcpy(out, c->data + off, n);
	return 0;
}

/* Stores v at the region offset at, n bytes, in the given byte order. */
static void store(uint8_t *p, uint32_t v, size_t n, bool big)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[big ? i : n - 1 - i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* Reads n bytes at p in the given byte order. */
static uint32_t load(const uint8_t *p, size_t n, bool big)
{
	uint32_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[big ? i : n - 1 - i];
	return v;
}

/* Computes a checksum over a range and stores it, recording the change. */
static int img_checksum(void *ctx, struct script_checksum *k, struct error *e)
{
	struct flash_ctx *c = ctx;
	size_t width = strcmp(k->kind, "crc32") == 0 ? 4 : 2, used;
	const uint8_t *p = c->data + k->from;
	uint32_t v = 0;
	size_t i;

	if ((uint64_t)k->from + k->length > c->proc->size || (uint64_t)k->at + width > c->proc->size ||
	    (k->at + width > k->from && k->at < (uint64_t)k->from + k->length))
		return error_set(e, ERR_SCRIPT, "%s: range or place outside the region, or overlapping",
				 k->kind);
	if (width == 4)
		v = image_crc32(p, k->length);
	else if (strcmp(k->kind, "crc16") == 0)
		v = image_crc16_ccitt(p, k->length);
	else
		for (i = 0; i < k->length; i++)
			v = (v + p[i]) & 0xFFFF;
	k->old_value = load(c->data + k->at, width, k->big_endian);
	k->new_value = v;
	store(c->data + k->at, v, width, k->big_endian);
	used = strlen(c->corrections);
	if (k->old_value != v)
		snprintf(c->corrections + used, sizeof c->corrections - used,
			 "%s%s at 0x%X: %0*X -> %0*X", used ? "; " : "", k->kind, k->at, (int)width * 2,
			 k->old_value, (int)width * 2, v);
	return 0;
}

static const struct script_flash_image_ops image_ops = { img_size, img_read, img_checksum };

/* --- Before the point of no return --- */

/* The procedure named id for the connected vehicle. */
static int find_procedure(struct app *a, const char *id, size_t *fi, struct error *e)
{
	int k = a->brand >= 0 ? script_flash_find(a->scripts, (size_t)a->brand, id) : -1;

	if (k < 0)
		return error_set(e, ERR_ARG, "no flash procedure '%s' for this vehicle (see flash --list)",
				 id);
	*fi = (size_t)k;
	return 0;
}

/* True when value is in the list (an empty list accepts everything). */
static bool listed(char *const *list, size_t n, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], value) == 0)
			return true;
	return n == 0;
}

/* Refuses a module whose identification the procedure does not accept. */
static int check_module(struct flash_ctx *c, struct error *e)
{
	const struct app_module *m = &c->a->modules[c->module];
	const struct script_flash *p = c->proc;

	if (!m->present)
		return error_set(e, ERR_REFUSED, "module %s does not answer: nothing was written", m->id);
	if (!listed(p->accept_part, p->npart, m->part))
		return error_set(e, ERR_REFUSED, "module %s is part %s, but %s is for part %s%s: "
				 "nothing was written", m->id, m->part[0] ? m->part : "(unknown)",
				 p->id, p->accept_part[0], p->npart > 1 ? " and others" : "");
	if (!listed(p->accept_hw, p->nhw, m->hw))
		return error_set(e, ERR_REFUSED, "module %s has hardware %s, but %s is for hardware "
				 "%s%s: nothing was written", m->id, m->hw[0] ? m->hw : "(unknown)",
				 p->id, p->accept_hw[0], p->nhw > 1 ? " and others" : "");
	if (m->boot) /* no software to check: the boot loader only takes a new one */
		return 0;
	if (!listed(p->accept_sw, p->nsw, m->sw))
		return error_set(e, ERR_REFUSED, "module %s runs software %s, but %s only replaces "
				 "%s%s: nothing was written", m->id, m->sw, p->id, p->accept_sw[0],
				 p->nsw > 1 ? " and others" : "");
	return 0;
}

/* Writes the module's identification into the checklist. */
static void list_module(struct flash_ctx *c, struct buf *b)
{
	const struct app_module *m = &c->a->modules[c->module];

	if (m->boot)
		buf_printf(b, "[x] module %s %s: part %s, hardware %s; IN ITS BOOT LOADER (boot "
			      "software %s): its application is missing, a flash restores it\n",
			   m->id, m->name, m->part, m->hw, m->boot_sw);
	else
		buf_printf(b, "[x] module %s %s: part %s, hardware %s, software %s\n", m->id, m->name,
			   m->part, m->hw, m->sw);
}

/* The module's identification value an ident field names. */
static const char *ident_value(const struct app_module *m, const char *field)
{
	return strcmp(field, "hw") == 0 ? m->hw : strcmp(field, "sw") == 0 ? m->sw : m->part;
}

/* Words for an ident field. */
static const char *ident_words(const char *field)
{
	return strcmp(field, "hw") == 0 ? "hardware" : strcmp(field, "sw") == 0 ? "software"
										 : "part";
}

/* The text an image holds at an ident place (trailing spaces, NUL and
 * erased bytes dropped; other unprintable bytes as '?'). */
static void ident_text_at(const struct flash_ctx *c, const struct script_flash_ident *id,
			  char *out)
{
	size_t n = id->len, i;

	for (i = 0; i < n; i++) {
		uint8_t b = c->data[id->at + i];
		out[i] = b >= 0x20 && b < 0x7F ? (char)b : b == 0 || b == 0xFF ? 0 : '?';
	}
	out[n] = 0;
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == 0))
		out[--n] = 0;
	for (i = 0; i < n; i++)
		if (out[i] == 0)
			out[i] = '?';
}

/* Refuses an image that names another module than the one connected, and
 * notes the software it carries (compared after the flash). */
static int check_ident(struct flash_ctx *c, struct buf *b, struct error *e)
{
	const struct app_module *m = &c->a->modules[c->module];
	char named[65];
	size_t i;

	for (i = 0; i < c->proc->nident; i++) {
		const struct script_flash_ident *id = &c->proc->ident[i];
		ident_text_at(c, id, named);
		if (strcmp(id->field, "sw") == 0) {
			snprintf(c->image_sw, sizeof c->image_sw, "%s", named);
			if (m->boot)
				buf_printf(b, "[x] the image carries software %s (the module has none: "
					      "it is in its boot loader)\n", named);
			else
				buf_printf(b, "[x] the image carries software %s (the module runs %s)\n",
					   named, m->sw);
			continue;
		}
		if (strcmp(named, ident_value(m, id->field)) != 0)
			return error_set(e, ERR_REFUSED, "the image is for %s %s, but module %s is %s "
					 "%s: nothing was written", ident_words(id->field),
					 named[0] ? named : "(none named)", m->id,
					 ident_words(id->field), ident_value(m, id->field));
		buf_printf(b, "[x] the image is for %s %s, as the module\n", ident_words(id->field),
			   named);
	}
	return 0;
}

/* Reads the image file into the region buffer, refusing one that does not
 * cover the procedure's region exactly. */
static int load_image(struct flash_ctx *c, const char *path, struct error *e)
{
	struct image_opts o = { IMAGE_AUTO, c->proc->address, 0 };
	struct image img;
	struct image_range span;
	int rc = 0;

	image_init(&img);
	if (image_read(&img, path, &o, e) < 0) {
		image_free(&img);
		e->kind = e->kind == ERR_NOMEM ? ERR_NOMEM : ERR_REFUSED;
		return error_wrap(e, "the image is unusable, nothing was written");
	}
	span = image_span(&img);
	if (span.addr != c->proc->address || span.len != c->proc->size ||
	    !image_covers(&img, c->proc->address, c->proc->size))
		rc = error_set(e, ERR_REFUSED,
			       "%s (%s) covers 0x%X..0x%llX (%llu bytes%s), but %s needs exactly "
			       "0x%X..0x%llX (%u bytes): truncated or for another memory; nothing "
			       "was written",
			       path, image_format_name(img.format), span.addr,
			       (unsigned long long)(span.addr + span.len), (unsigned long long)span.len,
			       image_gap_count(&img) ? ", with gaps" : "", c->proc->id,
			       c->proc->address, (unsigned long long)c->proc->address + c->proc->size,
			       c->proc->size);
	if (rc == 0 && (c->data = malloc(c->proc->size)) == NULL)
		rc = error_set(e, ERR_NOMEM, "out of memory");
	if (rc == 0 && image_flatten(&img, c->proc->address, c->proc->size, c->data, e) < 0)
		rc = -(int)e->kind;
	image_free(&img);
	return rc;
}

/* Engine speed from OBD-II (PID 0C) asked of one target; -1 when unknown. */
static double rpm_of(struct flash_ctx *c, const struct uds_target *t)
{
	static struct obd_pids_reply r;
	const uint8_t pid = 0x0C;
	struct obd_value v[OBD_VALUES_MAX];
	size_t n;
	struct error e;

	if (obd_read_current(c->a->uds, t, &pid, 1, &r, &e) < 0 || r.count == 0 ||
	    obd_pid_decode(0x0C, r.items[0].data, r.items[0].len, v, &n, &e) < 0 || n == 0)
		return -1;
	return v[0].value;
}

/* Engine speed: from the module itself, else from the OBD-II engine ECU
 * live data reads (7E0, or on 29-bit identifiers the ECU found at
 * connect); -1 when no module tells it. */
static double engine_rpm(struct flash_ctx *c)
{
	struct uds_target engine = app_engine_target(c->a);
	double rpm = rpm_of(c, &c->t);

	if (rpm < 0 && (engine.can.tx != c->t.can.tx || engine.can.ext != c->t.can.ext))
		rpm = rpm_of(c, &engine);
	return rpm;
}

/* Checks that the engine stands still, into the checklist. A module in
 * its boot loader answers no OBD-II: when it is the engine's own (no
 * other module tells a speed) the engine cannot run. */
static int check_engine(struct flash_ctx *c, struct buf *b, struct error *e)
{
	const struct app_module *m = &c->a->modules[c->module];
	double rpm = engine_rpm(c);

	if (rpm > 0)
		return error_set(e, ERR_REFUSED, "the engine is running (%.0f rpm): switch it off, "
				 "ignition on, and start again; nothing was written", rpm);
	if (rpm < 0 && !m->boot)
		return error_set(e, ERR_REFUSED, "cannot confirm that the engine stands still (no "
				 "module answers OBD-II PID 0C); nothing was written");
	if (rpm < 0)
		buf_printf(b, "[x] engine cannot run: no module tells an engine speed while module "
			      "%s is in its boot loader\n", m->id);
	else
		buf_printf(b, "[x] engine stands still (0 rpm)\n");
	return 0;
}

/* Expected download rate of the adapter's path, in bytes per second. */
static double expected_rate(const struct adapter_info *i)
{
	double uart = i->baud ? i->baud / 10.0 : 50000.0;

	switch (i->send_path) {
	case PATH_STPX: return uart / 2.05 < 26000 ? uart / 2.05 : 26000;
	case PATH_ELM_BURST: return uart * 7 / 19;
	case PATH_ELM_SLOW: return 7 / (0.006 + 19 / uart);
	default: return 0;
	}
}

/* Brings the module back to its default session first. A console killed
 * in the middle of a flash or a read-out leaves the module in its
 * programming session with the transfer still open (the session would
 * time out, but the next console's requests keep it alive), and such a
 * module refuses a new download or upload. Leaving the session ends it. */
static void default_session(struct flash_ctx *c)
{
	struct error e;

	error_clear(&e);
	if (uds_session(c->a->uds, &c->t, 0x01, NULL, &e) < 0)
		app_say(c->a, APP_WARNING, "returning module %s to its default session: %s",
			c->a->modules[c->module].id, e.text);
}

/* Checks battery, engine and adapter; writes the checklist into b. */
static int preconditions(struct flash_ctx *c, struct buf *b, struct error *e)
{
	const struct adapter_info *info = adapter_info(c->a->adapter);
	double volts = 0, rate = expected_rate(info);

	if (adapter_voltage(c->a->adapter, &volts, e) < 0)
		return error_wrap(e, "reading the battery voltage (nothing was written)");
	if (volts < c->proc->min_volts)
		return error_set(e, ERR_REFUSED, "battery at %.1f V, below the %.1f V this flash "
				 "needs: charge it or connect a charger; nothing was written", volts,
				 c->proc->min_volts);
	buf_printf(b, "[x] battery %.1f V (needs %.1f V; watched during the download)\n", volts,
		   c->proc->min_volts);
	if (c->proc->engine_off && check_engine(c, b, e) < 0)
		return -(int)e->kind;
	if (rate <= 0)
		return error_set(e, ERR_UNSUPPORTED, "this adapter cannot send blocks (path %s): "
				 "nothing was written", info->path);
	buf_printf(b, "[x] image %u bytes, SHA-256 %.16s...\n", c->proc->size, c->sha);
	buf_printf(b, "[x] checksums: %s\n", c->corrections[0] ? c->corrections : "already right");
	buf_printf(b, "[x] adapter %s, path %s, %d baud, round trip %d ms\n",
		   info->caps.stn ? info->stn_version : info->elm_version, info->path, info->baud,
		   info->rtt_ms);
	buf_printf(b, "    expected download time about %.0f s\n", c->proc->size / rate);
	return 0;
}

/* --- Read-out backup --- */

/* Key callback for a read-out: the procedure's readout.key, else the
 * module's own key function. */
static int module_key(void *arg, uint8_t level, const uint8_t *seed, size_t n, uint8_t *key,
		      size_t *klen, struct error *e)
{
	struct flash_ctx *c = arg;

	if (c->proc->readout_key_ref >= 0)
		return script_flash_readout_key(c->a->scripts, c->fi, level, seed, n, key, UDS_KEY_MAX,
						klen, e);
	return script_module_key(c->a->scripts, c->a->modules[c->module].script_module, level, seed,
				 n, key, UDS_KEY_MAX, klen, e);
}

/* Reads the module's memory out with RequestUpload into buf. */
static int upload(struct flash_ctx *c, uint8_t *buf, struct error *e)
{
	struct uds_mem m = { c->proc->address, c->proc->size, 4, 4 };
	struct uds_transfer x;
	size_t got = 0, n;

	default_session(c);
	if (uds_session(c->a->uds, &c->t, c->proc->readout_session, NULL, e) < 0)
		return error_wrap(e, "read-out session");
	if (c->proc->readout_level &&
	    uds_security_access(c->a->uds, &c->t, c->proc->readout_level, module_key, c, NULL, e) < 0)
		return error_wrap(e, "unlocking for the read-out");
	if (uds_request_upload(c->a->uds, &c->t, 0x00, &m, &x, e) < 0)
		return error_wrap(e, "requesting the upload");
	while (got < c->proc->size) {
		int tries = 0, rc;
		while ((rc = uds_transfer_upload(c->a->uds, &c->t, &x, buf + got, c->proc->size - got,
						 &n, e)) < 0 && transient(e) && ++tries <= BLOCK_RETRIES) {
			app_say(c->a, APP_WARNING, "%s: asking for the block again", e->text);
			recover(c);
		}
		if (rc < 0)
			return error_wrap(e, "uploading at 0x%zX", got);
		if (n == 0)
			return error_set(e, ERR_PROTOCOL, "empty upload block at 0x%zX", got);
		got += n;
		report_progress(c, "read-out", got, c->proc->size);
		if (got < c->proc->size && app_cancelled(c->a)) {
			default_session(c); /* ends the open upload */
			return error_set(e, ERR_CANCELLED, "read-out stopped at %zu of %u bytes",
					 got, c->proc->size);
		}
	}
	return uds_transfer_exit(c->a->uds, &c->t, NULL, 0, NULL, 0, NULL, e);
}

/* Reads the module's current software into path (atomically). */
static int readout_to(struct flash_ctx *c, const char *path, struct error *e)
{
	uint8_t *buf = malloc(c->proc->size);
	int rc;

	if (buf == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	c->started_us = clock_us();
	rc = upload(c, buf, e);
	if (rc == 0)
		rc = fs_write_atomic(path, buf, c->proc->size, 0600, e);
	free(buf);
	return rc;
}

/* Backs the current software up into the session before anything is erased. */
static int backup_readout(struct flash_ctx *c, struct buf *checklist, struct error *e)
{
	char path[PATH_MAX];

	if (!c->proc->readout) {
		buf_printf(checklist, "[ ] no read-out backup: the module does not allow it\n");
		return 0;
	}
	if (c->a->modules[c->module].boot) {
		buf_printf(checklist, "[ ] no read-out backup: the module is in its boot loader, its "
				      "software is already gone\n");
		return 0;
	}
	snprintf(path, sizeof path, "%s/backups/flash-%s.bin", session_path(c->a->session),
		 c->a->modules[c->module].id);
	app_say(c->a, APP_PROGRESS, "reading the current software out (backup)");
	if (readout_to(c, path, e) < 0)
		return error_wrap(e, "read-out backup failed, nothing was erased");
	session_event(c->a->session, "flash: read-out backup of %s (%u bytes) in %s",
		      c->a->modules[c->module].id, c->proc->size, path);
	buf_printf(checklist, "[x] backup of the current software: %s\n", path);
	return 0;
}

/* --- The run --- */

/* Index of the first step whose name starts with prefix, or nsteps. */
static size_t find_step(const struct flash_ctx *c, const char *prefix)
{
	size_t i;

	for (i = 0; i < c->nsteps; i++)
		if (strncmp(c->steps[i], prefix, strlen(prefix)) == 0)
			return i;
	return c->nsteps;
}

/* Records the procedure's steps by running it without sending anything. */
static int dry_run(struct flash_ctx *c, struct error *e)
{
	c->dry = true;
	c->nsteps = 0;
	if (script_flash_run(c->a->scripts, c->fi, &flash_ops, c, e) < 0)
		return error_wrap(e, "procedure %s", c->proc->id);
	c->dry = false;
	if (c->nsteps == 0)
		return error_set(e, ERR_SCRIPT, "procedure %s takes no steps", c->proc->id);
	if (find_step(c, "download") == c->nsteps)
		return error_set(e, ERR_SCRIPT, "procedure %s never downloads: it would write "
				 "nothing into the module", c->proc->id);
	return 0;
}

/* True when a resume continues the download where it stopped: the
 * procedure allows it and the download had not ended (a download that
 * ended and was then not accepted starts again from the erase). */
static bool block_restart(const struct script_flash *p, const struct journal *old)
{
	size_t i;

	if (!p->restart_block)
		return false;
	for (i = 0; i < old->nsteps; i++)
		if (strcmp(old->steps[i].name, "download") == 0)
			return old->steps[i].state != JOURNAL_DONE;
	return false;
}

/* Where a resumed flash takes up again, in words. */
static const char *resume_words(const struct flash_ctx *c)
{
	static char text[160];
	uint64_t from = journal_resume_block(c->old);

	if (block_restart(c->proc, c->old) && c->old->dl.active && from >= c->old->dl.blocks)
		snprintf(text, sizeof text, "The module confirmed every block: the steps after the "
			 "download follow.");
	else if (block_restart(c->proc, c->old) && c->old->dl.active && from > 0)
		snprintf(text, sizeof text, "The download continues at block %llu of %llu (%llu "
			 "confirmed).", (unsigned long long)from + 1,
			 (unsigned long long)c->old->dl.blocks,
			 (unsigned long long)c->old->dl.confirmed);
	else
		snprintf(text, sizeof text, "It starts again from the erase.");
	return text;
}

/* Asks to go ahead: the checklist, the steps and the point of no return. */
static int confirm_flash(struct flash_ctx *c, struct buf *checklist, struct error *e)
{
	struct buf body = { 0 };
	size_t i;
	bool yes;

	buf_printf(&body, "%s %s (%s) into module %s %s:\n%s\nSteps:",
		   c->resume ? "Resume flashing" : "Flash", c->proc->name, c->proc->id,
		   c->a->modules[c->module].id, c->a->modules[c->module].name, buf_str(checklist));
	for (i = 0; i < c->nsteps; i++)
		buf_printf(&body, " %s%s", c->steps[i], i + 1 < c->nsteps ? "," : "\n");
	if (c->old && c->old->no_return)
		buf_printf(&body, "The interrupted flash passed its point of no return (the erase): "
				  "the module needs this image. %s\n", resume_words(c));
	else if (c->old)
		buf_printf(&body, "The interrupted flash stopped before the erase. Point of no "
				  "return: the erase.\n");
	else
		buf_printf(&body, "Point of no return: the erase. After it the module cannot run its "
				  "old software until the new image is written and checked; if the "
				  "flash is interrupted, obdcon flash --resume finishes it.\n");
	app_say(c->a, APP_INFO, "flash plan:\n%s", buf_str(&body));
	yes = c->a->hooks.confirm && c->a->hooks.confirm(c->a->hooks.arg, "Flash the module?",
							   buf_str(&body));
	buf_free(&body);
	return yes ? 0 : error_set(e, ERR_REFUSED, "not confirmed: nothing was written");
}

/* The name of the session (its directory's last part). */
static const char *session_name(const struct flash_ctx *c)
{
	const char *base = strrchr(session_path(c->a->session), '/');

	return base ? base + 1 : session_path(c->a->session);
}

/* Writes the manifest before the first step: the flash is named among
 * the session's operations and the read-out backup listed with its hash,
 * so a session killed during the flash shows what it was doing. (The
 * journal comes after it: while the flash runs it is a file the manifest
 * does not list.) */
static int begin_record(struct flash_ctx *c, struct error *e)
{
	if (session_write_manifest(c->a->session, false, e) < 0)
		return error_wrap(e, "nothing was written");
	return 0;
}

/* Creates the journal of a new flash in the session. */
static int start_journal(struct flash_ctx *c, const char *image_path, struct error *e)
{
	char path[PATH_MAX], abs[PATH_MAX];
	struct journal_info info = { session_name(c),
				     c->a->modules[c->module].id, c->t.can.tx, c->t.can.rx,
				     c->proc->id, realpath(image_path, abs) ? abs : image_path,
				     c->sha, c->proc->size, c->steps, c->nsteps };

	snprintf(path, sizeof path, "%s/journal", session_path(c->a->session));
	return journal_create(&c->j, path, &info, e);
}

/* Lists a module's fault codes after the flash into out ("P0301, P0420"). */
static void dtc_list(const struct app_module_dtcs *d, char *out, size_t n)
{
	size_t i, used = 0;

	out[0] = 0;
	for (i = 0; i < d->n && used + 16 < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", d->dtcs[i].code);
	if (i < d->n)
		snprintf(out + used, n - used, ", ...");
}

/* Reads the module's identification and fault codes again after the
 * flash and compares them with the image: the module must have left its
 * boot loader and show the software the image carries. */
static int verify_after(struct flash_ctx *c, struct error *e)
{
	struct app_module *m = &c->a->modules[c->module];
	struct app_flash_result *res = c->res;
	char part[APP_IDENT_MAX], codes[160];
	const struct app_module_dtcs *d;
	struct error de;

	snprintf(part, sizeof part, "%s", m->part);
	if (identify_again(c->a, c->module, e) < 0)
		return error_wrap(e, "identifying module %s after the flash", m->id);
	if (!m->present)
		return error_set(e, ERR_VERIFY, "module %s does not answer after the flash (%s)", m->id,
				 m->error);
	if (m->boot)
		return error_set(e, ERR_VERIFY, "module %s is still in its boot loader after the flash "
				 "(boot software %s): it did not take the image", m->id, m->boot_sw);
	snprintf(res->module_sw, sizeof res->module_sw, "%s", m->sw);
	if (c->image_sw[0] && strcmp(c->image_sw, m->sw) != 0)
		return error_set(e, ERR_VERIFY, "module %s shows software %s after the flash, but the "
				 "image carries %s", m->id, m->sw, c->image_sw);
	res->verified = c->image_sw[0] != 0;
	error_clear(&de);
	if (app_read_dtcs(c->a, (int)c->module, &de) < 0)
		app_say(c->a, APP_WARNING, "reading the fault codes after the flash: %s", de.text);
	d = &c->a->dtcs[c->module];
	res->dtcs = d->n;
	dtc_list(d, codes, sizeof codes);
	snprintf(res->after, sizeof res->after,
		 "after the flash: module %s part %s, software %s%s%s; %s%zu fault code%s%s%s", m->id,
		 m->part, m->sw, res->verified ? " (the image's)" : "",
		 strcmp(part, m->part) ? " (part number changed!)" : "",
		 d->read ? "" : "fault codes not read: ", d->n, d->n == 1 ? "" : "s",
		 d->n ? ": " : "", codes);
	session_event(c->a->session, "flash: %s", res->after);
	return 0;
}

/* Records the outcome in the session: events and manifest. */
static void record_result(struct flash_ctx *c, const char *result)
{
	session_event(c->a->session, "flash %s of module %s: %s", c->proc->id,
		      c->a->modules[c->module].id, result);
	session_set_info(c->a->session, "flash.procedure", c->proc->id);
	if (c->sha[0])
		session_set_info(c->a->session, "flash.image_sha256", c->sha);
	session_set_info(c->a->session, "flash.result", result);
	if (c->res->module_sw[0])
		session_set_info(c->a->session, "flash.software", c->res->module_sw);
	session_write_manifest(c->a->session, false, NULL);
}

/* True (and set up) when a resumed flash must start again from the erase:
 * the module's check routine refused the image after the download took up
 * the blocks confirmed before the interruption, so some of them are not in
 * its memory (a module that lost them with its power, or a simulator that
 * died with the console before it saved them), or the module refused the
 * resumed download itself (it holds no erased memory: it runs its
 * software). Asked once a run. */
static bool redo_from_erase(struct flash_ctx *c, const struct error *e)
{
	size_t erase = find_step(c, "erase");
	bool check_refused = e->kind == ERR_VERIFY && strncmp(c->steps[c->step], "routine", 7) == 0;
	bool blocks_refused = e->kind == ERR_NEGATIVE && strcmp(c->steps[c->step], "download") == 0;


	if (!c->dl_resumed || c->erased || erase == c->nsteps || !(check_refused || blocks_refused))
		return false;
	app_say(c->a, APP_WARNING, "%s: the module %s; erasing again and sending the whole image",
		e->text, check_refused ? "lacks blocks it confirmed before the interruption"
				       : "refuses to go on with the interrupted download (it may "
					 "run its software: the erase never reached it, or it was "
					 "written since)");
	session_event(c->a->session, "flash: %s; erasing again and sending the whole image",
		      e->text);
	c->dl_resumed = false;
	c->restart_step = erase;
	c->step = 0;
	return true;
}

/* Runs the procedure's steps (again from the erase when a resumed download
 * proves incomplete). */
static int run_procedure(struct flash_ctx *c, struct error *e)
{
	c->step = 0;
	if (script_flash_run(c->a->scripts, c->fi, &flash_ops, c, e) == 0)
		return 0;
	if (!redo_from_erase(c, e))
		return -(int)e->kind;
	error_clear(e);
	default_session(c); /* ends a refused transfer: the erase is taken again */
	return script_flash_run(c->a->scripts, c->fi, &flash_ops, c, e);
}

/* Runs the steps for real and records the outcome. */
static int run_steps(struct flash_ctx *c, struct app_flash_result *res, struct error *e)
{
	int64_t t0 = clock_us();
	char reason[JOURNAL_REASON_MAX + 1];
	struct error je;

	if (run_procedure(c, e) < 0 || verify_after(c, e) < 0) {
		snprintf(reason, sizeof reason, "%s", e->text);
		journal_finish(&c->j, false, reason, &je);
		res->written = c->j.no_return;
		if (c->j.no_return)
			error_wrap(e, "FLASH NOT FINISHED after the point of no return: module %s needs "
				      "its software; run obdcon --port PORT flash --resume %s",
				   c->a->modules[c->module].id, session_name(c));
		else
			error_wrap(e, "flash stopped before the erase (the module is unchanged)");
		record_result(c, e->text);
		return -(int)e->kind;
	}
	res->written = true;
	res->seconds = (double)(clock_us() - t0) / 1e6;
	res->bytes = c->proc->size;
	res->rate = res->seconds > 0 ? c->proc->size / res->seconds : 0;
	journal_finish(&c->j, true, NULL, &je);
	snprintf(res->summary, sizeof res->summary, "flashed %u bytes into module %s in %.1f s%s",
		 c->proc->size, c->a->modules[c->module].id, res->seconds,
		 res->verified ? "; the module runs the image's software" : "");
	record_result(c, res->summary);
	return 0;
}

/* --- The operations --- */

/* Frees what a flash context holds. */
static void flash_free(struct flash_ctx *c)
{
	free(c->data);
	free(c);
}

/* Copies what the result shows of a flash and frees its context. */
static void flash_done(struct flash_ctx *c, struct buf *checklist)
{
	struct app_flash_result *res = c->res;

	if (!res->written)
		session_rename_operation(c->a->session, "flash", "flash (nothing written)");
	snprintf(res->corrections, sizeof res->corrections, "%s", c->corrections);
	snprintf(res->checklist, sizeof res->checklist, "%s", buf_str(checklist));
	snprintf(res->image_sw, sizeof res->image_sw, "%s", c->image_sw);
	buf_free(checklist);
	flash_free(c);
}

/* Sets up a flash of procedure id: procedure, module, target. */
static int flash_setup(struct app *a, const char *id, struct flash_ctx **out, struct error *e)
{
	struct flash_ctx *c;
	size_t fi = 0;
	int mi;

	*out = NULL;
	if (a->uds == NULL || a->session == NULL)
		return error_set(e, ERR_ARG, "not connected");
	if (find_procedure(a, id, &fi, e) < 0)
		return -(int)e->kind;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	c->a = a;
	c->fi = fi;
	c->proc = script_flash(a->scripts, fi);
	mi = app_find_module(a, c->proc->module);
	if (mi < 0) {
		error_set(e, ERR_SCRIPT, "procedure %s names module %s, which the brand script does "
			  "not declare", id, c->proc->module);
		flash_free(c);
		return -ERR_SCRIPT;
	}
	c->module = (size_t)mi;
	c->t = app_module_target(&a->modules[mi]);
	*out = c;
	return 0;
}

/* Everything before the first step: checks, corrections, backup, confirmation. */
static int flash_prepare(struct flash_ctx *c, const char *image_path, struct buf *checklist,
			 struct error *e)
{
	list_module(c, checklist);
	if (check_module(c, e) < 0 || load_image(c, image_path, e) < 0 ||
	    check_ident(c, checklist, e) < 0)
		return -(int)e->kind;
	if (c->proc->has_prepare &&
	    script_flash_prepare(c->a->scripts, c->fi, &image_ops, c, e) < 0)
		return error_wrap(e, "preparing the image (nothing was written)");
	sha256_hex(c->data, c->proc->size, c->sha);
	if (c->corrections[0])
		app_say(c->a, APP_INFO, "checksums corrected: %s", c->corrections);
	default_session(c);
	if (preconditions(c, checklist, e) < 0 || dry_run(c, e) < 0)
		return -(int)e->kind;
	if (!c->resume && backup_readout(c, checklist, e) < 0)
		return -(int)e->kind;
	return confirm_flash(c, checklist, e);
}

/* Flashes an image into a module with a procedure of its brand script. */
int app_flash(struct app *a, const char *procedure, const char *image_path,
	      struct app_flash_result *res, struct error *e)
{
	struct buf checklist = { 0 };
	struct flash_ctx *c;
	int rc;

	memset(res, 0, sizeof *res);
	if (flash_setup(a, procedure, &c, e) < 0)
		return -(int)e->kind;
	c->res = res;
	session_set_operation(a->session, "flash");
	session_event(a->session, "flash %s with %s", procedure, image_path);
	session_write_manifest(a->session, false, NULL); /* killed from here on: "flash" */
	rc = flash_prepare(c, image_path, &checklist, e);
	if (rc == 0)
		rc = begin_record(c, e);
	if (rc == 0)
		rc = start_journal(c, image_path, e);
	if (rc == 0) {
		c->restart_step = c->nsteps;
		rc = run_steps(c, res, e);
	} else {
		record_result(c, e->text);
	}
	flash_done(c, &checklist);
	return rc < 0 ? -(int)e->kind : 0;
}

/* Loads the journal of an interrupted flash from a session (directory or
 * archive) of this vehicle. */
static int load_old_journal(struct app *a, const char *session, struct journal *j,
			    struct error *e)
{
	struct session_view *v = NULL;
	char path[PATH_MAX];
	int rc;

	if (session_open_existing(a->opt.sessions_dir, session, &v, e) < 0)
		return error_wrap(e, "opening %s", session);
	if (v->manifest.vin == NULL || strcmp(v->manifest.vin, a->vin) != 0) {
		error_set(e, ERR_REFUSED, "the session is of another vehicle (VIN %s; this car is %s)",
			  v->manifest.vin ? v->manifest.vin : "not recorded", a->vin);
		session_view_close(v);
		return -(int)e->kind;
	}
	snprintf(path, sizeof path, "%s/journal", v->dir);
	rc = journal_load(j, path, NULL, e);
	session_view_close(v);
	if (rc < 0)
		return error_wrap(e, "no flash to resume in %s", session);
	if (j->end == JOURNAL_OK)
		return error_set(e, ERR_REFUSED, "the flash of %s in %s ended well: nothing to resume",
				 j->module, session);
	return 0;
}

/* Carries an old journal's progress into the new session's journal. */
static int adopt_journal(struct flash_ctx *c, const struct journal *old, struct error *e)
{
	size_t i;

	if (c->nsteps != old->nsteps)
		return error_set(e, ERR_REFUSED, "procedure %s now has %zu steps, the journal %zu",
				 old->procedure, c->nsteps, old->nsteps);
	for (i = 0; i < c->nsteps; i++)
		if (strcmp(c->steps[i], old->steps[i].name) != 0)
			return error_set(e, ERR_REFUSED, "procedure %s changed since the journal was "
					 "written (step %zu)", old->procedure, i + 1);
	c->j = *old;
	snprintf(c->j.path, sizeof c->j.path, "%s/journal", session_path(c->a->session));
	c->restart_step = find_step(c, block_restart(c->proc, old) ? "download" : "erase");
	return journal_step(&c->j, c->steps[0], c->j.steps[0].state, e);
}

/* Resumes an interrupted flash from its session's journal. */
int app_flash_resume(struct app *a, const char *session, struct app_flash_result *res,
		     struct error *e)
{
	static struct journal old;
	struct buf checklist = { 0 };
	struct flash_ctx *c;
	int rc;

	memset(res, 0, sizeof *res);
	if (load_old_journal(a, session, &old, e) < 0 || flash_setup(a, old.procedure, &c, e) < 0)
		return -(int)e->kind;
	c->res = res;
	c->resume = true;
	c->old = &old;
	session_set_operation(a->session, "flash");
	session_event(a->session, "flash --resume of %s from %s (%llu of %llu blocks confirmed)",
		      old.procedure, session, (unsigned long long)old.dl.confirmed,
		      (unsigned long long)old.dl.blocks);
	session_write_manifest(a->session, false, NULL);
	rc = flash_prepare(c, old.image_path, &checklist, e);
	if (rc == 0 && strcmp(c->sha, old.image_sha256) != 0)
		rc = error_set(e, ERR_REFUSED, "%s is not the image of the interrupted flash "
			       "(SHA-256 differs)", old.image_path);
	if (rc == 0)
		rc = begin_record(c, e);
	if (rc == 0)
		rc = adopt_journal(c, &old, e);
	if (rc == 0)
		rc = run_steps(c, res, e);
	else
		record_result(c, e->text);
	flash_done(c, &checklist);
	return rc < 0 ? -(int)e->kind : 0;
}

/* Reads a module's software out into a file with a procedure's read-out. */
int app_readout(struct app *a, const char *procedure, const char *out, struct error *e)
{
	struct flash_ctx *c;
	int rc;

	session_set_operation(a->session, "readout");
	if (flash_setup(a, procedure, &c, e) < 0)
		return -(int)e->kind;
	if (!c->proc->readout)
		rc = error_set(e, ERR_UNSUPPORTED, "module %s does not allow its software to be read "
			       "out (procedure %s)", c->proc->module, procedure);
	else if (!fs_replaceable(out)) /* a link, a device: never replaced */
		rc = error_set(e, ERR_ARG, "%s is not a regular file: give a new or a regular file "
			       "to read the software into", out);
	else if (a->modules[c->module].boot)
		rc = error_set(e, ERR_UNSUPPORTED, "module %s is in its boot loader: it has no "
			       "software to read out", c->proc->module);
	else
		rc = check_module(c, e) < 0 ? -(int)e->kind : readout_to(c, out, e);
	if (rc == 0)
		session_event(a->session, "read-out of %s (%u bytes) into %s", c->proc->module,
			      c->proc->size, out);
	flash_free(c);
	return rc;
}

/* The flash procedures for the connected vehicle. */
size_t app_flash_list(const struct app *a, struct app_flash_proc *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; a->brand >= 0 && i < script_flash_count(a->scripts) && n < max; i++) {
		const struct script_flash *f = script_flash(a->scripts, i);
		if (f->brand != (size_t)a->brand)
			continue;
		out[n].id = f->id;
		out[n].name = f->name;
		out[n].module = f->module;
		out[n].size = f->size;
		out[n].readout = f->readout;
		n++;
	}
	return n;
}
