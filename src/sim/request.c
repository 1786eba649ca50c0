/* request.c: the adapter's side of a data line. It parses the hex bytes
 * (and the optional response count digit), picks the protocol (searching
 * once in automatic mode), sends the request as one CAN frame, then takes
 * what the ECUs send back: the receive filter, automatic flow control for
 * segmented replies (CAF1 + CFC1, to the OBD identifiers unless ATFC says
 * otherwise, as a real ELM327 does), and the output formats of ELM327DS
 * ("7E8 03 41 0D 00 " with headers, "014" / "0: ..." without). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define RX_TRACKS 8 /* segmented replies followed at once (one per ECU) */

/* A data line: the bytes and the response count (0 = not given). */
struct request {
	uint8_t data[8];
	size_t n;
	unsigned count;
};

/* A segmented reply the adapter is receiving (for flow control and for
 * counting complete responses). */
struct rx_track {
	bool used, ext;
	uint32_t id;
	size_t remaining; /* payload bytes still to come */
	unsigned bs;      /* block size it announced, 0 = none */
	unsigned cfs;     /* consecutive frames since the last flow control */
};

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
 * 1..8 with CAF0), optionally followed by one response count digit. */
static bool parse_request(const struct sim *s, const char *cmd, struct request *r)
{
	size_t i, digits = strlen(cmd);
	char hexpart[17];

	for (i = 0; i < digits; i++)
		if (hex_digit((unsigned char)cmd[i]) < 0)
			return false;
	r->count = 0;
	if (digits % 2) {
		if (digits < 3 || cmd[digits - 1] == '0')
			return false;
		r->count = (unsigned)hex_digit((unsigned char)cmd[digits - 1]);
		digits--;
	}
	if (digits / 2 < 1 || digits / 2 > (s->at.caf ? 7u : 8u))
		return false;
	memcpy(hexpart, cmd, digits);
	hexpart[digits] = 0;
	r->n = (size_t)hex_decode(hexpart, r->data, sizeof r->data);
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
 * digit), else the OBD response identifiers 7E8-7EF / 18 DA F1 xx. */
static bool accepted(const struct sim *s, const struct sim_frame *f)
{
	char id[9];
	size_t i, n;

	if (s->at.cra[0] == 0)
		return f->ext ? (f->id & 0x1FFFFF00u) == 0x18DAF100u
			      : f->id >= 0x7E8 && f->id <= 0x7EF;
	snprintf(id, sizeof id, f->ext ? "%08X" : "%03X", (unsigned)f->id);
	n = strlen(s->at.cra);
	if (strlen(id) != n)
		return false;
	for (i = 0; i < n; i++)
		if (s->at.cra[i] != 'X' && s->at.cra[i] != id[i])
			return false;
	return true;
}

/* Prints the identifier of a frame (ATH1). */
static void print_id(const struct sim *s, struct buf *out, const struct sim_frame *f)
{
	uint8_t b[4];

	if (!f->ext) {
		buf_printf(out, s->at.spaces ? "%03X " : "%03X", (unsigned)f->id);
		return;
	}
	b[0] = (uint8_t)(f->id >> 24 & 0x1F);
	b[1] = (uint8_t)(f->id >> 16);
	b[2] = (uint8_t)(f->id >> 8);
	b[3] = (uint8_t)f->id;
	sim_at_hex(s, out, b, 4);
}

/* Prints a frame with CAN auto formatting and headers off: the payload
 * of a single frame, "LLL" + "0: ..." for a first frame, "N: ..." for a
 * consecutive frame. */
static void print_formatted(const struct sim *s, struct buf *out, const struct sim_frame *f)
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

/* Prints one received frame as a line. With headers on, a single frame
 * shows its PCI and payload (no padding) and other frames all their bytes;
 * with CAF0 every byte is shown. */
static void print_frame(const struct sim *s, struct buf *out, const struct sim_frame *f)
{
	unsigned l = f->data[0] & 0x0F;

	if (s->at.headers)
		print_id(s, out, f);
	if (!s->at.caf)
		sim_at_hex(s, out, f->data, f->len);
	else if (!s->at.headers)
		print_formatted(s, out, f);
	else if (f->data[0] >> 4 == 0 && l >= 1 && l + 1u <= f->len)
		sim_at_hex(s, out, f->data, l + 1u);
	else
		sim_at_hex(s, out, f->data, f->len);
	sim_at_eol(s, out);
}

/* Identifier of an automatic flow control answering a first frame from
 * rx: 7E8-7EF go to 7E0-7E7, 18 DA F1 xx to 18 DA xx F1; any other
 * identifier is answered on itself, which reaches no ECU (so non-OBD
 * modules need ATFC SH/SD/SM1, as on a real ELM327: see
 * mechanics.stackexchange.com question 91169). */
static uint32_t auto_fc_id(const struct sim_frame *rx)
{
	if (!rx->ext)
		return rx->id >= 0x7E8 && rx->id <= 0x7EF ? rx->id - 8 : rx->id;
	if ((rx->id & 0x1FFF0000u) == 0x18DA0000u)
		return 0x18DA0000u | (rx->id & 0xFF) << 8 | (rx->id >> 8 & 0xFF);
	return rx->id;
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
	fc.ext = rx->ext;
	fc.len = 8;
	fc.id = s->at.fc_mode == 1 ? user_fc_id(s, rx->ext) : auto_fc_id(rx);
	if (s->at.fc_mode == 0)
		memcpy(fc.data, auto_data, sizeof auto_data);
	else
		memcpy(fc.data, s->at.fc_data, s->at.fc_dlen);
	sim_can_send(s, &fc);
	return fc.data[1];
}

/* The track of a segmented reply from f's sender, or a free one for it. */
static struct rx_track *track_of(struct rx_track *t, const struct sim_frame *f, bool create)
{
	size_t i;

	for (i = 0; i < RX_TRACKS; i++)
		if (t[i].used && t[i].id == f->id && t[i].ext == f->ext)
			return &t[i];
	for (i = 0; create && i < RX_TRACKS; i++)
		if (!t[i].used) {
			memset(&t[i], 0, sizeof t[i]);
			t[i].used = true;
			t[i].id = f->id;
			t[i].ext = f->ext;
			return &t[i];
		}
	return NULL;
}

/* Follows a received frame with CAF1: sends flow control where due and
 * returns true when a response is complete (a single frame, or the last
 * consecutive frame of a segmented one). */
static bool follow_frame(struct sim *s, struct rx_track *tracks, const struct sim_frame *f)
{
	struct rx_track *t;
	unsigned type = f->data[0] >> 4;
	size_t total = (size_t)(f->data[0] & 0x0F) << 8 | f->data[1];

	if (type == 1) {
		if (f->len < 8 || total <= 6 || (t = track_of(tracks, f, true)) == NULL)
			return false;
		t->remaining = total - 6;
		t->cfs = 0;
		t->bs = s->at.cfc ? send_fc(s, f) : 0;
		return false;
	}
	if (type != 2)
		return true;
	if ((t = track_of(tracks, f, false)) == NULL)
		return false;
	t->remaining -= t->remaining < 7 ? t->remaining : 7;
	if (t->remaining == 0) {
		t->used = false;
		return true;
	}
	if (t->bs && ++t->cfs == t->bs && s->at.cfc) {
		t->cfs = 0;
		t->bs = send_fc(s, f);
	}
	return false;
}

/* Takes the frames the ECUs sent: filters, prints, stops after count
 * responses when a count was given; "NO DATA" if nothing came. A stream
 * that does not end (a flow control set up to be a request) stops with
 * "BUFFER FULL", as the adapter's buffer would fill. */
static void receive(struct sim *s, struct buf *out, unsigned count)
{
	struct rx_track tracks[RX_TRACKS];
	struct sim_frame f;
	unsigned got = 0;
	size_t taken = 0;
	bool any = false;

	memset(tracks, 0, sizeof tracks);
	while (sim_bus_pop(&s->bus, &f)) {
		if (++taken > SIM_QUEUE_MAX || s->bus.overflow) {
			sim_at_line(s, out, "BUFFER FULL");
			any = true;
			break;
		}
		if (f.len == 0 || !accepted(s, &f))
			continue;
		print_frame(s, out, &f);
		any = true;
		if (!s->at.caf || follow_frame(s, tracks, &f))
			got++;
		if (count && got >= count)
			break;
	}
	if (!any)
		sim_at_line(s, out, "NO DATA");
	sim_bus_clear(&s->bus);
}

/* Handles a data line (compacted, upper case); false if it is not one. */
bool sim_request(struct sim *s, const char *cmd, struct buf *out)
{
	struct request r;
	struct sim_frame f;
	int proto;

	if (!parse_request(s, cmd, &r))
		return false;
	proto = request_protocol(s, out);
	if (proto >= 3 && proto <= 5) {
		sim_at_line(s, out, "BUS INIT: ...ERROR");
		return true;
	}
	if (proto < 6 || proto > 9) {
		sim_at_line(s, out, "NO DATA");
		return true;
	}
	memset(&f, 0, sizeof f);
	f.ext = sim_proto_ext(proto);
	f.id = request_id(s, f.ext);
	f.len = s->at.caf ? 8 : (uint8_t)r.n;
	if (s->at.caf)
		f.data[0] = (uint8_t)r.n;
	memcpy(f.data + (s->at.caf ? 1 : 0), r.data, r.n);
	sim_bus_clear(&s->bus);
	sim_can_send(s, &f);
	receive(s, out, r.count);
	return true;
}
