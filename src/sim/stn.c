/* stn.c: the ST commands of OBDLink adapters (STN11xx, STN21xx), after
 * the OBDLink Family Reference and Programming Manual (FRPM). Only
 * profiles with an sti string know them; others answer "?".
 *
 *   STI, STDI          identification (chip and firmware, device)
 *   STPX h:ID,d:HEX,t:MS,r:N   send a message of any length (up to the
 *                      profile's stpx_max), segmented by the adapter;
 *                      t: timeout for the first reply, r: response count
 *   STPX ...,l:LEN     the payload follows: the adapter prints "DATA>"
 *                      and reads LEN bytes as hex lines (each ended by
 *                      CR), then sends; a bad or overlong line gets "?"
 *   STCSEGT 0|1        segment data lines longer than 7 bytes (CAF1)
 *   STCSEGR 0|1        reassemble segmented replies (see request.c)
 *   STCFCPA TX,RX      add a flow control pair: a first frame from RX gets
 *                      its flow control on TX; pairs replace the automatic
 *                      ones; STCFCPC clears them
 *   STPTO MS           the reply timeout in milliseconds (as ATST)
 *   STBR BAUD          switch the UART rate with the handshake of ATBRD,
 *                      the STI string as ID string
 * Over-long messages get "?" (the message is refused before anything is
 * sent). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define STPX_TIMEOUT_MAX_MS 65535u
#define STPX_COUNT_MAX 255u
#define BAUD_MIN 1200L

/* What an ST handler asks the interpreter to print after it. */
enum st_result {
	ST_OK,   /* print "OK" */
	ST_DONE, /* the handler printed its reply */
	ST_BAD,  /* print "?" */
};

/* An ST command: name, handler given the rest of the line. */
struct st_cmd {
	const char *name;
	enum st_result (*fn)(struct sim *s, const char *arg, struct buf *out);
};

/* The longest message STPX may send now. */
static size_t stpx_limit(const struct sim *s)
{
	size_t max = s->adapter.stpx_max < SIM_MSG_MAX ? s->adapter.stpx_max : SIM_MSG_MAX;

	return s->at.caf ? max : 8;
}

/* STI: chip and firmware. */
static enum st_result st_ident(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return ST_BAD;
	sim_at_line(s, out, s->adapter.sti);
	return ST_DONE;
}

/* STDI: the device. */
static enum st_result st_device(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return ST_BAD;
	sim_at_line(s, out, s->adapter.stdi);
	return ST_DONE;
}

/* A 0/1 argument into *flag. */
static enum st_result st_flag(bool *flag, const char *arg)
{
	if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
		return ST_BAD;
	*flag = arg[0] == '1';
	return ST_OK;
}

/* STCSEGT 0|1: transmit segmentation. */
static enum st_result st_segt(struct sim *s, const char *arg, struct buf *out)
{
	return st_flag(&s->at.segt, arg);
}

/* STCSEGR 0|1: receive reassembly. */
static enum st_result st_segr(struct sim *s, const char *arg, struct buf *out)
{
	return st_flag(&s->at.segr, arg);
}

/* Parses a CAN identifier of 3 (11-bit) or 8 (29-bit) hex digits. */
static int can_id(const char *text, uint32_t *id, bool *ext)
{
	size_t i, n = strlen(text);
	uint32_t v = 0;

	if (n != 3 && n != 8)
		return -1;
	for (i = 0; i < n; i++) {
		int d = hex_digit((unsigned char)text[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	if (v > (n == 3 ? 0x7FFu : 0x1FFFFFFFu))
		return -1;
	*id = v;
	*ext = n == 8;
	return 0;
}

/* STCFCPA TX,RX: adds a flow control pair. */
static enum st_result st_fc_pair(struct sim *s, const char *arg, struct buf *out)
{
	char tx[16], rx[16];
	const char *comma = strchr(arg, ',');
	uint32_t t, r;
	bool text, rext;

	if (comma == NULL || comma - arg >= (long)sizeof tx || strlen(comma + 1) >= sizeof rx ||
	    s->at.nfcpa >= SIM_FCPA_MAX)
		return ST_BAD;
	snprintf(tx, sizeof tx, "%.*s", (int)(comma - arg), arg);
	snprintf(rx, sizeof rx, "%s", comma + 1);
	if (can_id(tx, &t, &text) < 0 || can_id(rx, &r, &rext) < 0 || text != rext)
		return ST_BAD;
	s->at.fcpa[s->at.nfcpa].tx = t;
	s->at.fcpa[s->at.nfcpa].rx = r;
	s->at.fcpa[s->at.nfcpa++].ext = text;
	return ST_OK;
}

/* STCFCPC: clears the flow control pairs. */
static enum st_result st_fc_clear(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return ST_BAD;
	s->at.nfcpa = 0;
	return ST_OK;
}

/* STPTO ms: the reply timeout. */
static enum st_result st_timeout(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (parse_uint(arg, STPX_TIMEOUT_MAX_MS, &v) < 0 || v == 0)
		return ST_BAD;
	s->at.timeout_us = v * 1000u;
	return ST_OK;
}

/* STBR baud: switch the UART rate (handshake as ATBRD, STI as ID). */
static enum st_result st_baud(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (parse_uint(arg, (unsigned long)s->adapter.baud_max, &v) < 0 || (long)v < BAUD_MIN)
		return ST_BAD;
	sim_at_line(s, out, "OK");
	s->core->brd_stn = true;
	sim_at_brd(s, (long)v);
	return ST_DONE;
}

/* STPX h:ID — 3 digits (11-bit), 6 (low 24 bits, ATCP on top) or 8. */
static int stpx_header(const struct sim *s, const char *v, struct sim_stpx *px)
{
	bool ext;
	size_t n = strlen(v);

	if (n == 6) {
		char full[9];
		snprintf(full, sizeof full, "%02X%s", s->at.cp, v);
		return can_id(full, &px->id, &ext);
	}
	return can_id(v, &px->id, &ext);
}

/* One "K:VALUE" item of STPX; -1 if bad. */
static int stpx_item(const struct sim *s, const char *item, struct sim_stpx *px, uint8_t *data,
		     size_t *n)
{
	unsigned long v;
	long len;

	if (strlen(item) < 3 || item[1] != ':')
		return -1;
	switch (item[0]) {
	case 'H':
		px->id_set = true;
		return stpx_header(s, item + 2, px);
	case 'D':
		if (strlen(item + 2) % 2 || strlen(item + 2) / 2 > stpx_limit(s))
			return -1;
		len = hex_decode(item + 2, data, SIM_LINE_MAX / 2);
		if (len <= 0)
			return -1;
		*n = (size_t)len;
		return 0;
	case 'T':
		if (parse_uint(item + 2, STPX_TIMEOUT_MAX_MS, &v) < 0 || v == 0)
			return -1;
		px->timeout_us = v * 1000u;
		return 0;
	case 'R':
		if (parse_uint(item + 2, STPX_COUNT_MAX, &v) < 0 || v == 0)
			return -1;
		px->count = (unsigned)v;
		return 0;
	case 'L':
		if (parse_uint(item + 2, stpx_limit(s), &v) < 0 || v == 0)
			return -1;
		px->len = v;
		return 0;
	}
	return -1;
}

/* STPX: sends a message now (d:) or after its payload lines (l:). */
static enum st_result st_px(struct sim *s, const char *arg, struct buf *out)
{
	char copy[SIM_LINE_MAX + 1], *item, *save = NULL;
	uint8_t data[SIM_LINE_MAX / 2];
	struct sim_stpx px;
	size_t n = 0;

	memset(&px, 0, sizeof px);
	snprintf(copy, sizeof copy, "%s", arg);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
		if (stpx_item(s, item, &px, data, &n) < 0)
			return ST_BAD;
	if ((n == 0) == (px.len == 0))
		return ST_BAD;
	if (n > 0) {
		sim_req_start(s, data, n, &px);
		return ST_DONE;
	}
	s->core->stpx = px;
	s->core->ndata = 0;
	s->core->ndline = 0;
	s->core->dline_bad = false;
	s->core->mode = SIM_DATA;
	buf_puts(out, "DATA>");
	return ST_DONE;
}

/* The commands, tried in order: longer names before their prefixes. */
static const struct st_cmd st_cmds[] = {
	{ "STBR", st_baud },
	{ "STCFCPA", st_fc_pair },
	{ "STCFCPC", st_fc_clear },
	{ "STCSEGR", st_segr },
	{ "STCSEGT", st_segt },
	{ "STDI", st_device },
	{ "STI", st_ident },
	{ "STPTO", st_timeout },
	{ "STPX", st_px },
};

/* Runs an ST command line (compacted, upper case); false if the profile
 * has no ST commands or does not know this one. */
bool sim_stn_command(struct sim *s, const char *cmd, struct buf *out)
{
	enum st_result r;
	size_t i, l;

	if (s->adapter.sti == NULL)
		return false;
	for (i = 0; i < sizeof st_cmds / sizeof st_cmds[0]; i++) {
		l = strlen(st_cmds[i].name);
		if (strncmp(cmd, st_cmds[i].name, l) != 0)
			continue;
		r = st_cmds[i].fn(s, cmd + l, out);
		if (r == ST_OK)
			sim_at_line(s, out, "OK");
		return r != ST_BAD;
	}
	return false;
}

/* A complete payload line after "DATA>": more bytes, the message sent
 * when complete, or "?" for a bad or overlong line. */
static void data_line(struct sim *s, struct buf *out)
{
	struct sim_core *c = s->core;
	size_t room = c->stpx.len - c->ndata;
	bool bad = c->dline_bad || c->ndline % 2 || c->ndline / 2 > room;

	if (s->at.echo)
		sim_at_eol(s, out);
	c->dline[c->ndline] = 0;
	if (!bad && c->ndline > 0)
		c->ndata += (size_t)hex_decode(c->dline, c->data + c->ndata, room);
	c->ndline = 0;
	c->dline_bad = false;
	if (!bad && c->ndata < c->stpx.len)
		return;
	c->mode = SIM_IDLE;
	if (bad)
		sim_at_line(s, out, "?");
	else
		sim_req_start(s, c->data, c->ndata, &c->stpx);
	if (c->mode == SIM_IDLE)
		sim_at_prompt(s, out);
}

/* A byte of the payload lines after "DATA>": hex digits (spaces and
 * control bytes ignored), echoed as command lines are. */
void sim_stn_data_byte(struct sim *s, uint8_t c, struct buf *out)
{
	struct sim_core *core = s->core;

	if (c == '\r') {
		data_line(s, out);
		return;
	}
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return;
	if (s->at.echo)
		buf_putc(out, c);
	if (c == ' ' || c == '\t')
		return;
	if (hex_digit(c) < 0 || core->ndline >= SIM_LINE_MAX)
		core->dline_bad = true;
	else
		core->dline[core->ndline++] = (char)c;
}
