/* request.c: the adapter's side of a data request, event by event. It
 * parses the hex bytes (and the optional response count digit), picks the
 * protocol (searching once in automatic mode), puts the request on the
 * bus (segmenting it itself only on STN profiles: STPX, STCSEGT 1), then
 * takes what the ECUs send back: the receive filter, automatic flow
 * control for segmented replies (CAF1 + CFC1, to the OBD identifiers
 * unless ATFC or STCFCPA say otherwise, as a real adapter does), and the
 * output formats of ELM327DS ("7E8 03 41 0D 00 " with headers, "014" /
 * "0: ..." without).
 *
 * Store and forward: the request leaves after its whole line arrived;
 * each frame is printed when it arrives, through the transmit buffer
 * (BUFFER FULL when a line does not fit, DS p.87). After the last frame
 * the adapter waits (ATST, shortened by adaptive timing) or stops at the
 * response count; "NO DATA" when nothing came within ATST.
 *
 * The response count digit after a data line counts frames: every frame
 * the filter passes, each frame of a segmented reply included (ELM327DS:
 * the digit tells "how many lines of data to receive", e.g. "09 02 5" for
 * a VIN in five lines; adapter firmware that imitates the ELM327 counts
 * frames the same way). A reassembled STCSEGR message is one line and
 * counts once; so does a whole message for STPX r:.
 *
 * Adaptive timing (a model; Elm does not publish the algorithm): the
 * latency of a request is the time from its last frame leaving to the
 * first reply arriving. With ATAT1/2, the wait after a reply is
 *   AT1: min(ATST, max(32 ms, 2 * L))
 *   AT2: min(ATST, max(16 ms, L + L / 4))
 * where L is the largest latency of the last four requests that got a
 * reply (this one included); with ATAT0 it is ATST. The wait
 * for the first reply is always ATST, so "NO DATA" means ATST passed.
 *
 * STCSEGR 1 (STN): a segmented reply is reassembled in the adapter's
 * message memory (stpx_max bytes) and printed as one line once complete:
 * the identifier (ATH1), then every payload byte, no PCI; single frames
 * print as with CAF1. Replies longer than stpx_max give OUT OF MEMORY. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define AT1_FLOOR_US 32000u
#define AT2_FLOOR_US 16000u

/* What ATDP prints for protocols 0..C (ELM327DS, ATDP and ATSP). */
static const char *const proto_names[] = {
	"AUTO",
	"SAE J1850 PWM",
	"SAE J1850 VPW",
	"ISO 9141-2",
	"ISO 14230-4 (KWP 5BAUD)",
	"ISO 14230-4 (KWP FAST)",
	"ISO 15765-4 (CAN 11/500)",
	"ISO 15765-4 (CAN 29/500)",
	"ISO 15765-4 (CAN 11/250)",
	"ISO 15765-4 (CAN 29/250)",
	"SAE J1939 (CAN 29/250)",
	"USER1 (CAN 11/125)",
	"USER2 (CAN 11/50)",
};

/* Name of a protocol as ATDP prints it. */
const char *sim_proto_name(int protocol)
{
	if (protocol < 0 || protocol > 12)
		return "?";
	return proto_names[protocol];
}

/* True for the CAN protocols with 29-bit identifiers. */
bool sim_proto_ext(int protocol)
{
	return protocol == 7 || protocol == 9 || protocol == 10;
}

/* Parses a data line: an even number of hex digits (1..7 bytes with CAF1,
 * more with STCSEGT 1, 1..8 with CAF0), optionally followed by one
 * response count digit (if the profile knows it). */
static bool parse_request(const struct sim *s, const char *cmd, uint8_t *data, size_t *n,
			  unsigned *count)
{
	size_t i, digits = strlen(cmd), max;
	char hexpart[SIM_LINE_MAX + 1];

	for (i = 0; i < digits; i++)
		if (hex_digit((unsigned char)cmd[i]) < 0)
			return false;
	*count = 0;
	if (digits % 2) {
		if (digits < 3 || cmd[digits - 1] == '0' || !s->adapter.count_digit)
			return false;
		*count = (unsigned)hex_digit((unsigned char)cmd[digits - 1]);
		digits--;
	}
	max = !s->at.caf ? 8 : s->at.segt && s->adapter.sti ? SIM_LINE_MAX / 2 : 7;
	if (digits / 2 < 1 || digits / 2 > max)
		return false;
	memcpy(hexpart, cmd, digits);
	hexpart[digits] = 0;
	*n = (size_t)hex_decode(hexpart, data, SIM_LINE_MAX / 2);
	return true;
}

/* The protocol a request goes out on; searches once in automatic mode. */
static int request_protocol(struct sim *s, struct buf *out)
{
	if (!s->at.autop)
		return s->at.protocol;
	if (s->at.active == 0) {
		sim_at_line(s, out, "SEARCHING...");
		s->at.active = s->vehicle.protocol;
	}
	return s->at.active;
}

/* The transmit identifier: ATSH (with ATCP for 29 bits) or the OBD
 * functional default (7DF, 18 DB 33 F1). */
static uint32_t request_id(const struct sim *s, bool ext)
{
	if (!ext)
		return s->at.header_set ? s->at.header & 0x7FF : 0x7DF;
	return (uint32_t)s->at.cp << 24 | (s->at.header_set ? s->at.header : 0xDB33F1);
}

/* True if the receive filter lets the frame through: ATCRA (X = any
 * digit), ATCF/ATCM, else the OBD response identifiers 7E8-7EF /
 * 18 DA F1 xx. */
static bool accepted(const struct sim *s, const struct sim_frame *f)
{
	const struct sim_at *t = &s->at;
	char id[9];
	size_t i, n;

	if (t->cf_set || t->cm_set) {
		uint32_t mask = t->cm_set ? t->cm : (f->ext ? 0x1FFFFFFF : 0x7FF);
		uint32_t filt = t->cf_set ? t->cf : 0;
		return (t->cfm_digits == 8) == f->ext && (f->id & mask) == (filt & mask);
	}
	if (t->cra[0] == 0)
		return f->ext ? (f->id & 0x1FFFFF00u) == 0x18DAF100u
			      : f->id >= 0x7E8 && f->id <= 0x7EF;
	snprintf(id, sizeof id, f->ext ? "%08X" : "%03X", (unsigned)f->id);
	n = strlen(t->cra);
	if (strlen(id) != n)
		return false;
	for (i = 0; i < n; i++)
		if (t->cra[i] != 'X' && t->cra[i] != id[i])
			return false;
	return true;
}

/* Prints the identifier of a frame (ATH1). */
static void print_id(const struct sim *s, struct buf *out, uint32_t id, bool ext)
{
	uint8_t b[4];

	if (!ext) {
		buf_printf(out, s->at.spaces ? "%03X " : "%03X", (unsigned)id);
		return;
	}
	b[0] = (uint8_t)(id >> 24 & 0x1F);
	b[1] = (uint8_t)(id >> 16);
	b[2] = (uint8_t)(id >> 8);
	b[3] = (uint8_t)id;
	sim_at_hex(s, out, b, 4);
}

/* Formats a frame with CAN auto formatting and headers off: the payload
 * of a single frame, "LLL" + "0: ..." for a first frame, "N: ..." for a
 * consecutive frame. */
static void format_plain(const struct sim *s, struct buf *out, const struct sim_frame *f)
{
	unsigned type = f->data[0] >> 4, l = f->data[0] & 0x0F;
	const char *sep = s->at.spaces ? " " : "";

	if (type == 0 && l >= 1 && l + 1u <= f->len) {
		sim_at_hex(s, out, f->data + 1, l);
	} else if (type == 1 && f->len == 8) {
		buf_printf(out, "%03X%s", (unsigned)(l << 8 | f->data[1]), sep);
		sim_at_eol(s, out);
		buf_printf(out, "0:%s", sep);
		sim_at_hex(s, out, f->data + 2, 6);
	} else if (type == 2 && f->len >= 2) {
		buf_printf(out, "%X:%s", l, sep);
		sim_at_hex(s, out, f->data + 1, f->len - 1u);
	} else {
		sim_at_hex(s, out, f->data, f->len);
	}
}

/* Formats one received frame as a line. With headers on, a single frame
 * shows its PCI and payload (no padding) and other frames all their
 * bytes; with CAF0 every byte is shown. */
static void format_frame(const struct sim *s, struct buf *out, const struct sim_frame *f)
{
	unsigned l = f->data[0] & 0x0F;

	if (s->at.headers)
		print_id(s, out, f->id, f->ext);
	if (!s->at.caf)
		sim_at_hex(s, out, f->data, f->len);
	else if (!s->at.headers)
		format_plain(s, out, f);
	else if (f->data[0] >> 4 == 0 && l >= 1 && l + 1u <= f->len)
		sim_at_hex(s, out, f->data, l + 1u);
	else
		sim_at_hex(s, out, f->data, f->len);
	sim_at_eol(s, out);
}

/* Ends the request or monitor: the prompt; the adapter is idle again. */
static void finish(struct sim *s)
{
	struct sim_core *c = s->core;
	size_t i;

	c->gen++;
	for (i = 0; i < SIM_RX_TRACKS; i++)
		c->req.tracks[i].used = false;
	c->mode = SIM_IDLE;
	sim_at_prompt(s, &c->stage);
}

/* Prints a status line and ends the request. */
static void fail(struct sim *s, const char *status)
{
	sim_at_line(s, &s->core->stage, status);
	finish(s);
}

/* Prints a line through the transmit buffer (unless from message memory);
 * false when it did not fit: BUFFER FULL ended the request. */
static bool print_line(struct sim *s, const struct buf *line, bool memory)
{
	struct sim_core *c = s->core;

	if (c->req.cut) {
		buf_append(&c->stage, line->data, (line->len + 1) / 2);
		fail(s, "BUFFER FULL");
		return false;
	}
	if (!memory && sim_out_room(s) < line->len) {
		fail(s, "BUFFER FULL");
		return false;
	}
	buf_append(&c->stage, line->data, line->len);
	c->req.any = true;
	return true;
}

/* Formats and prints one frame; false if BUFFER FULL ended the request. */
static bool print_frame(struct sim *s, const struct sim_frame *f)
{
	struct buf line = { 0 };
	bool ok;

	format_frame(s, &line, f);
	ok = print_line(s, &line, false);
	buf_free(&line);
	return ok;
}

/* Prints a reassembled message (STCSEGR 1) as one line. */
static bool print_message(struct sim *s, const struct sim_rx_track *t)
{
	struct buf line = { 0 };
	bool ok;

	if (t->len > s->adapter.stpx_max) {
		fail(s, "OUT OF MEMORY");
		return false;
	}
	if (s->at.headers)
		print_id(s, &line, t->id, t->ext);
	sim_at_hex(s, &line, t->msg, t->len);
	sim_at_eol(s, &line);
	ok = print_line(s, &line, true);
	buf_free(&line);
	return ok;
}

/* Identifier of an automatic flow control answering a first frame from
 * rx: 7E8-7EF go to 7E0-7E7, 18 DA F1 xx to 18 DA xx F1; any other
 * identifier is answered on itself, which reaches no ECU (so non-OBD
 * modules need ATFC SH/SD/SM1, as on a real ELM327: see
 * mechanics.stackexchange.com question 91169). OBDLink adapters answer
 * an 11-bit identifier on the one 8 below it (FRPM: automatic pairs are
 * TxID = RxID - 8). STCFCPA pairs replace the automatic ones (FRPM): a
 * first frame from an identifier without a pair gets no flow control. */
static bool fc_id(const struct sim *s, const struct sim_frame *rx, uint32_t *id)
{
	size_t i;

	if (s->at.nfcpa > 0) {
		for (i = 0; i < s->at.nfcpa; i++)
			if (s->at.fcpa[i].rx == rx->id && s->at.fcpa[i].ext == rx->ext) {
				*id = s->at.fcpa[i].tx;
				return true;
			}
		return false;
	}
	*id = rx->id;
	if (!rx->ext && ((rx->id >= 0x7E8 && rx->id <= 0x7EF) || (s->adapter.sti && rx->id >= 8)))
		*id = rx->id - 8;
	else if (rx->ext && (rx->id & 0x1FFF0000u) == 0x18DA0000u)
		*id = 0x18DA0000u | (rx->id & 0xFF) << 8 | (rx->id >> 8 & 0xFF);
	return true;
}

/* The identifier set by ATFC SH for the current protocol. */
static uint32_t user_fc_id(const struct sim *s, bool ext)
{
	if (!ext)
		return s->at.fc_header & 0x7FF;
	if (s->at.fc_hdigits == 8)
		return s->at.fc_header & 0x1FFFFFFF;
	return (uint32_t)s->at.cp << 24 | (s->at.fc_header & 0xFFFFFF);
}

/* Sends the adapter's flow control for a segmented reply (ATFC SM mode);
 * returns the block size it grants. */
static unsigned send_fc(struct sim *s, const struct sim_frame *rx)
{
	static const uint8_t auto_data[] = { 0x30, 0x00, 0x00 };
	struct sim_frame fc;

	memset(&fc, 0, sizeof fc);
	fc.src = -1;
	fc.ext = rx->ext;
	fc.len = 8;
	if (s->at.fc_mode == 1)
		fc.id = user_fc_id(s, rx->ext);
	else if (!fc_id(s, rx, &fc.id))
		return 0;
	if (s->at.fc_mode == 0)
		memcpy(fc.data, auto_data, sizeof auto_data);
	else
		memcpy(fc.data, s->at.fc_data, s->at.fc_dlen);
	sim_bus_send(s, &fc);
	return fc.data[0] >> 4 == 3 ? fc.data[1] : 0;
}

/* The track of a segmented reply from f's sender, or a free one for it. */
static struct sim_rx_track *track_of(struct sim_rx_track *t, const struct sim_frame *f,
				     bool create)
{
	size_t i;

	for (i = 0; i < SIM_RX_TRACKS; i++)
		if (t[i].used && t[i].id == f->id && t[i].ext == f->ext)
			return &t[i];
	for (i = 0; create && i < SIM_RX_TRACKS; i++)
		if (!t[i].used) {
			t[i].used = true;
			t[i].id = f->id;
			t[i].ext = f->ext;
			t[i].len = t[i].have = 0;
			t[i].bs = t[i].cfs = 0;
			return &t[i];
		}
	return NULL;
}

/* A first frame with CAF1: printed (unless reassembling), followed, and
 * answered with a flow control. */
static void follow_ff(struct sim *s, const struct sim_frame *f)
{
	struct sim_rx_track *t;
	size_t total = (size_t)(f->data[0] & 0x0F) << 8 | f->data[1];
	bool segr = s->at.segr && s->adapter.sti;

	if (!segr && !print_frame(s, f))
		return;
	if (f->len < 8 || total <= 6 || (t = track_of(s->core->req.tracks, f, true)) == NULL)
		return;
	t->len = total;
	t->have = 6;
	memcpy(t->msg, f->data + 2, 6);
	t->bs = s->at.cfc ? send_fc(s, f) : 0;
}

/* A consecutive frame with CAF1; true when it completes a reply. */
static bool follow_cf(struct sim *s, const struct sim_frame *f)
{
	struct sim_rx_track *t = track_of(s->core->req.tracks, f, false);
	bool segr = s->at.segr && s->adapter.sti;
	size_t chunk;

	if (!segr && !print_frame(s, f))
		return false;
	if (t == NULL)
		return false;
	chunk = t->len - t->have < 7 ? t->len - t->have : 7;
	/* cppcheck-suppress knownConditionTrueFalse ; a short frame carries less */
	if (chunk > f->len - 1u)
		chunk = f->len - 1u;
	memcpy(t->msg + t->have, f->data + 1, chunk);
	t->have += chunk;
	if (t->have >= t->len) {
		t->used = false;
		return !segr || print_message(s, t);
	}
	if (t->bs && ++t->cfs == t->bs && s->at.cfc) {
		t->cfs = 0;
		t->bs = send_fc(s, f);
	}
	return false;
}

/* Prints and follows a received frame; true when a response is complete
 * (a single frame, the last consecutive frame, any frame with CAF0). */
static bool take_frame(struct sim *s, const struct sim_frame *f)
{
	unsigned type = f->data[0] >> 4;

	if (!s->at.caf || (type != 1 && type != 2))
		return print_frame(s, f);
	if (type == 1) {
		follow_ff(s, f);
		return false;
	}
	return follow_cf(s, f);
}

/* Records the latency of the request for adaptive timing. */
static void measure(struct sim *s)
{
	struct sim_at *t = &s->at;
	struct sim_adapter_req *r = &s->core->req;

	if (r->measured || r->phase != SIM_PH_LISTEN)
		return;
	r->measured = true;
	if (t->nrecent == sizeof t->recent / sizeof t->recent[0])
		memmove(t->recent, t->recent + 1, --t->nrecent * sizeof t->recent[0]);
	t->recent[t->nrecent++] = s->now_us - r->sent_us;
}

/* The time the adapter waits after a reply (see the top of this file). */
uint64_t sim_req_wait_us(const struct sim *s)
{
	const struct sim_at *t = &s->at;
	uint64_t st = s->core->req.timeout_us, l = 0, w;
	size_t i;

	if (t->at_mode == 0 || t->nrecent == 0)
		return st;
	for (i = 0; i < t->nrecent; i++)
		if (t->recent[i] > l)
			l = t->recent[i];
	if (t->at_mode == 1)
		w = 2 * l > AT1_FLOOR_US ? 2 * l : AT1_FLOOR_US;
	else
		w = l + l / 4 > AT2_FLOOR_US ? l + l / 4 : AT2_FLOOR_US;
	return w < st ? w : st;
}

/* Starts the request timer: due after us. */
static void arm(struct sim *s, uint64_t us)
{
	sim_schedule(s, s->now_us + us, SIM_EV_ADAPTER, -1, ++s->core->gen, NULL, 0);
}

/* The ECU's flow control while the adapter segments a request: clear to
 * send (the next CF once STmin after the last one passed), wait, or
 * overflow (CAN ERROR). */
static void take_fc(struct sim *s, const struct sim_frame *f)
{
	struct sim_adapter_req *r = &s->core->req;
	uint8_t st = f->data[2];

	if (f->data[0] >> 4 != 3 || f->len < 3)
		return;
	switch (f->data[0] & 0x0F) {
	case 0:
		s->core->gen++;
		r->bs = f->data[1];
		r->in_block = 0;
		r->stmin_us = st <= 0x7F ? st * 1000u : st >= 0xF1 && st <= 0xF9 ? (st - 0xF0) * 100u
										   : 127000u;
		r->phase = SIM_PH_SEND;
		if (r->last_cf && r->last_cf + r->stmin_us > s->now_us)
			sim_schedule(s, r->last_cf + r->stmin_us, SIM_EV_ADAPTER_CF, -1, s->core->gen,
				     NULL, 0);
		else
			sim_req_cf(s);
		break;
	case 1:
		arm(s, r->timeout_us);
		break;
	default:
		fail(s, "CAN ERROR");
		break;
	}
}

/* A frame on the bus reached the adapter: printed in a request or ATMA
 * if the filter passes it; lost when the adapter is not listening. */
void sim_req_frame(struct sim *s, const struct sim_frame *f)
{
	struct sim_core *c = s->core;
	struct sim_adapter_req *r = &c->req;

	if ((c->mode != SIM_REQUEST && c->mode != SIM_MONITOR) || f->len == 0 || !accepted(s, f))
		return;
	if (c->mode == SIM_MONITOR) {
		print_frame(s, f);
		return;
	}
	if (r->phase == SIM_PH_FC) {
		take_fc(s, f);
		return;
	}
	if (!s->at.responses)
		return;
	if (++r->frames > SIM_QUEUE_MAX) {
		fail(s, "BUFFER FULL"); /* a stream that never ends (an FC that is a request) */
		return;
	}
	measure(s);
	if (take_frame(s, f) || (r->count_frames && s->core->mode == SIM_REQUEST))
		r->got++;
	if (c->mode != SIM_REQUEST)
		return;
	if (r->count && r->got >= r->count)
		finish(s);
	else if (r->phase == SIM_PH_LISTEN)
		arm(s, sim_req_wait_us(s));
}

/* Sends the next consecutive frame of a request the adapter segments. */
void sim_req_cf(struct sim *s)
{
	struct sim_adapter_req *r = &s->core->req;
	struct sim_frame f;
	size_t chunk;

	if (s->core->mode != SIM_REQUEST || r->phase != SIM_PH_SEND || r->pos >= r->len)
		return;
	memset(&f, 0, sizeof f);
	f.src = -1;
	f.id = r->id;
	f.ext = r->ext;
	f.len = 8;
	chunk = r->len - r->pos < 7 ? r->len - r->pos : 7;
	f.data[0] = (uint8_t)(0x20 | r->sn);
	memcpy(f.data + 1, r->msg + r->pos, chunk);
	r->pos += chunk;
	r->sn = (uint8_t)((r->sn + 1) & 0x0F);
	sim_bus_send(s, &f);
}

/* The adapter's frame left: the next consecutive frame, the wait for a
 * flow control, or listening (ATR0: the prompt at once). */
void sim_req_sent(struct sim *s, const struct sim_frame *f)
{
	struct sim_core *c = s->core;
	struct sim_adapter_req *r = &c->req;
	unsigned type = s->at.caf ? f->data[0] >> 4 : 0;

	if (c->mode != SIM_REQUEST || r->phase != SIM_PH_SEND)
		return;
	if (type == 2)
		r->last_cf = s->now_us;
	if (type == 1 || (type == 2 && r->pos < r->len)) {
		if (type == 1 || (r->bs && ++r->in_block >= r->bs)) {
			r->phase = SIM_PH_FC;
			arm(s, r->timeout_us);
		} else {
			sim_schedule(s, s->now_us + r->stmin_us, SIM_EV_ADAPTER_CF, -1, c->gen, NULL, 0);
		}
		return;
	}
	r->sent_us = s->now_us;
	if (!s->at.responses) {
		finish(s);
		return;
	}
	r->phase = SIM_PH_LISTEN;
	arm(s, r->timeout_us);
}

/* The request timer ran out: "NO DATA" if nothing came, or the flow
 * control of a segmented request did not come. */
void sim_req_timer(struct sim *s)
{
	struct sim_adapter_req *r = &s->core->req;

	if (r->phase == SIM_PH_FC)
		fail(s, "FC RX TIMEOUT");
	else if (r->phase == SIM_PH_LISTEN && !r->any)
		fail(s, "NO DATA");
	else if (r->phase == SIM_PH_LISTEN)
		finish(s);
}

/* A byte from the host interrupts the request or monitor. */
void sim_req_stop(struct sim *s)
{
	sim_bus_withdraw_adapter(s);
	fail(s, "STOPPED");
}

/* ATMA: monitors the bus until a byte arrives (or the buffer fills). */
void sim_req_monitor(struct sim *s)
{
	struct sim_core *c = s->core;

	c->mode = SIM_MONITOR;
	c->req.cut = false;
	c->gen++;
}

/* The first frame of a request: a single frame, a raw CAF0 frame, or the
 * first frame of a message the adapter segments. */
static void first_frame(struct sim *s, const uint8_t *msg, size_t n, struct sim_frame *f)
{
	struct sim_adapter_req *r = &s->core->req;

	if (!s->at.caf) {
		f->len = (uint8_t)n;
		memcpy(f->data, msg, n);
	} else if (n <= 7) {
		f->len = 8;
		f->data[0] = (uint8_t)n;
		memcpy(f->data + 1, msg, n);
	} else {
		f->len = 8;
		f->data[0] = (uint8_t)(0x10 | n >> 8);
		f->data[1] = (uint8_t)n;
		memcpy(f->data + 2, msg, 6);
		memcpy(r->msg, msg, n);
		r->len = n;
		r->pos = 6;
		r->sn = 1;
	}
}

/* Sends a message as a request and listens; px gives the STPX options
 * (identifier, timeout, response count). */
void sim_req_start(struct sim *s, const uint8_t *msg, size_t n, const struct sim_stpx *px)
{
	struct sim_core *c = s->core;
	struct sim_adapter_req *r = &c->req;
	struct sim_frame f;
	int fault = sim_fault_request(s), proto = request_protocol(s, &c->stage);

	if (proto >= 3 && proto <= 5)
		return (void)sim_at_line(s, &c->stage, "BUS INIT: ...ERROR");
	if (proto < 6 || proto > 9)
		return (void)sim_at_line(s, &c->stage, "NO DATA");
	if (sim_bit_us(proto) != sim_bit_us(s->vehicle.protocol) || fault == SIM_FAULT_CAN_ERROR)
		return (void)sim_at_line(s, &c->stage, "CAN ERROR");
	memset(&f, 0, sizeof f);
	f.src = -1;
	f.ext = sim_proto_ext(proto);
	f.id = px->id_set ? px->id : request_id(s, f.ext);
	r->phase = SIM_PH_SEND;
	r->count = px->count;
	r->count_frames = px->count_frames && !(s->at.segr && s->adapter.sti);
	r->got = 0;
	r->frames = 0;
	r->any = r->measured = false;
	r->cut = fault == SIM_FAULT_BUFFER_FULL;
	r->timeout_us = px->timeout_us ? px->timeout_us : s->at.timeout_us;
	r->len = r->pos = 0;
	r->bs = r->in_block = 0;
	r->stmin_us = r->last_cf = 0;
	r->id = f.id;
	r->ext = f.ext;
	first_frame(s, msg, n, &f);
	c->mode = SIM_REQUEST;
	c->gen++;
	sim_bus_send(s, &f);
	/* With responses off (ATR0) a single frame is handed to the CAN
	 * controller's transmit buffer and the prompt follows at once; the
	 * bus sends the frame meanwhile (the next command line takes longer
	 * to arrive than the frame to leave). */
	if (!s->at.responses && r->len == 0) {
		c->gen++;
		c->mode = SIM_IDLE; /* the caller prints the prompt */
	}
}

/* Handles a data line (compacted, upper case); false if it is not one. */
bool sim_request(struct sim *s, const char *cmd, struct buf *out)
{
	uint8_t data[SIM_LINE_MAX / 2];
	struct sim_stpx px;
	size_t n;

	(void)out;
	memset(&px, 0, sizeof px);
	if (!parse_request(s, cmd, data, &n, &px.count))
		return false;
	px.count_frames = true;
	sim_req_start(s, data, n, &px);
	return true;
}
