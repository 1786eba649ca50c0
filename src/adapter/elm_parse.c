/* elm_parse.c: the hardened ELM327/STN reply parser. Pure functions: bytes
 * in, typed result out; no I/O, no allocation, no mutable globals.
 *
 * How a reply is read (the decisions elm_parse.h leaves open):
 *
 * - Window. Only the text between the second-to-last '>' (or the start of
 *   the input) and the last '>' is the reply. Text before an earlier '>' is
 *   a stale reply left in the buffer; text after the last '>' belongs to no
 *   command. Without any '>' the whole input is parsed as usual and the
 *   status is then forced to ELM_INCOMPLETE (frames and text are kept for
 *   diagnosis, but the reply must not be trusted).
 * - Junk. NUL and bytes >= 0x80 are skipped wherever they are (also inside a
 *   line); `junk` counts them over the whole input, window or not.
 * - Lines are read one at a time into a bounded buffer, so the input may be
 *   of any length. A line longer than ELM_LINE_MAX - 1 characters is garbage
 *   in a data reply ("line too long") and cut short in a text reply.
 * - Echo. The first non-empty line is dropped when it equals the command
 *   (ignoring case, spaces, CR and LF). No other line is ever an echo.
 * - First status wins. The first status line (or glued status, or garbage
 *   line) sets `status` and `text` and ends interpretation: later lines are
 *   not looked at. Frames before a status are kept; a garbage line empties
 *   the frame list (ELM_GARBAGE always has nframes == 0, msg_len == -1).
 * - Glued status. A data line ending in BUFFER FULL, <DATA ERROR, <RX ERROR
 *   or STOPPED keeps the whole bytes before the status as a frame (a half
 *   byte is dropped; too little left for a frame keeps none) and sets
 *   `truncated`: the last frame is not to be trusted in full.
 * - "BUS INIT: ...OK" is ignored in data replies (elm_status_of_line maps it
 *   to ELM_OK, so a lone one answers ATFI with ELM_OK); any other
 *   "BUS INIT:" line is ELM_BUS_INIT_ERROR.
 * - ERRxx: two digits; read as decimal when both are decimal (ERR94 is 94),
 *   else as hex (ERR9A is 0x9A).
 * - More than ELM_MAX_FRAMES frames: ELM_GARBAGE, text "too many frames".
 * - Data line layout. Spaces are optional but may only fall between fields:
 *   after a byte, or after the 3-digit 11-bit ID ("7 E8 03" is garbage).
 *   11-bit IDs above 7FF and 29-bit IDs above 1FFFFFFF are garbage.
 * - Headerless multi-line replies are checked: the length line ("014", at
 *   least 8, at most one per reply, before any "N:" line) must precede the
 *   "N:" lines, which must count 0,1,..,F,0,... and together carry at least
 *   msg_len bytes with the last line needed (padding allowed). A failed
 *   check is ELM_GARBAGE, so a line lost by a clone's UART is never passed
 *   on as a shorter message.
 */
#include "config.h"
#include "adapter/elm_parse.h"

#include <string.h>

#include "util/hex.h"

/* Longest line kept, including the terminating NUL. */
#define ELM_LINE_MAX 1024

/* A full-line status word and what it means. */
struct elm_word {
	const char *word;
	enum elm_status st;
};

/* Full-line statuses (matched case-insensitively after trimming). */
static const struct elm_word elm_words[] = {
	{ "OK", ELM_OK },
	{ "?", ELM_UNKNOWN_COMMAND },
	{ "NO DATA", ELM_NO_DATA },
	{ "CAN ERROR", ELM_CAN_ERROR },
	{ "BUFFER FULL", ELM_BUFFER_FULL },
	{ "BUS BUSY", ELM_BUS_BUSY },
	{ "BUS ERROR", ELM_BUS_ERROR },
	{ "DATA ERROR", ELM_DATA_ERROR },
	{ "<DATA ERROR", ELM_DATA_ERROR },
	{ "<RX ERROR", ELM_RX_ERROR },
	{ "STOPPED", ELM_STOPPED },
	{ "UNABLE TO CONNECT", ELM_UNABLE_TO_CONNECT },
	{ "LV RESET", ELM_LV_RESET },
	{ "ACT ALERT", ELM_ACT_ALERT },
	{ "LP ALERT", ELM_LP_ALERT },
	{ "FC RX TIMEOUT", ELM_FC_RX_TIMEOUT },
	{ "OUT OF MEMORY", ELM_OUT_OF_MEMORY },
	{ "UART RX OVERFLOW", ELM_UART_OVERFLOW },
};

/* Statuses that may be glued to the end of a data line. */
static const struct elm_word elm_glued[] = {
	{ "BUFFER FULL", ELM_BUFFER_FULL },
	{ "<DATA ERROR", ELM_DATA_ERROR },
	{ "<RX ERROR", ELM_RX_ERROR },
	{ "STOPPED", ELM_STOPPED },
};

/* What one data line turned out to be. */
enum elm_kind {
	ELM_KIND_FRAME,  /* a frame */
	ELM_KIND_LENGTH, /* a headerless multi-line length ("014") */
	ELM_KIND_NONE,   /* nothing left of a line cut by a glued status */
	ELM_KIND_BAD,    /* not a data line */
};

/* The hex digits of one data line. */
struct elm_nibbles {
	uint8_t v[ELM_LINE_MAX];
	size_t n;
};

/* State of one parse. */
struct elm_ctx {
	const char *cmd;
	struct elm_format fmt;
	struct elm_reply *out;
	bool text_mode;
	bool seen_line;          /* a non-empty line was read (echo is only first) */
	bool done;               /* a status or garbage line ended interpretation */
	size_t text_len;         /* text mode: bytes used in out->text */
	size_t nlines;           /* text mode: lines kept */
	enum elm_status first_st; /* text mode: status of the first line */
	int first_code;          /* text mode: its ERR code */
	size_t nindexed;         /* headerless "N:" lines so far */
	size_t indexed_bytes;    /* bytes they carried */
	size_t last_indexed;     /* bytes of the last of them */
};

/* True for a byte the parser drops: NUL or non-ASCII. */
static bool elm_is_junk(uint8_t b)
{
	return b == 0 || b >= 0x80;
}

/* Upper-case of an ASCII letter, other bytes unchanged (no locale). */
static int elm_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* True for the blanks trimmed around a line. */
static bool elm_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* Compares n bytes of a with b ignoring ASCII case. */
static bool elm_eq_ci(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (elm_upper((unsigned char)a[i]) != elm_upper((unsigned char)b[i]))
			return false;
	return true;
}

/* True when s (of length len) starts with word, ignoring case. */
static bool elm_starts_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && elm_eq_ci(s, word, wl);
}

/* True when s (of length len) ends with word, ignoring case. */
static bool elm_ends_ci(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word);

	return len >= wl && elm_eq_ci(s + len - wl, word, wl);
}

/* Start of s without leading blanks; *len gets the length without trailing. */
static const char *elm_span_trim(const char *s, size_t *len)
{
	size_t n;

	while (elm_is_blank((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && elm_is_blank((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* Trims blanks around a writable line in place. */
static char *elm_trim(char *s)
{
	size_t len;
	char *t = (char *)elm_span_trim(s, &len);

	t[len] = '\0';
	return t;
}

/* Copies a line into a reply's text, cut to fit. */
static void elm_copy_text(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n > ELM_TEXT_MAX - 1)
		n = ELM_TEXT_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Status of "ERRxx" (two digits), storing the code; ELM_GARBAGE otherwise. */
static enum elm_status elm_err_status(const char *s, size_t len, int *err_code)
{
	int hi, lo;

	if (len != 5 || !elm_starts_ci(s, len, "ERR"))
		return ELM_GARBAGE;
	hi = hex_digit((unsigned char)s[3]);
	lo = hex_digit((unsigned char)s[4]);
	if (hi < 0 || lo < 0)
		return ELM_GARBAGE;
	if (err_code)
		*err_code = hi < 10 && lo < 10 ? hi * 10 + lo : hi * 16 + lo;
	return ELM_ERR_CODE;
}

/* Maps one line of text to a status, ELM_GARBAGE when it is not one; sets
 * *err_code (if given) only for ELM_ERR_CODE. */
enum elm_status elm_status_of_line(const char *line, int *err_code)
{
	size_t len;
	const char *s;

	if (!line)
		return ELM_GARBAGE;
	s = elm_span_trim(line, &len);
	for (size_t i = 0; i < sizeof elm_words / sizeof elm_words[0]; i++)
		if (strlen(elm_words[i].word) == len && elm_eq_ci(s, elm_words[i].word, len))
			return elm_words[i].st;
	if (elm_starts_ci(s, len, "BUS INIT:"))
		return elm_ends_ci(s, len, "OK") ? ELM_OK : ELM_BUS_INIT_ERROR;
	return elm_err_status(s, len, err_code);
}

/* Human-readable name of a status ("NO DATA", "CAN ERROR"). */
const char *elm_status_name(enum elm_status st)
{
	switch (st) {
	case ELM_OK: return "OK";
	case ELM_DATA: return "data";
	case ELM_TEXT: return "text";
	case ELM_EMPTY: return "empty reply";
	case ELM_NO_DATA: return "NO DATA";
	case ELM_UNKNOWN_COMMAND: return "? (unknown command)";
	case ELM_CAN_ERROR: return "CAN ERROR";
	case ELM_BUFFER_FULL: return "BUFFER FULL";
	case ELM_BUS_BUSY: return "BUS BUSY";
	case ELM_BUS_ERROR: return "BUS ERROR";
	case ELM_BUS_INIT_ERROR: return "BUS INIT: ERROR";
	case ELM_DATA_ERROR: return "DATA ERROR";
	case ELM_RX_ERROR: return "<RX ERROR";
	case ELM_STOPPED: return "STOPPED";
	case ELM_UNABLE_TO_CONNECT: return "UNABLE TO CONNECT";
	case ELM_LV_RESET: return "LV RESET";
	case ELM_ACT_ALERT: return "ACT ALERT";
	case ELM_LP_ALERT: return "LP ALERT";
	case ELM_ERR_CODE: return "ERRxx (internal error)";
	case ELM_FC_RX_TIMEOUT: return "FC RX TIMEOUT";
	case ELM_OUT_OF_MEMORY: return "OUT OF MEMORY";
	case ELM_UART_OVERFLOW: return "UART RX OVERFLOW";
	case ELM_GARBAGE: return "unrecognised reply";
	case ELM_INCOMPLETE: return "no prompt";
	}
	return "unknown status";
}

/* True for statuses that mean the adapter or bus failed (not "no answer"). */
bool elm_status_is_error(enum elm_status st)
{
	switch (st) {
	case ELM_OK:
	case ELM_DATA:
	case ELM_TEXT:
	case ELM_EMPTY:
	case ELM_NO_DATA:
		return false;
	default:
		return true;
	}
}

/* Offset just past the last prompt '>' in raw, or 0 when there is none. */
size_t elm_find_prompt(const uint8_t *raw, size_t n)
{
	if (!raw)
		return 0;
	while (n > 0) {
		if (raw[n - 1] == '>')
			return n;
		n--;
	}
	return 0;
}

/* Removes NUL and non-ASCII bytes in place; returns the new length and adds
 * the number dropped to *dropped. */
size_t elm_strip_junk(uint8_t *raw, size_t n, size_t *dropped)
{
	size_t w = 0;

	if (!raw)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!elm_is_junk(raw[i]))
			raw[w++] = raw[i];
	if (dropped)
		*dropped += n - w;
	return w;
}

/* Number of junk bytes in raw. */
static size_t elm_count_junk(const uint8_t *raw, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += elm_is_junk(raw[i]);
	return k;
}

/* Sets the reply to its empty state. */
static void elm_reply_reset(struct elm_reply *out)
{
	out->status = ELM_EMPTY;
	out->err_code = 0;
	out->searching = false;
	out->truncated = false;
	out->msg_len = -1;
	out->nframes = 0;
	out->text[0] = '\0';
	out->junk = 0;
}

/* True when line is the echo of cmd (case, spaces, CR and LF ignored). */
static bool elm_is_echo(const char *line, const char *cmd)
{
	bool any = false;

	if (!cmd)
		return false;
	for (;;) {
		while (*cmd == ' ' || *cmd == '\t' || *cmd == '\r' || *cmd == '\n')
			cmd++;
		while (elm_is_blank((unsigned char)*line))
			line++;
		if (!*cmd || !*line)
			return any && !*cmd && !*line;
		if (elm_upper((unsigned char)*cmd) != elm_upper((unsigned char)*line))
			return false;
		any = true;
		cmd++;
		line++;
	}
}

/* Records the first status line; later lines are not interpreted. */
static void elm_set_status(struct elm_ctx *c, enum elm_status st, int code, const char *line)
{
	c->out->status = st;
	if (st == ELM_ERR_CODE)
		c->out->err_code = code;
	elm_copy_text(c->out->text, line);
	c->done = true;
}

/* Makes the whole reply garbage: no frames survive, why goes into text. */
static void elm_garbage(struct elm_ctx *c, const char *why)
{
	c->out->nframes = 0;
	c->out->msg_len = -1;
	elm_set_status(c, ELM_GARBAGE, 0, why);
}

/* True when a space after n digits falls between fields (lead: digits of
 * an odd-length first field, 3 for an 11-bit ID, else 0). */
static bool elm_boundary_ok(size_t n, size_t lead)
{
	return n == 0 || (n >= lead && (n - lead) % 2 == 0);
}

/* Reads the hex digits of s[0, len); false on a non-hex character or a
 * space inside a field. */
static bool elm_read_nibbles(const char *s, size_t len, size_t lead, struct elm_nibbles *h)
{
	int v;

	h->n = 0;
	for (; len > 0; s++, len--) {
		if (*s == ' ') {
			if (!elm_boundary_ok(h->n, lead))
				return false;
			continue;
		}
		v = hex_digit((unsigned char)*s);
		if (v < 0 || h->n >= sizeof h->v)
			return false;
		h->v[h->n++] = (uint8_t)v;
	}
	return true;
}

/* Value of count nibbles starting at v. */
static uint32_t elm_nibbles_value(const uint8_t *v, size_t count)
{
	uint32_t x = 0;

	for (size_t i = 0; i < count; i++)
		x = x << 4 | v[i];
	return x;
}

/* Reads the CAN ID of a headers-on line into fr; false when it is out of
 * range. idlen is 3 or 8 and h holds at least that many digits. */
static bool elm_take_id(const struct elm_nibbles *h, size_t idlen, struct elm_frame *fr)
{
	fr->id = elm_nibbles_value(h->v, idlen);
	return fr->id <= (idlen == 3 ? 0x7FFu : 0x1FFFFFFFu);
}

/* Reads the data bytes that follow skip digits into fr. cut drops a trailing
 * half byte and makes an empty frame ELM_KIND_NONE rather than bad. */
static enum elm_kind elm_take_bytes(const struct elm_nibbles *h, size_t skip, bool cut,
				    struct elm_frame *fr)
{
	size_t dn = h->n - skip;
	size_t max = fr->index >= 0 ? 7 : 8;

	if (cut)
		dn &= ~(size_t)1;
	if (dn % 2 != 0 || dn / 2 > max)
		return ELM_KIND_BAD;
	if (dn == 0)
		return cut ? ELM_KIND_NONE : ELM_KIND_BAD;
	fr->len = (uint8_t)(dn / 2);
	for (size_t i = 0; i < fr->len; i++)
		fr->data[i] = (uint8_t)(h->v[skip + 2 * i] << 4 | h->v[skip + 2 * i + 1]);
	return ELM_KIND_FRAME;
}

/* Reads a headerless length line ("014"); bad below 8 (ISO-TP first frames
 * carry at least 8 bytes). */
static enum elm_kind elm_take_length(const struct elm_nibbles *h, int *msg_len)
{
	*msg_len = (int)elm_nibbles_value(h->v, 3);
	return *msg_len >= 8 ? ELM_KIND_LENGTH : ELM_KIND_BAD;
}

/* Turns the data line line[0, len) into a frame, a length line, nothing
 * (cut short) or bad. cut: the line was ended by a glued status. */
static enum elm_kind elm_read_data_line(const char *line, size_t len, const struct elm_format *fmt,
					bool cut, struct elm_frame *fr, int *msg_len)
{
	struct elm_nibbles h;
	size_t idlen = fmt->headers ? (fmt->ext_ids ? 8 : 3) : 0;
	size_t skip = 0;

	fr->id = ELM_ID_NONE;
	fr->index = -1;
	fr->len = 0;
	if (!fmt->headers && len >= 2 && hex_digit((unsigned char)line[0]) >= 0 && line[1] == ':') {
		fr->index = hex_digit((unsigned char)line[0]);
		skip = 2;
	}
	if (!elm_read_nibbles(line + skip, len - skip, idlen == 3 ? 3 : 0, &h))
		return ELM_KIND_BAD;
	if (!fmt->headers && fr->index < 0 && !cut && h.n == 3 && !memchr(line, ' ', len))
		return elm_take_length(&h, msg_len);
	if (h.n < idlen)
		return cut ? ELM_KIND_NONE : ELM_KIND_BAD;
	if (idlen > 0 && !elm_take_id(&h, idlen, fr))
		return ELM_KIND_BAD;
	return elm_take_bytes(&h, idlen, cut, fr);
}

/* Accepts a headerless length line: one per reply, before any "N:" line. */
static void elm_add_length(struct elm_ctx *c, const char *line, int msg_len)
{
	if (c->out->msg_len >= 0 || c->nindexed > 0) {
		elm_garbage(c, line);
		return;
	}
	c->out->msg_len = msg_len;
}

/* Checks an "N:" line against the length line and the running count. */
static bool elm_indexed_ok(struct elm_ctx *c, const struct elm_frame *fr)
{
	if (c->out->msg_len < 0 || (size_t)fr->index != (c->nindexed & 0xF))
		return false;
	c->nindexed++;
	c->indexed_bytes += fr->len;
	c->last_indexed = fr->len;
	return true;
}

/* Appends a frame, unless the list is full or the frame is out of order. */
static void elm_add_frame(struct elm_ctx *c, const char *line, const struct elm_frame *fr)
{
	if (fr->index >= 0 && !elm_indexed_ok(c, fr)) {
		elm_garbage(c, line);
		return;
	}
	if (c->out->nframes >= ELM_MAX_FRAMES) {
		elm_garbage(c, "too many frames");
		return;
	}
	c->out->frames[c->out->nframes++] = *fr;
}

/* Adds the data in line[0, len) (all of it, or the part before a glued
 * status when cut) to the reply; the whole line is the garbage text. */
static void elm_take_data(struct elm_ctx *c, const char *line, size_t len, bool cut)
{
	struct elm_frame fr;
	int msg_len = -1;

	switch (elm_read_data_line(line, len, &c->fmt, cut, &fr, &msg_len)) {
	case ELM_KIND_FRAME:
		elm_add_frame(c, line, &fr);
		break;
	case ELM_KIND_LENGTH:
		elm_add_length(c, line, msg_len);
		break;
	case ELM_KIND_NONE:
		break;
	case ELM_KIND_BAD:
		elm_garbage(c, line);
		break;
	}
}

/* Index of the status glued to the end of a data line, or -1. */
static int elm_glued_status(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof elm_glued / sizeof elm_glued[0]; i++)
		if (len > strlen(elm_glued[i].word) && elm_ends_ci(line, len, elm_glued[i].word))
			return (int)i;
	return -1;
}

/* Handles a data line ending in a status: keeps the whole bytes before it
 * as a frame; false when no status is glued to the line. */
static bool elm_take_glued(struct elm_ctx *c, const char *line)
{
	size_t len = strlen(line);
	int g = elm_glued_status(line, len);

	if (g < 0)
		return false;
	len -= strlen(elm_glued[g].word);
	while (len > 0 && elm_is_blank((unsigned char)line[len - 1]))
		len--;
	elm_take_data(c, line, len, true);
	if (c->done)
		return true;
	c->out->truncated = true;
	elm_set_status(c, elm_glued[g].st, 0, line);
	return true;
}

/* Interprets one non-empty line of a data reply. */
static void elm_data_line(struct elm_ctx *c, char *line, bool overlong)
{
	enum elm_status st;
	int code = 0;
	size_t len = strlen(line);

	if (overlong) {
		elm_garbage(c, "line too long");
		return;
	}
	if (elm_starts_ci(line, len, "SEARCHING...")) {
		c->out->searching = true;
		line = elm_trim(line + strlen("SEARCHING..."));
		if (!*line)
			return;
	}
	st = elm_status_of_line(line, &code);
	if (st == ELM_OK && elm_starts_ci(line, strlen(line), "BUS INIT:"))
		return;
	if (st != ELM_GARBAGE) {
		elm_set_status(c, st, code, line);
		return;
	}
	if (!elm_take_glued(c, line))
		elm_take_data(c, line, strlen(line), false);
}

/* Appends one line to a text reply, joined by '\n' and cut to fit. */
static void elm_text_line(struct elm_ctx *c, const char *line)
{
	size_t room, n = strlen(line);
	char *text = c->out->text;

	if (c->nlines == 0)
		c->first_st = elm_status_of_line(line, &c->first_code);
	if (c->nlines > 0 && c->text_len < ELM_TEXT_MAX - 1)
		text[c->text_len++] = '\n';
	room = ELM_TEXT_MAX - 1 - c->text_len;
	if (n > room)
		n = room;
	memcpy(text + c->text_len, line, n);
	c->text_len += n;
	text[c->text_len] = '\0';
	c->nlines++;
}

/* Drops the echo and hands one line to the data or text interpreter. */
static void elm_flush_line(struct elm_ctx *c, char *buf, size_t len, bool overlong)
{
	char *line;

	buf[len] = '\0';
	line = elm_trim(buf);
	if (c->done || !*line)
		return;
	if (!c->seen_line) {
		c->seen_line = true;
		if (!overlong && elm_is_echo(line, c->cmd))
			return;
	}
	if (c->text_mode)
		elm_text_line(c, line);
	else
		elm_data_line(c, line, overlong);
}

/* Feeds every line of raw[start, end) to the interpreter, junk skipped. */
static void elm_split_lines(struct elm_ctx *c, const uint8_t *raw, size_t start, size_t end)
{
	char line[ELM_LINE_MAX];
	size_t len = 0;
	bool overlong = false;

	for (size_t i = start; i < end && !c->done; i++) {
		if (elm_is_junk(raw[i]))
			continue;
		if (raw[i] == '\r' || raw[i] == '\n') {
			elm_flush_line(c, line, len, overlong);
			len = 0;
			overlong = false;
		} else if (len < ELM_LINE_MAX - 1) {
			line[len++] = (char)raw[i];
		} else {
			overlong = true;
		}
	}
	elm_flush_line(c, line, len, overlong);
}

/* Resets out and splits the reply window of raw into lines for c; returns
 * false when there is no prompt. */
static bool elm_run(struct elm_ctx *c, const uint8_t *raw, size_t n)
{
	size_t last, start = 0, end = n;

	elm_reply_reset(c->out);
	if (!raw)
		n = end = 0;
	c->out->junk = elm_count_junk(raw, n);
	last = elm_find_prompt(raw, n);
	if (last > 0) {
		end = last - 1;
		start = elm_find_prompt(raw, end);
	}
	elm_split_lines(c, raw, start, end);
	return last > 0;
}

/* Final check of a headerless multi-line reply: "N:" lines present and
 * their bytes cover msg_len, the last line being needed. */
static void elm_check_length(struct elm_ctx *c)
{
	size_t want = (size_t)c->out->msg_len;

	if (c->out->msg_len < 0)
		return;
	if (c->nindexed == 0 || c->indexed_bytes < want || c->indexed_bytes - c->last_indexed >= want)
		elm_garbage(c, "multi-line length mismatch");
}

/* Parses a reply to a data request (OBD or CAN bytes). */
void elm_parse_data(const char *cmd, const uint8_t *raw, size_t n, const struct elm_format *fmt,
		    struct elm_reply *out)
{
	static const struct elm_format plain = { false, false };
	struct elm_ctx c = { 0 };
	bool prompt;

	if (!out)
		return;
	c.cmd = cmd;
	c.fmt = fmt ? *fmt : plain;
	c.out = out;
	prompt = elm_run(&c, raw, n);
	if (!c.done && (out->nframes > 0 || out->msg_len >= 0)) {
		out->status = ELM_DATA;
		elm_check_length(&c);
	}
	if (!prompt)
		out->status = ELM_INCOMPLETE;
}

/* Parses a reply to an AT/ST command: a lone status line is that status,
 * other text is ELM_TEXT with the lines joined by '\n'. */
void elm_parse_text(const char *cmd, const uint8_t *raw, size_t n, struct elm_reply *out)
{
	struct elm_ctx c = { 0 };
	bool prompt;

	if (!out)
		return;
	c.cmd = cmd;
	c.out = out;
	c.text_mode = true;
	prompt = elm_run(&c, raw, n);
	if (c.nlines == 1 && c.first_st != ELM_GARBAGE) {
		out->status = c.first_st;
		if (c.first_st == ELM_ERR_CODE)
			out->err_code = c.first_code;
	} else if (c.nlines > 0) {
		out->status = ELM_TEXT;
	}
	if (!prompt)
		out->status = ELM_INCOMPLETE;
}
