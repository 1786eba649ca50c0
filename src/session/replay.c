/* replay.c: a session's transcript read back into command lines and the
 * answers that followed them, and a matcher that answers a console with
 * them (the "replay:" port). */
#include "config.h"
#include "session/replay.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/archive.h"
#include "session/manifest.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/sha256.h"

#define REPLAY_FILE "transcript.log"
#define REPLAY_FILE_MAX ((size_t)256 << 20)
#define REPLAY_STAMP_MAX 40
#define REPLAY_CMD_MAX 4096

/* Why a line could not be read when memory ran out (told apart by address). */
static const char replay_nomem[] = "out of memory";

/* One recorded command line (normalised) and what the adapter answered. */
struct replay_step {
	char *cmd;
	struct buf reply;
};

struct session_replay {
	struct replay_step *steps;
	size_t n;
	size_t next;          /* where the search for the next command starts */
	struct buf line;      /* console bytes of the current command line */
	bool line_too_long;
	size_t unknown;
	session_replay_note_fn note;
	void *note_arg;
};

/* Reading state: the TX line being gathered before its CR. */
struct replay_reader {
	struct session_replay *r;
	struct buf tx;
	size_t lineno;
};

/* Normalises a command line as the adapter reads it: no spaces, upper case. */
static char *replay_norm(const uint8_t *p, size_t n)
{
	char *out = malloc(n + 1);
	size_t i, k = 0;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == ' ' || c == '\n')
			continue;
		out[k++] = (char)((c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c);
	}
	out[k] = 0;
	return out;
}

/* Starts a new step for a finished command line. */
static int replay_add_step(struct session_replay *r, const struct buf *line)
{
	struct replay_step *v = realloc(r->steps, (r->n + 1) * sizeof *v);

	if (v == NULL)
		return -1;
	r->steps = v;
	memset(&v[r->n], 0, sizeof *v);
	v[r->n].cmd = replay_norm(line->data ? line->data : (const uint8_t *)"", line->len);
	if (v[r->n].cmd == NULL)
		return -1;
	r->n++;
	return 0;
}

/* Takes bytes the console sent in the recording. */
static int replay_tx(struct replay_reader *rd, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\r') {
			if (buf_putc(&rd->tx, p[i]) < 0)
				return -1;
			continue;
		}
		if (replay_add_step(rd->r, &rd->tx) < 0)
			return -1;
		buf_reset(&rd->tx);
	}
	return 0;
}

/* Takes bytes the adapter answered in the recording: they belong to the
 * last command line (bytes before the first one are dropped). */
static int replay_rx(struct replay_reader *rd, const uint8_t *p, size_t n)
{
	struct session_replay *r = rd->r;

	if (r->n == 0)
		return 0;
	return buf_append(&r->steps[r->n - 1].reply, p, n);
}

/* Decodes one escaped payload into out; NULL or why it is malformed. In
 * a cut line an escape the cut left unfinished ends the payload. */
static const char *replay_unescape(const char *p, const char *end, bool cut, struct buf *out)
{
	static const char from[] = "\\rnt", to[] = "\\\r\n\t";

	while (p < end) {
		const char *hit;
		int hi, lo;

		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7E)
			return "unexpected byte";
		if (*p != '\\') {
			if (buf_putc(out, (uint8_t)*p++) < 0)
				return replay_nomem;
			continue;
		}
		if (p + 1 >= end)
			return cut ? NULL : "escape at the end of the line";
		if (p[1] == 'x') {
			if (end - p < 4)
				return cut ? NULL : "truncated \\x escape";
			hi = hex_digit(p[2]);
			lo = hex_digit(p[3]);
			if (hi < 0 || lo < 0)
				return "bad \\x escape";
			if (buf_putc(out, (uint8_t)(hi * 16 + lo)) < 0)
				return replay_nomem;
			p += 4;
			continue;
		}
		hit = p[1] ? strchr(from, p[1]) : NULL;
		if (hit == NULL)
			return "unknown escape";
		if (buf_putc(out, (uint8_t)to[hit - from]) < 0)
			return replay_nomem;
		p += 2;
	}
	return NULL;
}

/* Parses one line "<time> TX|RX <escaped>" (without its newline); a cut
 * line (the last, without a newline) that ends before its payload is
 * dropped. */
static const char *replay_line(struct replay_reader *rd, const char *p, const char *end,
			       bool cut)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	struct buf bytes = { 0 };
	const char *why;
	bool tx;
	int rc;

	if (cut && (sp == NULL || end - (sp + 1) < 3))
		return NULL;
	if (sp == NULL || sp == p || sp - p > REPLAY_STAMP_MAX)
		return "no timestamp";
	p = sp + 1;
	if (end - p < 3 || p[2] != ' ' || (memcmp(p, "TX", 2) != 0 && memcmp(p, "RX", 2) != 0))
		return "TX or RX expected after the timestamp";
	tx = p[0] == 'T';
	why = replay_unescape(p + 3, end, cut, &bytes);
	if (why == NULL) {
		rc = tx ? replay_tx(rd, bytes.data, bytes.len) : replay_rx(rd, bytes.data, bytes.len);
		if (rc < 0)
			why = replay_nomem;
	}
	buf_free(&bytes);
	return why;
}

/* Parses every line of a transcript. */
static int replay_lines(struct replay_reader *rd, const char *text, size_t len, struct error *e)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *why;

		rd->lineno++;
		if ((size_t)(stop - p) > SESSION_REPLAY_LINE_MAX)
			why = "line too long";
		else
			why = replay_line(rd, p, stop, nl == NULL);
		if (why != NULL)
			return error_set(e, why == replay_nomem ? ERR_NOMEM : ERR_FORMAT,
					 "%s:%zu: %s", REPLAY_FILE, rd->lineno, why);
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Reads transcript text. */
int session_replay_parse(const char *text, size_t len, struct session_replay **out,
			 struct error *e)
{
	struct replay_reader rd = { 0 };
	int rc;

	*out = NULL;
	rd.r = calloc(1, sizeof *rd.r);
	if (rd.r == NULL)
		return error_set(e, ERR_NOMEM, "replay: out of memory");
	rd.r->line.limit = REPLAY_CMD_MAX;
	rd.tx.limit = REPLAY_CMD_MAX;
	rc = replay_lines(&rd, text, len, e);
	buf_free(&rd.tx);
	if (rc < 0) {
		session_replay_close(rd.r);
		return rc;
	}
	*out = rd.r;
	return 0;
}

/* Reads transcript.log of a session directory. */
static int replay_read_dir(const char *dir, struct buf *text, struct error *e)
{
	char path[PATH_MAX];

	if (fs_join(path, sizeof path, dir, REPLAY_FILE) < 0)
		return error_set(e, ERR_ARG, "path too long: %s", dir);
	return fs_read_file(path, text, REPLAY_FILE_MAX, e);
}

/* Reads transcript.log out of an archive and checks it against the manifest. */
static int replay_read_archive(const char *path, struct buf *text, struct error *e)
{
	struct session_manifest m;
	const struct session_file *f;
	struct buf mtext = { 0 };
	char top[NAME_MAX + 1], hex[65];
	int rc;

	text->limit = REPLAY_FILE_MAX;
	rc = session_archive_read(path, REPLAY_FILE, &mtext, text, top, sizeof top, e);
	if (rc == 0)
		rc = session_manifest_parse((const char *)mtext.data, mtext.len, &m, e);
	buf_free(&mtext);
	if (rc < 0)
		return rc;
	f = session_manifest_file(&m, REPLAY_FILE);
	sha256_hex(text->data, text->len, hex);
	if (f == NULL)
		rc = error_set(e, ERR_FORMAT, "%s: not listed in the manifest", REPLAY_FILE);
	else if (f->size != text->len || strcmp(f->sha256, hex) != 0)
		rc = error_set(e, ERR_VERIFY, "%s: SHA-256 does not match the manifest", REPLAY_FILE);
	session_manifest_free(&m);
	return rc;
}

/* Reads the transcript of a directory or an archive. */
int session_replay_open(const char *dir_or_archive, struct session_replay **out,
			struct error *e)
{
	struct buf text = { 0 };
	int rc;

	*out = NULL;
	if (fs_is_dir(dir_or_archive))
		rc = replay_read_dir(dir_or_archive, &text, e);
	else
		rc = replay_read_archive(dir_or_archive, &text, e);
	if (rc == 0)
		rc = session_replay_parse((const char *)text.data, text.len, out, e);
	buf_free(&text);
	return rc < 0 ? error_wrap(e, "replay of %s", dir_or_archive) : 0;
}

/* Sets who hears about commands that were never recorded. */
void session_replay_set_note(struct session_replay *r, session_replay_note_fn fn, void *arg)
{
	r->note = fn;
	r->note_arg = arg;
}

/* The recorded step of a command: the next one from r->next, else the
 * first one; -1 if it was never recorded. */
static long replay_find(const struct session_replay *r, const char *cmd)
{
	size_t i;

	for (i = r->next; i < r->n; i++)
		if (strcmp(r->steps[i].cmd, cmd) == 0)
			return (long)i;
	for (i = 0; i < r->next && i < r->n; i++)
		if (strcmp(r->steps[i].cmd, cmd) == 0)
			return (long)i;
	return -1;
}

/* Answers a command that was never recorded, and says so. */
static int replay_unrecorded(struct session_replay *r, const char *cmd, struct buf *rx)
{
	bool at = (cmd[0] == 'A' && cmd[1] == 'T') || (cmd[0] == 'S' && cmd[1] == 'T');
	char note[128];

	r->unknown++;
	if (r->note) {
		snprintf(note, sizeof note, "replay: '%.80s' was not recorded; answered %s", cmd,
			 at ? "?" : "NO DATA");
		r->note(r->note_arg, note);
	}
	return buf_puts(rx, at ? "?\r\r>" : "NO DATA\r\r>");
}

/* Answers one complete command line. */
static int replay_command(struct session_replay *r, struct buf *rx)
{
	char *cmd = replay_norm(r->line.data ? r->line.data : (const uint8_t *)"", r->line.len);
	long i;
	int rc;

	if (cmd == NULL)
		return -1;
	i = r->line_too_long ? -1 : replay_find(r, cmd);
	if (i < 0) {
		rc = replay_unrecorded(r, cmd, rx);
	} else {
		const struct buf *reply = &r->steps[i].reply;

		rc = buf_append(rx, reply->data ? reply->data : (const uint8_t *)"", reply->len);
		r->next = (size_t)i + 1;
	}
	free(cmd);
	buf_reset(&r->line);
	r->line_too_long = false;
	return rc;
}

/* Takes console bytes and appends the recorded answers of complete lines. */
int session_replay_answer(struct session_replay *r, const uint8_t *tx, size_t n,
			  struct buf *rx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (tx[i] == '\r') {
			if (replay_command(r, rx) < 0)
				return -ERR_NOMEM;
		} else if (tx[i] != '\n' && buf_putc(&r->line, tx[i]) < 0) {
			r->line_too_long = true; /* answered as unrecorded at its CR */
		}
	}
	return 0;
}

/* Number of recorded command lines. */
size_t session_replay_commands(const struct session_replay *r)
{
	return r->n;
}

/* Number of lines answered without a recording. */
size_t session_replay_unknown(const struct session_replay *r)
{
	return r->unknown;
}

/* Frees a replay. */
void session_replay_close(struct session_replay *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->steps[i].cmd);
		buf_free(&r->steps[i].reply);
	}
	free(r->steps);
	buf_free(&r->line);
	free(r);
}
