/* journal.c: the flash journal: writing it atomically before each step,
 * loading it back with strict validation, and the resume point. The file
 * format is described in journal.h. */
#include "config.h"
#include "app/journal.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/image.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hex.h"

#define JOURNAL_MAGIC "obdcon-journal 1"
#define JOURNAL_FILE_MAX ((size_t)256 << 10)
#define JOURNAL_LINE_MAX (JOURNAL_PATH_MAX + 64)

/* A journal file being read, line by line. */
struct jparse {
	const char *name;
	const char *text;
	size_t len;
	size_t pos;
	size_t line;
	char cur[JOURNAL_LINE_MAX];
	struct error *e;
};

static const char *const state_names[] = { "pending", "started", "done" };

/* Name of a step state. */
const char *journal_state_name(enum journal_state s)
{
	return (unsigned)s < 3 ? state_names[s] : "?";
}

/* Renders the journal as text, checksum line included; -1 out of memory. */
static int render(const struct journal *j, struct buf *b)
{
	const struct journal_download *d = &j->dl;
	static const char *const ends[] = { "running", "ok", "failed" };
	int rc = 0;
	size_t i;

	rc |= buf_printf(b, "%s\nsession %s\nmodule %s 0x%03" PRIX32 " 0x%03" PRIX32 "\n",
			 JOURNAL_MAGIC, j->session, j->module, j->tx, j->rx);
	rc |= buf_printf(b, "procedure %s\nimage %s\nimage-sha256 %s\nimage-size %" PRIu64 "\n",
			 j->procedure, j->image_path, j->image_sha256, j->image_size);
	for (i = 0; i < j->nsteps; i++)
		rc |= buf_printf(b, "step %s %s\n", j->steps[i].name,
				 journal_state_name(j->steps[i].state));
	rc |= buf_printf(b, "point-of-no-return %s\n", j->no_return ? "yes" : "no");
	if (d->active)
		rc |= buf_printf(b, "download 0x%08" PRIX32 " %" PRIu64 "\nblock-size %" PRIu32
				 "\nrestart-every %" PRIu32 "\nblocks-confirmed %" PRIu64 " of %"
				 PRIu64 "\nbytes-confirmed %" PRIu64 "\n", d->start, d->length,
				 d->block_size, d->restart_every, d->confirmed, d->blocks,
				 d->confirmed * d->block_size < d->length ?
				 d->confirmed * d->block_size : d->length);
	rc |= buf_printf(b, "end %s%s%s\n", ends[j->end], j->end == JOURNAL_FAILED ? " " : "",
			 j->end == JOURNAL_FAILED ? j->reason : "");
	if (rc == 0)
		rc = buf_printf(b, "checksum %08" PRIX32 "\n", image_crc32(b->data, b->len));
	return rc;
}

/* Writes the journal to its file atomically. */
static int save(const struct journal *j, struct error *e)
{
	struct buf b = { 0 };
	int rc;

	if (render(j, &b) < 0)
		rc = error_set(e, ERR_NOMEM, "%s: out of memory", j->path);
	else
		rc = fs_write_atomic(j->path, b.data, b.len, 0600, e);
	buf_free(&b);
	return rc;
}

/* Saves j; if that fails, puts back the state before the change. */
static int commit(struct journal *j, const struct journal *before, struct error *e)
{
	int rc = save(j, e);

	if (rc < 0) {
		memcpy(j, before, sizeof *j);
		return error_wrap(e, "recording the flash journal");
	}
	return 0;
}

/* True for a name: 1 to JOURNAL_NAME_MAX printable characters, no spaces. */
static bool valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7F)
			return false;
	return n >= 1 && n <= JOURNAL_NAME_MAX;
}

/* True for 64 lower-case hex digits. */
static bool valid_sha(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (hex_digit((unsigned char)s[n]) < 0 || (s[n] >= 'A' && s[n] <= 'F'))
			return false;
	return n == 64;
}

/* True for text without control characters that fits in cap bytes. */
static bool valid_text(const char *s, size_t cap)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || s[n] == 0x7F)
			return false;
	return n >= 1 && n < cap;
}

/* Index of the step with that name, or -1. */
static int find_step(const struct journal *j, const char *name)
{
	size_t i;

	for (i = 0; i < j->nsteps; i++)
		if (strcmp(j->steps[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Checks what a new journal is to record. */
static int check_info(const struct journal_info *in, struct error *e)
{
	size_t i, k;

	if (!in->session || !valid_name(in->session) || !in->module || !valid_name(in->module) ||
	    !in->procedure || !valid_name(in->procedure))
		return error_set(e, ERR_ARG, "journal: session, module and procedure must be "
				 "names of 1 to %d characters without spaces", JOURNAL_NAME_MAX);
	if (!in->image_path || !valid_text(in->image_path, JOURNAL_PATH_MAX))
		return error_set(e, ERR_ARG, "journal: bad image path");
	if (!in->image_sha256 || !valid_sha(in->image_sha256))
		return error_set(e, ERR_ARG, "journal: image SHA-256 must be 64 lower-case hex digits");
	if (in->tx > 0x1FFFFFFF || in->rx > 0x1FFFFFFF)
		return error_set(e, ERR_ARG, "journal: CAN ids are 29 bits at most");
	if (in->nsteps > JOURNAL_MAX_STEPS)
		return error_set(e, ERR_ARG, "journal: more than %d steps", JOURNAL_MAX_STEPS);
	for (i = 0; i < in->nsteps; i++) {
		if (!in->steps[i] || !valid_name(in->steps[i]))
			return error_set(e, ERR_ARG, "journal: bad step name");
		for (k = 0; k < i; k++)
			if (strcmp(in->steps[k], in->steps[i]) == 0)
				return error_set(e, ERR_ARG, "journal: step '%s' listed twice",
						 in->steps[i]);
	}
	return 0;
}

/* Starts a journal with every step pending. */
int journal_create(struct journal *j, const char *path, const struct journal_info *in,
		   struct error *e)
{
	size_t i;

	memset(j, 0, sizeof *j);
	if (check_info(in, e) < 0)
		return -ERR_ARG;
	if (strlen(path) >= sizeof j->path)
		return error_set(e, ERR_ARG, "journal path too long: %s", path);
	if (fs_is_file(path))
		return error_set(e, ERR_REFUSED, "%s exists: an earlier flash was not closed; "
				 "resume it or put the journal away first", path);
	snprintf(j->path, sizeof j->path, "%s", path);
	snprintf(j->session, sizeof j->session, "%s", in->session);
	snprintf(j->module, sizeof j->module, "%s", in->module);
	snprintf(j->procedure, sizeof j->procedure, "%s", in->procedure);
	snprintf(j->image_path, sizeof j->image_path, "%s", in->image_path);
	snprintf(j->image_sha256, sizeof j->image_sha256, "%s", in->image_sha256);
	j->tx = in->tx;
	j->rx = in->rx;
	j->image_size = in->image_size;
	for (i = 0; i < in->nsteps; i++)
		snprintf(j->steps[i].name, sizeof j->steps[i].name, "%s", in->steps[i]);
	j->nsteps = in->nsteps;
	return save(j, e);
}

/* Refuses a change to a journal that ended ok; reopens a failed one. */
static int reopen(struct journal *j, struct error *e)
{
	if (j->end == JOURNAL_OK)
		return error_set(e, ERR_REFUSED, "%s: the flash ended ok; its journal is closed",
				 j->path);
	j->end = JOURNAL_RUNNING;
	j->reason[0] = 0;
	return 0;
}

/* Sets a step's state and saves. */
int journal_step(struct journal *j, const char *name, enum journal_state state,
		 struct error *e)
{
	struct journal before;
	int i = find_step(j, name);

	if (i < 0)
		return error_set(e, ERR_NOT_FOUND, "%s: no step '%s'", j->path, name);
	if ((unsigned)state > JOURNAL_DONE)
		return error_set(e, ERR_ARG, "%s: bad step state %d", j->path, (int)state);
	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	j->steps[i].state = state;
	return commit(j, &before, e);
}

/* Records that the point of no return was passed. */
int journal_no_return(struct journal *j, struct error *e)
{
	struct journal before;

	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	j->no_return = true;
	return commit(j, &before, e);
}

/* Records the download about to start. */
int journal_download_begin(struct journal *j, uint32_t start, uint64_t length,
			   uint32_t block_size, uint32_t restart_every, struct error *e)
{
	struct journal_download *d = &j->dl;
	struct journal before;

	if (length == 0 || block_size == 0 || restart_every == 0 ||
	    length > IMAGE_ADDR_END - start)
		return error_set(e, ERR_ARG, "%s: bad download: %" PRIu64 " bytes at 0x%08" PRIX32
				 ", blocks of %" PRIu32 ", restart every %" PRIu32, j->path,
				 length, start, block_size, restart_every);
	if (d->active && d->start == start && d->length == length && d->block_size == block_size &&
	    d->restart_every == restart_every)
		return 0;
	if (d->active)
		return error_set(e, ERR_REFUSED, "%s: a different download is already recorded",
				 j->path);
	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	*d = (struct journal_download){ true, start, length, block_size, restart_every,
					(length + block_size - 1) / block_size, 0 };
	return commit(j, &before, e);
}

/* Records that the module confirmed the next block. */
int journal_block_confirmed(struct journal *j, uint64_t block, struct error *e)
{
	struct journal before;

	if (!j->dl.active)
		return error_set(e, ERR_ARG, "%s: no download recorded", j->path);
	if (block != j->dl.confirmed || block >= j->dl.blocks)
		return error_set(e, ERR_ARG, "%s: block %" PRIu64 " confirmed, expected block %"
				 PRIu64 " of %" PRIu64, j->path, block, j->dl.confirmed,
				 j->dl.blocks);
	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	j->dl.confirmed++;
	return commit(j, &before, e);
}

/* The block to resume at. */
uint64_t journal_resume_block(const struct journal *j)
{
	const struct journal_download *d = &j->dl;

	if (!d->active)
		return 0;
	if (d->confirmed == d->blocks)
		return d->blocks;
	return d->confirmed / d->restart_every * d->restart_every;
}

/* Address of a block of the download. */
uint64_t journal_block_addr(const struct journal *j, uint64_t block)
{
	return j->dl.start + block * j->dl.block_size;
}

/* Forgets confirmations from a restart point on. */
int journal_rewind(struct journal *j, uint64_t block, struct error *e)
{
	struct journal before;

	if (!j->dl.active)
		return error_set(e, ERR_ARG, "%s: no download recorded", j->path);
	if (block > j->dl.confirmed || block % j->dl.restart_every != 0)
		return error_set(e, ERR_ARG, "%s: cannot restart at block %" PRIu64 " (%" PRIu64
				 " confirmed, restart every %" PRIu32 ")", j->path, block,
				 j->dl.confirmed, j->dl.restart_every);
	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	j->dl.confirmed = block;
	return commit(j, &before, e);
}

/* Records the end of the flash. */
int journal_finish(struct journal *j, bool ok, const char *reason, struct error *e)
{
	struct journal before;
	size_t i;

	memcpy(&before, j, sizeof before);
	if (reopen(j, e) < 0)
		return -ERR_REFUSED;
	j->end = ok ? JOURNAL_OK : JOURNAL_FAILED;
	if (!ok) {
		snprintf(j->reason, sizeof j->reason, "%s", reason && *reason ? reason : "unknown");
		for (i = 0; j->reason[i]; i++)
			if ((unsigned char)j->reason[i] < 0x20 || j->reason[i] == 0x7F)
				j->reason[i] = ' ';
	}
	return commit(j, &before, e);
}

/* Records a format error at the current line. */
static int jerr(struct jparse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a format error at the current line. */
static int jerr(struct jparse *ps, const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return error_set(ps->e, ERR_FORMAT, "%s:%zu: %s", ps->name, ps->line, msg);
}

/* Takes the next line into ps->cur; want names what should come there. */
static int jp_next(struct jparse *ps, const char *want)
{
	const char *start = ps->text + ps->pos, *nl;
	size_t n, i;

	ps->line++;
	if (ps->pos >= ps->len)
		return jerr(ps, "file ends where '%s' should be (truncated)", want);
	nl = memchr(start, '\n', ps->len - ps->pos);
	if (nl == NULL)
		return jerr(ps, "last line has no end (truncated)");
	n = (size_t)(nl - start);
	if (n >= sizeof ps->cur)
		return jerr(ps, "line of %zu characters is too long", n);
	for (i = 0; i < n; i++)
		if ((unsigned char)start[i] < 0x20 || start[i] == 0x7F)
			return jerr(ps, "control character 0x%02X in column %zu",
				    (unsigned char)start[i], i + 1);
	memcpy(ps->cur, start, n);
	ps->cur[n] = 0;
	ps->pos += n + 1;
	return 0;
}

/* True if the current line is "key" followed by a space. */
static bool jp_is(const struct jparse *ps, const char *key)
{
	size_t n = strlen(key);

	return strncmp(ps->cur, key, n) == 0 && ps->cur[n] == ' ';
}

/* The value after "key " on the current line, or NULL (error set). */
static char *jp_value(struct jparse *ps, const char *key)
{
	char found[24];

	if (jp_is(ps, key) && ps->cur[strlen(key) + 1] != 0)
		return ps->cur + strlen(key) + 1;
	if (strcmp(ps->cur, key) == 0 || jp_is(ps, key)) {
		jerr(ps, "'%s' without a value", key);
		return NULL;
	}
	snprintf(found, sizeof found, "%.*s", (int)strcspn(ps->cur, " "), ps->cur);
	jerr(ps, "expected '%s', found '%s'", key, found);
	return NULL;
}

/* Reads the next line as "key value". */
static char *jp_line(struct jparse *ps, const char *key)
{
	return jp_next(ps, key) < 0 ? NULL : jp_value(ps, key);
}

/* Splits s in place into exactly n fields separated by single spaces. */
static int jp_fields(struct jparse *ps, char *s, char **f, size_t n, const char *what)
{
	size_t k;

	for (k = 0; k < n; k++) {
		f[k] = s;
		s += strcspn(s, " ");
		if (s == f[k] || (k + 1 < n && *s != ' ') || (k + 1 == n && *s != 0))
			return jerr(ps, "expected %s", what);
		if (*s)
			*s++ = 0;
	}
	return 0;
}

/* Parses a number up to max. */
static int jp_number(struct jparse *ps, const char *s, unsigned long max, uint64_t *out,
		     const char *what)
{
	unsigned long v;

	if (parse_uint(s, max, &v) < 0)
		return jerr(ps, "bad %s '%s'", what, s);
	*out = v;
	return 0;
}

/* Copies a name field, checking it. */
static int jp_name(struct jparse *ps, const char *s, char *out, size_t cap, const char *what)
{
	if (!valid_name(s))
		return jerr(ps, "bad %s '%s'", what, s);
	snprintf(out, cap, "%s", s);
	return 0;
}

/* Reads the header lines: magic, session, module, procedure, image. */
static int jp_header(struct jparse *ps, struct journal *j)
{
	char *v, *f[3] = { 0 };
	uint64_t tx = 0, rx = 0, size = 0;

	if (jp_next(ps, JOURNAL_MAGIC) < 0)
		return -ERR_FORMAT;
	if (strcmp(ps->cur, JOURNAL_MAGIC) != 0)
		return jerr(ps, "not an obdcon journal (expected '%s')", JOURNAL_MAGIC);
	if (!(v = jp_line(ps, "session")) || jp_name(ps, v, j->session, sizeof j->session,
						     "session") < 0)
		return -ERR_FORMAT;
	if (!(v = jp_line(ps, "module")) || jp_fields(ps, v, f, 3, "module id, tx and rx") < 0 ||
	    jp_name(ps, f[0], j->module, sizeof j->module, "module id") < 0 ||
	    jp_number(ps, f[1], 0x1FFFFFFF, &tx, "CAN id") < 0 ||
	    jp_number(ps, f[2], 0x1FFFFFFF, &rx, "CAN id") < 0)
		return -ERR_FORMAT;
	j->tx = (uint32_t)tx;
	j->rx = (uint32_t)rx;
	if (!(v = jp_line(ps, "procedure")) ||
	    jp_name(ps, v, j->procedure, sizeof j->procedure, "procedure") < 0)
		return -ERR_FORMAT;
	if (!(v = jp_line(ps, "image")))
		return -ERR_FORMAT;
	if (strlen(v) >= sizeof j->image_path)
		return jerr(ps, "image path longer than %d bytes", JOURNAL_PATH_MAX - 1);
	snprintf(j->image_path, sizeof j->image_path, "%s", v);
	if (!(v = jp_line(ps, "image-sha256")))
		return -ERR_FORMAT;
	if (!valid_sha(v))
		return jerr(ps, "bad SHA-256 '%.70s'", v);
	memcpy(j->image_sha256, v, 65);
	if (!(v = jp_line(ps, "image-size")) || jp_number(ps, v, ULONG_MAX, &size, "size") < 0)
		return -ERR_FORMAT;
	j->image_size = size;
	return 0;
}

/* Parses one "step NAME STATE" line. */
static int jp_step(struct jparse *ps, struct journal *j)
{
	char *f[2] = { 0 };
	size_t s;

	if (jp_fields(ps, ps->cur + 5, f, 2, "step name and state") < 0)
		return -ERR_FORMAT;
	if (j->nsteps == JOURNAL_MAX_STEPS)
		return jerr(ps, "more than %d steps", JOURNAL_MAX_STEPS);
	if (jp_name(ps, f[0], j->steps[j->nsteps].name, sizeof j->steps[0].name, "step name") < 0)
		return -ERR_FORMAT;
	if (find_step(j, f[0]) >= 0)
		return jerr(ps, "step '%s' listed twice", f[0]);
	for (s = 0; s < 3 && strcmp(f[1], state_names[s]) != 0; s++)
		;
	if (s == 3)
		return jerr(ps, "bad state '%.32s' (pending, started or done)", f[1]);
	j->steps[j->nsteps++].state = (enum journal_state)s;
	return 0;
}

/* Reads the step lines and the point of no return. */
static int jp_steps(struct jparse *ps, struct journal *j)
{
	char *v;

	if (jp_next(ps, "point-of-no-return") < 0)
		return -ERR_FORMAT;
	while (jp_is(ps, "step")) {
		if (jp_step(ps, j) < 0 || jp_next(ps, "point-of-no-return") < 0)
			return -ERR_FORMAT;
	}
	if (!(v = jp_value(ps, "point-of-no-return")))
		return -ERR_FORMAT;
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
		return jerr(ps, "point-of-no-return is '%.32s', not yes or no", v);
	j->no_return = v[0] == 'y';
	return 0;
}

/* Reads "download START LENGTH" (the current line) and the block size. */
static int jp_download_range(struct jparse *ps, struct journal_download *d)
{
	char *v, *f[2] = { 0 };
	uint64_t start = 0, n = 0;

	if (jp_fields(ps, ps->cur + 9, f, 2, "download start address and length") < 0 ||
	    jp_number(ps, f[0], 0xFFFFFFFF, &start, "start address") < 0 ||
	    jp_number(ps, f[1], ULONG_MAX, &d->length, "length") < 0)
		return -ERR_FORMAT;
	if (d->length == 0 || d->length > IMAGE_ADDR_END - start)
		return jerr(ps, "download of %" PRIu64 " bytes at 0x%08" PRIX64
			    " is empty or runs past 4 GiB", d->length, start);
	d->start = (uint32_t)start;
	if (!(v = jp_line(ps, "block-size")) || jp_number(ps, v, 0xFFFFFFFF, &n, "block size") < 0)
		return -ERR_FORMAT;
	if (n == 0)
		return jerr(ps, "block size 0");
	d->block_size = (uint32_t)n;
	if (!(v = jp_line(ps, "restart-every")) ||
	    jp_number(ps, v, 0xFFFFFFFF, &n, "restart interval") < 0)
		return -ERR_FORMAT;
	if (n == 0)
		return jerr(ps, "restart interval 0");
	d->restart_every = (uint32_t)n;
	return 0;
}

/* Reads the download progress lines and checks them against each other. */
static int jp_download(struct jparse *ps, struct journal_download *d)
{
	char *v, *f[3] = { 0 };
	uint64_t bytes = 0, want;

	if (jp_download_range(ps, d) < 0)
		return -ERR_FORMAT;
	if (!(v = jp_line(ps, "blocks-confirmed")) ||
	    jp_fields(ps, v, f, 3, "'N of M' blocks") < 0)
		return -ERR_FORMAT;
	if (strcmp(f[1], "of") != 0)
		return jerr(ps, "expected 'N of M' blocks");
	if (jp_number(ps, f[0], ULONG_MAX, &d->confirmed, "block count") < 0 ||
	    jp_number(ps, f[2], ULONG_MAX, &d->blocks, "block count") < 0)
		return -ERR_FORMAT;
	want = (d->length + d->block_size - 1) / d->block_size;
	if (d->blocks != want)
		return jerr(ps, "%" PRIu64 " blocks, but %" PRIu64 " bytes make %" PRIu64,
			    d->blocks, d->length, want);
	if (d->confirmed > d->blocks)
		return jerr(ps, "%" PRIu64 " of %" PRIu64 " blocks confirmed", d->confirmed, d->blocks);
	if (!(v = jp_line(ps, "bytes-confirmed")) ||
	    jp_number(ps, v, ULONG_MAX, &bytes, "byte count") < 0)
		return -ERR_FORMAT;
	want = d->confirmed * d->block_size < d->length ? d->confirmed * d->block_size : d->length;
	if (bytes != want)
		return jerr(ps, "%" PRIu64 " bytes confirmed, but %" PRIu64 " blocks make %" PRIu64,
			    bytes, d->confirmed, want);
	d->active = true;
	return 0;
}

/* Reads the optional download lines and the end line. */
static int jp_tail(struct jparse *ps, struct journal *j)
{
	char *v;

	if (jp_next(ps, "end") < 0)
		return -ERR_FORMAT;
	if (jp_is(ps, "download") && (jp_download(ps, &j->dl) < 0 || jp_next(ps, "end") < 0))
		return -ERR_FORMAT;
	if (!(v = jp_value(ps, "end")))
		return -ERR_FORMAT;
	if (strcmp(v, "running") == 0)
		j->end = JOURNAL_RUNNING;
	else if (strcmp(v, "ok") == 0)
		j->end = JOURNAL_OK;
	else if (strncmp(v, "failed ", 7) == 0 && v[7])
		j->end = JOURNAL_FAILED;
	else
		return jerr(ps, "end is '%.32s', not running, ok or failed REASON", v);
	if (j->end == JOURNAL_FAILED && strlen(v + 7) > JOURNAL_REASON_MAX)
		return jerr(ps, "reason longer than %d bytes", JOURNAL_REASON_MAX);
	if (j->end == JOURNAL_FAILED)
		snprintf(j->reason, sizeof j->reason, "%s", v + 7);
	return 0;
}

/* Reads the checksum line and compares it with the text above it. */
static int jp_checksum(struct jparse *ps)
{
	uint32_t want = image_crc32(ps->text, ps->pos), got = 0;
	char *v;
	size_t i;

	if (!(v = jp_line(ps, "checksum")))
		return -ERR_FORMAT;
	for (i = 0; i < 8 && hex_digit((unsigned char)v[i]) >= 0; i++)
		got = got << 4 | (uint32_t)hex_digit((unsigned char)v[i]);
	if (i != 8 || v[8] != 0)
		return jerr(ps, "bad checksum '%.16s'", v);
	if (got != want)
		return jerr(ps, "checksum %08" PRIX32 ", expected %08" PRIX32
			    ": the journal was changed or damaged", got, want);
	if (ps->pos != ps->len) {
		ps->line++;
		return jerr(ps, "text after the checksum line");
	}
	return 0;
}

/* Parses a whole journal text into j. */
static int jp_parse(struct jparse *ps, struct journal *j)
{
	if (jp_header(ps, j) < 0 || jp_steps(ps, j) < 0 || jp_tail(ps, j) < 0)
		return -ERR_FORMAT;
	return jp_checksum(ps);
}

/* True if two SHA-256 hex strings are equal, ignoring case. */
static bool same_sha(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] && b[i]; i++)
		if ((a[i] | 0x20) != (b[i] | 0x20))
			return false;
	return a[i] == b[i];
}

/* Loads and validates a journal. */
int journal_load(struct journal *j, const char *path, const char *image_sha256,
		 struct error *e)
{
	struct buf b = { 0 };
	struct jparse *ps;
	int rc;

	memset(j, 0, sizeof *j);
	if (strlen(path) >= sizeof j->path)
		return error_set(e, ERR_ARG, "journal path too long: %s", path);
	if ((rc = fs_read_file(path, &b, JOURNAL_FILE_MAX, e)) < 0)
		return rc;
	ps = calloc(1, sizeof *ps);
	if (ps == NULL) {
		buf_free(&b);
		return error_set(e, ERR_NOMEM, "%s: out of memory", path);
	}
	*ps = (struct jparse){ .name = path, .text = (const char *)b.data, .len = b.len, .e = e };
	rc = jp_parse(ps, j);
	free(ps);
	buf_free(&b);
	if (rc < 0)
		return rc;
	snprintf(j->path, sizeof j->path, "%s", path);
	if (image_sha256 && !same_sha(image_sha256, j->image_sha256))
		return error_set(e, ERR_REFUSED, "%s: journal of image %s (sha256 %.16s...), "
				 "not of the file offered (sha256 %.16s...)", path, j->image_path,
				 j->image_sha256, image_sha256);
	return 0;
}
