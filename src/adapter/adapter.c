/* adapter.c: the ELM327/STN command driver: one command at a time, read to
 * the prompt, parse; resynchronisation, reset and probe; CAN target
 * selection with flow control; the primitive sends the ISO-TP layer uses. */
#include "config.h"
#include "adapter/adapter.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/hex.h"

#define RAW_MAX 16384
#define DEFAULT_TIMEOUT_MS 3000
#define RESET_TIMEOUT_MS 5000
#define WRITE_TIMEOUT_MS 2000
#define RESYNC_TRIES 3
#define STPX_INLINE_MAX 32   /* longer STPX payloads go through l: and DATA> */
#define STPX_LINE_BYTES 64   /* payload bytes per line after DATA> */
#define DEFAULT_ST_MS 200    /* ATST 32, the data sheet's default */
#define OBD_SEARCH_RAW_MAX 1024 /* kept of the protocol search's OBD-II reply */

struct adapter {
	struct link *link;
	bool (*cancelled)(void *arg); /* the user asked to stop (the probe's retries end) */
	void *cancel_arg;
	struct adapter_info info;
	int timeout_ms;
	bool have_target;
	struct can_target target;  /* what ATSH/ATCRA/ATFC are set to */
	bool have_header;
	uint32_t header;           /* what ATSH (and ATCP) are set to */
	bool header_ext;
	bool have_filter;
	struct can_filter filter;  /* what ATCF/ATCM are set to (probes) */
	int caf;                   /* ATCAF1 (1), ATCAF0 (0), unknown (-1) */
	int responses;             /* ATR1 (1), ATR0 (0), unknown (-1) */
	bool fc_manual;            /* ATFC SM1 may be set */
	bool slow_can;             /* the bus runs at 250 kbit/s (protocols 8, 9) */
	int base_baud;             /* UART rate before any ATBRD/STBR */
	int st_ms;                 /* current ATST in ms */
	struct elm_format fmt;
	uint8_t raw[RAW_MAX];
	size_t nraw;
	struct elm_reply reply;    /* scratch for commands */
};

/* Wraps a link. */
struct adapter *adapter_new(struct link *l)
{
	struct adapter *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	a->link = l;
	a->timeout_ms = DEFAULT_TIMEOUT_MS;
	adapter_forget_state(a);
	return a;
}

/* Frees the driver. */
void adapter_free(struct adapter *a)
{
	free(a);
}

/* The fingerprint. */
const struct adapter_info *adapter_info(const struct adapter *a)
{
	return &a->info;
}

/* Per-command timeout. */
void adapter_set_timeout(struct adapter *a, int ms)
{
	a->timeout_ms = ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

/* Marks every cached setting unknown, so each is sent again when needed. */
void adapter_forget_state(struct adapter *a)
{
	a->have_target = false;
	a->have_header = false;
	a->have_filter = false;
	a->caf = -1;
	a->responses = -1;
	a->fc_manual = true;
	a->st_ms = -1;
}

/* The settings right after a reset (ATZ), as the data sheet gives them. */
static void assume_defaults(struct adapter *a)
{
	a->have_target = false;
	a->have_header = false;
	a->have_filter = false;
	a->caf = 1;
	a->responses = 1;
	a->fc_manual = false;
	a->st_ms = DEFAULT_ST_MS;
}

/* Writes a command line (command plus CR) after dropping stale input. */
static int write_line(struct adapter *a, const char *cmd, struct error *e)
{
	char line[RAW_MAX / 2];
	size_t len = strlen(cmd);

	if (len + 2 > sizeof line)
		return error_set(e, ERR_ARG, "command too long (%zu characters)", len);
	link_drain(a->link);
	memcpy(line, cmd, len);
	line[len++] = '\r';
	return link_write(a->link, line, len, WRITE_TIMEOUT_MS, e);
}

/* Reads into a->raw until a prompt '>' arrives or the deadline passes. */
static int read_to_prompt(struct adapter *a, const char *cmd, int64_t deadline, int timeout_ms,
			  struct error *e)
{
	long r;

	a->nraw = 0;
	while (a->nraw == 0 || memchr(a->raw, '>', a->nraw) == NULL) {
		if (a->nraw >= sizeof a->raw)
			return error_set(e, ERR_PROTOCOL, "reply to '%s' longer than %zu bytes", cmd,
					 sizeof a->raw);
		r = link_read(a->link, a->raw + a->nraw, sizeof a->raw - a->nraw,
			      clock_remaining_ms(deadline), e);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return error_set(e, ERR_TIMEOUT, "adapter did not answer '%s' within %d ms",
					 cmd, timeout_ms);
		a->nraw += (size_t)r;
	}
	return 0;
}

/* Sends one command line and reads everything up to the prompt. */
static int roundtrip(struct adapter *a, const char *cmd, int timeout_ms, struct error *e)
{
	int64_t deadline = clock_ms() + timeout_ms;

	if (write_line(a, cmd, e) < 0)
		return -(int)e->kind;
	return read_to_prompt(a, cmd, deadline, timeout_ms, e);
}

/* Maps a parsed status to an error (0 for the good ones). */
static int status_error(const struct elm_reply *r, const char *cmd, struct error *e)
{
	int rc;

	switch (r->status) {
	case ELM_OK:
	case ELM_DATA:
	case ELM_TEXT:
		return 0;
	case ELM_EMPTY:
	case ELM_NO_DATA:
		rc = error_set(e, ERR_TIMEOUT, "no answer to '%s' (%s)", cmd,
			       elm_status_name(r->status));
		e->detail = ELM_NO_DATA;
		return rc;
	case ELM_UNKNOWN_COMMAND:
		return error_set(e, ERR_UNSUPPORTED, "adapter does not know '%s'", cmd);
	case ELM_GARBAGE:
	case ELM_INCOMPLETE:
		return error_set(e, ERR_PROTOCOL, "unrecognised reply to '%s': %s", cmd, r->text);
	default:
		rc = error_set(e, ERR_ADAPTER, "adapter reported %s after '%s'",
			       elm_status_name(r->status), cmd);
		e->detail = (int)r->status;
		return rc;
	}
}

static int host_baud(struct adapter *a, int baud, struct error *e);

/* True when the adapter printed its banner in a reply that should not
 * have one: it reset itself (power dip, fault) and lost its settings. */
static bool saw_reset(const struct adapter *a, const char *cmd)
{
	size_t len = strlen(a->info.elm_version);

	if (len == 0 || strcmp(cmd, "ATZ") == 0 || strcmp(cmd, "ATWS") == 0 ||
	    strcmp(cmd, "ATI") == 0 || strncmp(cmd, "ATBRD", 5) == 0 || strncmp(cmd, "STBR", 4) == 0)
		return false;
	return memmem(a->raw, a->nraw, a->info.elm_version, len) != NULL;
}

/* Reports an adapter that reset itself in the middle of a command. */
static int reset_error(struct adapter *a, const char *cmd, struct error *e)
{
	int rc = error_set(e, ERR_ADAPTER, "the adapter reset itself during '%s'", cmd);
	struct error ignored;

	e->detail = ELM_LV_RESET;
	adapter_forget_state(a);
	if (a->info.baud != a->base_baud) { /* a reset brings back its default rate */
		host_baud(a, a->base_baud, &ignored);
		a->info.baud = a->base_baud;
	}
	return rc;
}

/* Timeout for a command: resets take longer. */
static int command_timeout(const struct adapter *a, const char *cmd)
{
	if (strcmp(cmd, "ATZ") == 0 || strcmp(cmd, "ATWS") == 0 || strcmp(cmd, "ATD") == 0)
		return RESET_TIMEOUT_MS;
	return a->timeout_ms;
}

/* Sends an AT/ST command and returns its text answer. */
int adapter_command(struct adapter *a, const char *cmd, char *out, size_t n, struct error *e)
{
	if (roundtrip(a, cmd, command_timeout(a, cmd), e) < 0)
		return -(int)e->kind;
	if (saw_reset(a, cmd))
		return reset_error(a, cmd, e);
	elm_parse_text(cmd, a->raw, a->nraw, &a->reply);
	a->info.junk += a->reply.junk;
	if (status_error(&a->reply, cmd, e) < 0)
		return -(int)e->kind;
	if (out && n)
		snprintf(out, n, "%s", a->reply.text);
	return 0;
}

/* Sends a command line and returns the raw reply up to the prompt. */
int adapter_raw_command(struct adapter *a, const char *cmd, char *raw, size_t n, struct error *e)
{
	size_t len;

	adapter_forget_state(a);
	if (roundtrip(a, cmd, command_timeout(a, cmd), e) < 0)
		return -(int)e->kind;
	len = a->nraw < n - 1 ? a->nraw : n - 1;
	memcpy(raw, a->raw, len);
	raw[len] = 0;
	return 0;
}

/* Runs a command whose only question is whether the adapter knows it:
 * *known is false on "?"; other failures are errors. */
static int probe(struct adapter *a, const char *cmd, bool *known, struct error *e)
{
	*known = false;
	if (adapter_command(a, cmd, NULL, 0, e) == 0) {
		*known = true;
		return 0;
	}
	if (e->kind == ERR_UNSUPPORTED) {
		error_clear(e);
		return 0;
	}
	if ((e->kind == ERR_TIMEOUT || e->kind == ERR_ADAPTER) && strncmp(cmd, "AT", 2) != 0) {
		*known = true; /* a data request answered NO DATA or CAN ERROR was understood */
		error_clear(e);
		return 0;
	}
	return -(int)e->kind;
}

/* Resets the adapter from an unknown state: a busy adapter is stopped by
 * the first byte, a stale prompt or junk is drained, and ATZ is retried
 * until its banner comes back. */
static int reset_adapter(struct adapter *a, struct error *e)
{
	int i;

	for (i = 0; i < RESYNC_TRIES; i++) {
		error_clear(e);
		if (adapter_command(a, "ATZ", a->info.elm_version, sizeof a->info.elm_version, e) ==
			    0 &&
		    strstr(a->info.elm_version, "ELM") != NULL)
			return 0;
		if (e->kind == ERR_EOF || e->kind == ERR_IO)
			break;
		if (a->cancelled && a->cancelled(a->cancel_arg))
			return error_set(e, ERR_CANCELLED, "stopped by the user: the adapter did not "
					 "answer 'ATZ'");
		clock_sleep_us(100000);
		link_drain(a->link);
	}
	if (e->kind == ERR_NONE)
		error_set(e, ERR_PROTOCOL, "no ELM327 banner after ATZ (got '%s')",
			  a->info.elm_version);
	return error_wrap(e, "resetting the adapter");
}

/* Runs the setup commands that every later command relies on. */
static int configure(struct adapter *a, const char *protocol_cmd, struct error *e)
{
	const char *const setup[] = { "ATE0", "ATL0", "ATS0", "ATH1", protocol_cmd, NULL };
	size_t i;

	for (i = 0; setup[i]; i++)
		if (adapter_command(a, setup[i], NULL, 0, e) < 0)
			return error_wrap(e, "configuring the adapter");
	a->fmt.headers = true;
	a->have_target = false;
	a->have_header = false;
	a->have_filter = false;
	return 0;
}

/* The ATSP command for 11-bit or 29-bit IDs at the bus's bit rate. */
static const char *protocol_cmd(const struct adapter *a, bool ext)
{
	if (a->slow_can)
		return ext ? "ATSP9" : "ATSP8";
	return ext ? "ATSP7" : "ATSP6";
}

static int set_protocol(struct adapter *a, bool ext, struct error *e);

/* True for the reply ID of an OBD-II ECU (ISO 15765-4: 7E8..7EF, or
 * 18DAF1xx on 29-bit identifiers). */
static bool obd_reply_id(uint32_t id, bool ext)
{
	if (!ext)
		return id >= 0x7E8 && id <= 0x7EF;
	return (id & 0xFFFFFF00u) == 0x18DAF100u && id != 0x18DAF1F1u;
}

/* Remembers the lowest reply ID among the ECUs that answered the
 * search's OBD-II request (raw is its reply), read with the identifier
 * width the search found. */
static void note_obd_ecu(struct adapter *a, const char *cmd, const uint8_t *raw, size_t n)
{
	struct elm_format f = { true, a->info.bus_ext };
	size_t i;

	a->info.obd_rx = 0;
	elm_parse_data(cmd, raw, n, &f, &a->reply);
	if (a->reply.status != ELM_DATA)
		return;
	for (i = 0; i < a->reply.nframes; i++) {
		uint32_t id = a->reply.frames[i].id;
		if (obd_reply_id(id, f.ext_ids) && (a->info.obd_rx == 0 || id < a->info.obd_rx))
			a->info.obd_rx = id;
	}
}

/* Finds the vehicle's CAN protocol: an automatic search (ATSP0) with an
 * OBD-II request, then ATDPN; 250 kbit/s buses (protocols 8 and 9) and
 * 29-bit identifiers are remembered, and the adapter is left on the
 * protocol found (ATDP then names it; targets of the other identifier
 * width switch it per request). The ECU that answered is noted for live
 * data. Without an answer (a car with no OBD-II engine ECU) 11-bit 500
 * kbit/s stays. The digit after the request is the response-count probe. */
static int find_protocol(struct adapter *a, struct error *e)
{
	uint8_t answer[OBD_SEARCH_RAW_MAX];
	const char *cmd = "01001", *d;
	size_t nanswer;
	char dpn[16];
	bool searched;

	if (adapter_command(a, "ATSP0", NULL, 0, e) < 0 || probe(a, cmd, &a->info.caps.count_digit, e) < 0)
		return -(int)e->kind;
	if (!a->info.caps.count_digit) {
		cmd = "0100";
		if (probe(a, cmd, &searched, e) < 0)
			return -(int)e->kind;
	}
	nanswer = a->nraw < sizeof answer ? a->nraw : sizeof answer;
	memcpy(answer, a->raw, nanswer);
	if (adapter_command(a, "ATDPN", dpn, sizeof dpn, NULL) < 0)
		dpn[0] = 0;
	d = dpn[0] == 'A' ? dpn + 1 : dpn;
	a->slow_can = d[0] == '8' || d[0] == '9';
	a->info.bus_ext = d[0] == '7' || d[0] == '9';
	note_obd_ecu(a, cmd, answer, nanswer);
	a->fmt.ext_ids = false;
	if (a->info.bus_ext)
		return set_protocol(a, true, e);
	return adapter_command(a, protocol_cmd(a, false), NULL, 0, e);
}

/* Longest STPX message of an STN chip, from its STI answer. */
static int stpx_limit(const char *sti)
{
	if (strstr(sti, "STN21") || strstr(sti, "STN22"))
		return 4096;
	return 2048;
}

/* Reads the STN identification; plain ELM327s answer "?". */
static int probe_stn(struct adapter *a, struct error *e)
{
	bool known;
	char *sp;

	if (adapter_command(a, "STI", a->info.stn_version, sizeof a->info.stn_version, e) < 0) {
		a->info.stn_version[0] = 0;
		if (e->kind != ERR_UNSUPPORTED)
			return -(int)e->kind;
		error_clear(e);
		return 0;
	}
	a->info.caps.stn = true;
	a->info.caps.stpx_max = stpx_limit(a->info.stn_version);
	snprintf(a->info.chip, sizeof a->info.chip, "%s", a->info.stn_version);
	sp = strchr(a->info.chip, ' ');
	if (sp)
		*sp = 0;
	if (adapter_command(a, "STDI", a->info.stn_device, sizeof a->info.stn_device, e) < 0) {
		a->info.stn_device[0] = 0;
		error_clear(e);
	}
	if (probe(a, "STPX d:0100,r:1", &known, e) < 0)
		return -(int)e->kind;
	a->info.caps.stpx = known;
	return 0;
}

/* Probes the commands each send path needs, restoring the defaults. */
static int probe_commands(struct adapter *a, struct error *e)
{
	struct adapter_caps *c = &a->info.caps;

	if (probe(a, "ATCAF0", &c->caf0, e) < 0 || (c->caf0 && adapter_command(a, "ATCAF1", NULL, 0, e) < 0))
		return -(int)e->kind;
	if (probe(a, "ATFCSH7E0", &c->fc_header, e) < 0)
		return -(int)e->kind;
	if (probe(a, "ATR0", &c->r0, e) < 0 || (c->r0 && adapter_command(a, "ATR1", NULL, 0, e) < 0))
		return -(int)e->kind;
	return find_protocol(a, e);
}

/* Chooses how long requests are sent, from what the adapter answered. */
static void choose_path(struct adapter *a)
{
	struct adapter_info *i = &a->info;
	static const char *const names[] = {
		[PATH_SINGLE_FRAME] = "single-frame",
		[PATH_ELM_SLOW] = "elm-caf0",
		[PATH_ELM_BURST] = "elm-burst",
		[PATH_STPX] = "stpx",
	};

	if (i->caps.stpx)
		i->send_path = PATH_STPX;
	else if (i->caps.caf0 && i->caps.r0)
		i->send_path = PATH_ELM_BURST;
	else if (i->caps.caf0)
		i->send_path = PATH_ELM_SLOW;
	else
		i->send_path = PATH_SINGLE_FRAME;
	i->max_request = i->send_path == PATH_SINGLE_FRAME ? 7 : 4095;
	if (i->send_path == PATH_STPX && !i->caps.caf0 && i->caps.stpx_max < i->max_request)
		i->max_request = i->caps.stpx_max;
	snprintf(i->path, sizeof i->path, "%s", names[i->send_path]);
}

/* Measures the round trip of a short command (the average of three). */
static void measure_rtt(struct adapter *a)
{
	int64_t t0 = clock_us();
	int i;

	for (i = 0; i < 3; i++)
		if (adapter_command(a, "ATRV", NULL, 0, NULL) < 0 && i == 0)
			break;
	a->info.rtt_ms = (int)((clock_us() - t0) / 3000);
}

/* Sets who tells the probe to stop retrying. */
void adapter_set_cancel(struct adapter *a, bool (*cancelled)(void *arg), void *arg)
{
	a->cancelled = cancelled;
	a->cancel_arg = arg;
}

/* Resynchronises, resets, configures and probes the adapter. */
int adapter_init(struct adapter *a, struct error *e)
{
	memset(&a->info, 0, sizeof a->info);
	a->fmt.ext_ids = false;
	a->slow_can = false;
	if (reset_adapter(a, e) < 0)
		return -(int)e->kind;
	assume_defaults(a);
	if (configure(a, "ATSP6", e) < 0)
		return -(int)e->kind;
	snprintf(a->info.chip, sizeof a->info.chip, "ELM327");
	if (adapter_command(a, "ATI", a->info.elm_version, sizeof a->info.elm_version, e) < 0)
		return error_wrap(e, "identifying the adapter");
	if (adapter_command(a, "AT@1", a->info.device, sizeof a->info.device, NULL) < 0)
		a->info.device[0] = 0;
	if (probe_stn(a, e) < 0 || probe_commands(a, e) < 0)
		return error_wrap(e, "probing the adapter");
	if (adapter_command(a, "ATDP", a->info.protocol, sizeof a->info.protocol, NULL) < 0)
		a->info.protocol[0] = 0;
	choose_path(a);
	measure_rtt(a);
	a->info.baud = link_baud(a->link);
	a->base_baud = a->info.baud;
	a->fc_manual = true;
	return 0;
}

/* One line describing the fingerprint. */
void adapter_describe(const struct adapter *a, char *out, size_t n)
{
	const struct adapter_info *i = &a->info;
	char uart[32];

	if (i->baud)
		snprintf(uart, sizeof uart, "%d baud", i->baud);
	else
		snprintf(uart, sizeof uart, "no UART");
	snprintf(out, n, "%s%s%s (%s), path %s, max %d bytes, %s, rtt %d ms",
		 i->caps.stn ? i->stn_version : i->elm_version, i->caps.stn ? " / " : "",
		 i->caps.stn ? i->stn_device : "", i->caps.stn ? i->elm_version : i->device,
		 i->path, i->max_request, uart, i->rtt_ms);
}

/* Resynchronises and sets the formatting again after a disturbance. */
int adapter_recover(struct adapter *a, struct error *e)
{
	clock_sleep_us(20000);
	link_drain(a->link);
	adapter_forget_state(a);
	if (configure(a, protocol_cmd(a, a->fmt.ext_ids), e) < 0)
		return error_wrap(e, "recovering the adapter");
	return 0;
}

/* Reads the supply voltage in volts. */
int adapter_voltage(struct adapter *a, double *volts, struct error *e)
{
	char text[64], *end;
	double v;

	if (adapter_command(a, "ATRV", text, sizeof text, e) < 0)
		return -(int)e->kind;
	v = strtod(text, &end);
	if (end == text || (*end != 'V' && *end != 'v' && *end != 0) || v < 0 || v > 60)
		return error_set(e, ERR_PROTOCOL, "unexpected voltage reading '%s'", text);
	*volts = v;
	return 0;
}

/* Sets a cached on/off setting with the pair of commands for it. */
static int set_flag(struct adapter *a, int *cached, bool on, const char *on_cmd,
		    const char *off_cmd, struct error *e)
{
	if (*cached == (int)on)
		return 0;
	if (adapter_command(a, on ? on_cmd : off_cmd, NULL, 0, e) < 0)
		return -(int)e->kind;
	*cached = on;
	return 0;
}

/* Formatting on (CAF1) or off (CAF0). */
static int set_caf(struct adapter *a, bool on, struct error *e)
{
	if (!on && !a->info.caps.caf0)
		return error_set(e, ERR_UNSUPPORTED,
				 "this adapter refuses ATCAF0, so it cannot send raw frames");
	return set_flag(a, &a->caf, on, "ATCAF1", "ATCAF0", e);
}

/* Turns waiting for replies after a send on or off. */
int adapter_set_responses(struct adapter *a, bool on, struct error *e)
{
	if (!a->info.caps.r0) {
		if (!on)
			return error_set(e, ERR_UNSUPPORTED, "this adapter refuses ATR0");
		a->responses = 1; /* it always waits for replies */
		return 0;
	}
	return set_flag(a, &a->responses, on, "ATR1", "ATR0", e);
}

/* Sets the reply timeout (ATST) in milliseconds. */
int adapter_set_reply_timeout(struct adapter *a, int ms, struct error *e)
{
	int units = (ms + 3) / 4;
	char cmd[16];

	if (units < 1)
		units = 1;
	if (units > 255)
		units = 255;
	if (units * 4 == a->st_ms)
		return 0;
	snprintf(cmd, sizeof cmd, "ATST%02X", units);
	if (adapter_command(a, cmd, NULL, 0, e) < 0)
		return -(int)e->kind;
	a->st_ms = units * 4;
	return 0;
}

/* Sets the transmit header (ATSH, plus ATCP for 29-bit when its top bits
 * change); nothing is sent when the adapter has it already. */
static int set_header(struct adapter *a, uint32_t tx, bool ext, struct error *e)
{
	char cmd[32];

	if (a->have_header && a->header == tx && a->header_ext == ext)
		return 0;
	if (ext && !(a->have_header && a->header_ext && a->header >> 24 == tx >> 24)) {
		snprintf(cmd, sizeof cmd, "ATCP%02X", (unsigned)(tx >> 24) & 0x1F);
		if (adapter_command(a, cmd, NULL, 0, e) < 0)
			return -(int)e->kind;
	}
	a->have_header = false;
	if (ext)
		snprintf(cmd, sizeof cmd, "ATSH%06X", (unsigned)tx & 0xFFFFFF);
	else
		snprintf(cmd, sizeof cmd, "ATSH%03X", (unsigned)tx & 0x7FF);
	if (adapter_command(a, cmd, NULL, 0, e) < 0)
		return -(int)e->kind;
	a->have_header = true;
	a->header = tx;
	a->header_ext = ext;
	return 0;
}

/* True when the adapter's automatic flow control already answers the
 * target (OBD IDs: 7E8..7EF from 7E0..7E7, 18DAF1xx from 18DAxxF1). */
bool adapter_auto_flow_control(const struct can_target *t)
{
	if (!t->ext)
		return t->rx >= 0x7E8 && t->rx <= 0x7EF && t->tx == t->rx - 8;
	return (t->rx & 0xFFFFFF00u) == 0x18DAF100u &&
	       t->tx == (0x18DA00F1u | (t->rx & 0xFF) << 8);
}

/* The separation time (an STmin byte) the target must leave between the
 * consecutive frames of a reply so that the adapter's UART keeps up: each
 * frame becomes a line of ID, 16 hex digits and CR, and a UART slower than
 * the bus overflows the adapter's buffer (BUFFER FULL) in a long reply.
 * 0 when the UART is faster than the bus or its rate is unknown. */
static uint8_t reply_stmin(const struct adapter *a, const struct can_target *t)
{
	unsigned chars = (t->ext ? 8u : 3u) + 16u + 1u, line_us, frame_us;

	if (a->info.baud <= 0)
		return 0;
	line_us = chars * 10u * 1000000u / (unsigned)a->info.baud;
	line_us += line_us / 10; /* a margin for the adapter's own work */
	frame_us = (t->ext ? 131u : 111u) * (a->slow_can ? 4u : 2u);
	if (line_us <= frame_us)
		return 0;
	if (line_us <= 900)
		return (uint8_t)(0xF0 + (line_us + 99) / 100);
	return (uint8_t)((line_us + 999) / 1000 > 127 ? 127 : (line_us + 999) / 1000);
}

/* Sets flow control for IDs the automatic flow control does not cover,
 * and for every physical target whose replies must be paced for a slow
 * UART; an adapter that refuses ATFC SH is left as it is (the ISO-TP
 * layer then receives long replies with its own flow control). */
static int set_flow_control(struct adapter *a, const struct can_target *t, struct error *e)
{
	uint8_t stmin = t->rx ? reply_stmin(a, t) : 0;
	char cmd[32];

	if (!a->info.caps.fc_header)
		return 0;
	if (t->rx == 0 || (adapter_auto_flow_control(t) && stmin == 0)) {
		if (a->fc_manual && adapter_command(a, "ATFCSM0", NULL, 0, e) < 0)
			return -(int)e->kind;
		a->fc_manual = false;
		return 0;
	}
	snprintf(cmd, sizeof cmd, t->ext ? "ATFCSH%08X" : "ATFCSH%03X", (unsigned)t->tx);
	if (adapter_command(a, cmd, NULL, 0, e) < 0)
		return -(int)e->kind;
	snprintf(cmd, sizeof cmd, "ATFCSD3000%02X", stmin);
	if (adapter_command(a, cmd, NULL, 0, e) < 0 || adapter_command(a, "ATFCSM1", NULL, 0, e) < 0)
		return -(int)e->kind;
	a->fc_manual = true;
	return 0;
}

/* Switches between 11-bit and 29-bit CAN and sends the formatting again
 * (some clones reset it on a protocol change). */
static int set_protocol(struct adapter *a, bool ext, struct error *e)
{
	if (ext == a->fmt.ext_ids)
		return 0;
	if (configure(a, protocol_cmd(a, ext), e) < 0)
		return -(int)e->kind;
	a->fmt.ext_ids = ext;
	a->caf = -1;
	a->fc_manual = true;
	return 0;
}

/* Points the adapter at a target: protocol, header, filter, flow control. */
static int select_target(struct adapter *a, const struct can_target *t, struct error *e)
{
	char cmd[32];

	if (a->have_target && a->target.tx == t->tx && a->target.rx == t->rx &&
	    a->target.ext == t->ext)
		return 0;
	a->have_target = false;
	if (set_protocol(a, t->ext, e) < 0 || set_header(a, t->tx, t->ext, e) < 0)
		return error_wrap(e, "addressing %X", (unsigned)t->tx);
	if (t->rx == 0)
		snprintf(cmd, sizeof cmd, "ATCRA");
	else
		snprintf(cmd, sizeof cmd, t->ext ? "ATCRA%08X" : "ATCRA%03X", (unsigned)t->rx);
	a->have_filter = false; /* ATCRA replaces ATCF/ATCM */
	if (adapter_command(a, cmd, NULL, 0, e) < 0 || set_flow_control(a, t, e) < 0)
		return error_wrap(e, "addressing %X", (unsigned)t->tx);
	a->target = *t;
	a->have_target = true;
	return 0;
}

/* Appends the response-count digit when the adapter knows it. */
static void add_count(const struct adapter *a, char *cmd, size_t n, int expect)
{
	size_t len = strlen(cmd);

	if (expect > 0 && expect <= 15 && a->info.caps.count_digit && len + 2 <= n) {
		cmd[len] = "0123456789ABCDEF"[expect];
		cmd[len + 1] = 0;
	}
}

/* The module stayed silent (the adapter said NO DATA). */
static int no_answer(const struct can_target *t, struct error *e)
{
	int rc = error_set(e, ERR_TIMEOUT, "no answer from %X", (unsigned)t->rx);

	e->detail = ELM_NO_DATA;
	return rc;
}

/* Sends a data line and parses the frames received until the prompt. */
static int data_exchange(struct adapter *a, const struct can_target *t, const char *cmd,
			 const struct adapter_send_opt *opt, struct elm_reply *reply,
			 struct error *e)
{
	int timeout = opt && opt->timeout_ms > 0 ? opt->timeout_ms : a->timeout_ms;

	if (roundtrip(a, cmd, timeout, e) < 0)
		return -(int)e->kind;
	if (saw_reset(a, cmd))
		return reset_error(a, cmd, e);
	elm_parse_data(cmd, a->raw, a->nraw, &a->fmt, reply);
	if (reply->status == ELM_DATA)
		return 0;
	if (a->responses == 0 && (reply->status == ELM_EMPTY || reply->status == ELM_OK))
		return 0;
	if (reply->status == ELM_NO_DATA || reply->status == ELM_EMPTY)
		return no_answer(t, e);
	return status_error(reply, cmd, e);
}

/* Sends up to 7 payload bytes with the adapter's formatting. */
int adapter_send(struct adapter *a, const struct can_target *t, const uint8_t *data, size_t n,
		 const struct adapter_send_opt *opt, struct elm_reply *reply, struct error *e)
{
	char cmd[2 * 8 + 2];

	if (n == 0 || n > 7)
		return error_set(e, ERR_ARG, "payload of %zu bytes does not fit one frame", n);
	if (select_target(a, t, e) < 0 || set_caf(a, true, e) < 0)
		return -(int)e->kind;
	if (adapter_set_responses(a, !(opt && opt->no_reply && a->info.caps.r0), e) < 0)
		return -(int)e->kind;
	hex_encode(data, n, cmd);
	add_count(a, cmd, sizeof cmd, opt ? opt->expect : 0);
	return data_exchange(a, t, cmd, opt, reply, e);
}

/* Sends one raw CAN frame with formatting off. */
int adapter_send_frame(struct adapter *a, const struct can_target *t, const uint8_t *frame,
		       size_t n, const struct adapter_send_opt *opt, struct elm_reply *reply,
		       struct error *e)
{
	char cmd[2 * 8 + 2];

	if (n == 0 || n > 8)
		return error_set(e, ERR_ARG, "a CAN frame holds 1 to 8 bytes, not %zu", n);
	if (select_target(a, t, e) < 0 || set_caf(a, false, e) < 0)
		return -(int)e->kind;
	hex_encode(frame, n, cmd);
	if (a->responses != 0)
		add_count(a, cmd, sizeof cmd, opt ? opt->expect : 0);
	return data_exchange(a, t, cmd, opt, reply, e);
}

/* Builds the STPX command line for a message (d: inline, or l: with data after DATA>). */
static void stpx_command(const uint8_t *data, size_t n, const struct adapter_send_opt *opt,
			 int st_ms, char *cmd, size_t cap)
{
	int used;
	int wait = opt && opt->timeout_ms > 0 ? opt->timeout_ms : st_ms > 0 ? st_ms : DEFAULT_ST_MS;

	if (n <= STPX_INLINE_MAX) {
		used = snprintf(cmd, cap, "STPX d:");
		hex_encode(data, n, cmd + used);
		used += (int)(2 * n);
	} else {
		used = snprintf(cmd, cap, "STPX l:%zu", n);
	}
	used += snprintf(cmd + used, cap - (size_t)used, ",t:%d", wait > 60000 ? 60000 : wait);
	if (opt && opt->expect > 0)
		snprintf(cmd + used, cap - (size_t)used, ",r:%d", opt->expect);
}

/* Sends the payload of an STPX l: command after its DATA> prompt, in
 * lines of STPX_LINE_BYTES bytes each ended by CR. */
static int stpx_payload(struct adapter *a, const uint8_t *data, size_t n, int64_t deadline,
			int timeout, struct error *e)
{
	char line[2 * STPX_LINE_BYTES + 2];
	size_t pos, take;

	if (read_to_prompt(a, "STPX", deadline, timeout, e) < 0)
		return -(int)e->kind;
	if (strstr((const char *)a->raw, "DATA") == NULL) {
		elm_parse_text("STPX", a->raw, a->nraw, &a->reply);
		if (status_error(&a->reply, "STPX", e) < 0)
			return -(int)e->kind;
		return error_set(e, ERR_PROTOCOL, "no DATA> prompt after STPX l:");
	}
	for (pos = 0; pos < n; pos += take) {
		take = n - pos < STPX_LINE_BYTES ? n - pos : STPX_LINE_BYTES;
		hex_encode(data + pos, take, line);
		line[2 * take] = '\r';
		if (link_write(a->link, line, 2 * take + 1, WRITE_TIMEOUT_MS, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* STN: sends a whole message with STPX. */
int adapter_send_stpx(struct adapter *a, const struct can_target *t, const uint8_t *data,
		      size_t n, const struct adapter_send_opt *opt, struct elm_reply *reply,
		      struct error *e)
{
	char cmd[2 * STPX_INLINE_MAX + 64];
	int timeout = opt && opt->timeout_ms > 0 ? opt->timeout_ms : a->timeout_ms;
	int64_t deadline = clock_ms() + timeout;

	if (!a->info.caps.stpx)
		return error_set(e, ERR_UNSUPPORTED, "this adapter has no STPX");
	if (n == 0 || (int)n > a->info.caps.stpx_max)
		return error_set(e, ERR_ARG, "STPX carries 1 to %d bytes, not %zu",
				 a->info.caps.stpx_max, n);
	if (select_target(a, t, e) < 0 || set_caf(a, true, e) < 0)
		return -(int)e->kind;
	stpx_command(data, n, opt, a->st_ms, cmd, sizeof cmd);
	if (n <= STPX_INLINE_MAX)
		return data_exchange(a, t, cmd, opt, reply, e);
	if (write_line(a, cmd, e) < 0 || stpx_payload(a, data, n, deadline, timeout, e) < 0 ||
	    read_to_prompt(a, cmd, deadline, timeout, e) < 0)
		return -(int)e->kind;
	elm_parse_data(NULL, a->raw, a->nraw, &a->fmt, reply);
	if (reply->status == ELM_DATA)
		return 0;
	if (reply->status == ELM_NO_DATA || reply->status == ELM_EMPTY)
		return no_answer(t, e);
	return status_error(reply, "STPX", e);
}

/* The ATCRA pattern of a filter whose mask covers whole hex digits
 * ("7XX" for 700/700); false when it does not. */
static bool cra_pattern(const struct can_filter *f, char *out, size_t n)
{
	int digits = f->ext ? 8 : 3, i;

	if (n < (size_t)digits + 1)
		return false;
	for (i = 0; i < digits; i++) {
		int shift = 4 * (digits - 1 - i);
		unsigned m = (f->mask >> shift) & 0xF, v = (f->match >> shift) & 0xF;
		unsigned full = i > 0 ? 0xF : f->ext ? 0x1 : 0x7; /* 29 and 11 bits */
		if (m != 0 && m != full)
			return false;
		out[i] = m == 0 ? 'X' : "0123456789ABCDEF"[v];
	}
	out[digits] = 0;
	return true;
}

/* Sets the range receive filter unless it is in force: ATCF and ATCM
 * (ELM327 v1.0 on), or ATCRA with X digits where an adapter refuses them. */
static int set_filter(struct adapter *a, const struct can_filter *f, struct error *e)
{
	char cmd[32], pattern[12];
	uint32_t all = f->ext ? 0x1FFFFFFFu : 0x7FFu;
	int digits = f->ext ? 8 : 3;

	if (a->have_filter && a->filter.match == f->match && a->filter.mask == f->mask &&
	    a->filter.ext == f->ext)
		return 0;
	a->have_target = false; /* ATCF/ATCM replace the target's ATCRA */
	snprintf(cmd, sizeof cmd, "ATCF%0*X", digits, (unsigned)(f->match & all));
	if (adapter_command(a, cmd, NULL, 0, e) == 0) {
		snprintf(cmd, sizeof cmd, "ATCM%0*X", digits, (unsigned)(f->mask & all));
		if (adapter_command(a, cmd, NULL, 0, e) < 0)
			return -(int)e->kind;
	} else if (e->kind == ERR_UNSUPPORTED && cra_pattern(f, pattern, sizeof pattern)) {
		error_clear(e);
		snprintf(cmd, sizeof cmd, "ATCRA%s", pattern);
		if (adapter_command(a, cmd, NULL, 0, e) < 0)
			return -(int)e->kind;
	} else {
		return -(int)e->kind;
	}
	a->filter = *f;
	a->have_filter = true;
	return 0;
}

/* Sends one probe and listens wait_ms for whatever the filter passes. */
int adapter_probe(struct adapter *a, uint32_t tx, const struct can_filter *f, const uint8_t *data,
		  size_t n, int wait_ms, struct elm_reply *reply, struct error *e)
{
	struct adapter_send_opt o = { wait_ms + a->timeout_ms, 0, false };
	char cmd[2 * 8 + 48];
	int used;

	if (n == 0 || n > 7)
		return error_set(e, ERR_ARG, "a probe is one frame (1 to 7 bytes), not %zu", n);
	if (set_protocol(a, f->ext, e) < 0 || set_filter(a, f, e) < 0 || set_caf(a, true, e) < 0 ||
	    adapter_set_responses(a, true, e) < 0)
		return error_wrap(e, "probing %X", (unsigned)tx);
	if (a->info.caps.stpx) {
		used = snprintf(cmd, sizeof cmd, f->ext ? "STPX h:%08X,d:" : "STPX h:%03X,d:",
				(unsigned)tx);
		hex_encode(data, n, cmd + used);
		snprintf(cmd + used + 2 * n, sizeof cmd - (size_t)used - 2 * n, ",t:%d", wait_ms);
	} else {
		if (set_header(a, tx, f->ext, e) < 0 || adapter_set_reply_timeout(a, wait_ms, e) < 0)
			return error_wrap(e, "probing %X", (unsigned)tx);
		hex_encode(data, n, cmd);
	}
	return data_exchange(a, &(struct can_target){ tx, tx, f->ext }, cmd, &o, reply, e);
}

/* Puts back the default ATST and drops the probes' filter. */
int adapter_end_probes(struct adapter *a, struct error *e)
{
	a->have_target = false;
	a->have_filter = false;
	if (a->info.caps.stpx && a->st_ms >= 0)
		return 0; /* STN probes name their wait in the STPX line */
	return adapter_set_reply_timeout(a, DEFAULT_ST_MS, e); /* sent if not known */
}

/* Stops monitoring with one byte and reads to the prompt. */
static int stop_monitor(struct adapter *a, struct error *e)
{
	int64_t deadline = clock_ms() + a->timeout_ms;
	size_t keep = a->nraw;
	long r;

	if (link_write(a->link, "\r", 1, WRITE_TIMEOUT_MS, e) < 0)
		return -(int)e->kind;
	while (memchr(a->raw + keep, '>', a->nraw - keep) == NULL) {
		if (a->nraw >= sizeof a->raw)
			return error_set(e, ERR_PROTOCOL, "monitor output too long");
		r = link_read(a->link, a->raw + a->nraw, sizeof a->raw - a->nraw,
			      clock_remaining_ms(deadline), e);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return error_set(e, ERR_TIMEOUT, "adapter did not stop monitoring");
		a->nraw += (size_t)r;
	}
	return 0;
}

/* Listens for frames from the target without sending (ATMA). */
int adapter_listen(struct adapter *a, const struct can_target *t, int timeout_ms,
		   bool (*done)(void *arg, const struct elm_reply *r), void *arg,
		   struct elm_reply *reply, struct error *e)
{
	int64_t deadline = clock_ms() + timeout_ms;
	bool complete = false;
	long r;

	if (select_target(a, t, e) < 0 || set_caf(a, true, e) < 0 || write_line(a, "ATMA", e) < 0)
		return -(int)e->kind;
	a->nraw = 0;
	while (!complete && clock_remaining_ms(deadline) > 0 && a->nraw < sizeof a->raw / 2) {
		r = link_read(a->link, a->raw + a->nraw, sizeof a->raw - a->nraw,
			      clock_remaining_ms(deadline), e);
		if (r < 0)
			return (int)r;
		a->nraw += (size_t)r;
		elm_parse_data("ATMA", a->raw, a->nraw, &a->fmt, reply);
		complete = reply->nframes > 0 && done(arg, reply);
		if (memchr(a->raw, '>', a->nraw))
			break;
	}
	if (!memchr(a->raw, '>', a->nraw) && stop_monitor(a, e) < 0)
		return -(int)e->kind;
	elm_parse_data("ATMA", a->raw, a->nraw, &a->fmt, reply);
	if (reply->status == ELM_STOPPED || reply->status == ELM_DATA)
		reply->status = reply->nframes ? ELM_DATA : ELM_NO_DATA;
	if (!complete && !(reply->nframes > 0 && done(arg, reply)))
		return error_set(e, ERR_TIMEOUT, "no further reply from %X within %d ms",
				 (unsigned)t->rx, timeout_ms);
	return 0;
}

/* Changes the host side of the UART; links without a UART (the in-process
 * simulator) only model the rate, so there is nothing to change. */
static int host_baud(struct adapter *a, int baud, struct error *e)
{
	if (strcmp(link_kind(a->link), "serial") != 0 && strcmp(link_kind(a->link), "pty") != 0)
		return 0;
	return link_set_baud(a->link, baud, e);
}

/* Goes back to the old rate after a failed switch and checks the adapter
 * still answers there. */
static int fall_back(struct adapter *a, int old_baud, struct error *e)
{
	struct error ignored;

	host_baud(a, old_baud, &ignored);
	clock_sleep_us(100000);
	link_drain(a->link);
	if (adapter_command(a, "ATI", NULL, 0, e) < 0)
		return error_wrap(e, "adapter lost after a failed rate switch");
	return 0;
}

/* Reads until the buffer holds pattern at or after offset from; 0 when it does. */
static int read_until_text(struct adapter *a, size_t from, const char *pattern, int timeout_ms,
			   struct error *e)
{
	int64_t deadline = clock_ms() + timeout_ms;
	size_t plen = strlen(pattern);
	long r;

	while (a->nraw < from + plen || memmem(a->raw + from, a->nraw - from, pattern, plen) == NULL) {
		if (a->nraw >= sizeof a->raw)
			return error_set(e, ERR_PROTOCOL, "unexpected output while switching rate");
		r = link_read(a->link, a->raw + a->nraw, sizeof a->raw - a->nraw,
			      clock_remaining_ms(deadline), e);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return error_set(e, ERR_TIMEOUT, "no answer while switching rate");
		a->nraw += (size_t)r;
	}
	return 0;
}

/* One switch attempt to baud; 0 on success, 1 when refused or failed and
 * the old rate still works, negative when the adapter is lost. The
 * adapter answers OK, switches, sends its ID string at the new rate and
 * waits for a CR; the ID may arrive in the same read as the OK. */
static int try_baud(struct adapter *a, int baud, int old_baud, struct error *e)
{
	char cmd[32];
	const uint8_t *ok;

	if (a->info.caps.stn)
		snprintf(cmd, sizeof cmd, "STBR%d", baud);
	else
		snprintf(cmd, sizeof cmd, "ATBRD%02X", (4000000 + baud / 2) / baud);
	a->nraw = 0;
	if (write_line(a, cmd, e) < 0)
		return -(int)e->kind;
	if (read_until_text(a, 0, "\r", 1000, e) < 0 || memchr(a->raw, '?', a->nraw) ||
	    (ok = memmem(a->raw, a->nraw, "OK\r", 3)) == NULL) {
		error_clear(e);
		return fall_back(a, old_baud, e) < 0 ? -(int)e->kind : 1;
	}
	if (host_baud(a, baud, e) < 0 ||
	    read_until_text(a, (size_t)(ok - a->raw) + 3, "\r", 1000, e) < 0 ||
	    link_write(a->link, "\r", 1, WRITE_TIMEOUT_MS, e) < 0 ||
	    read_until_text(a, 0, ">", 1000, e) < 0) {
		error_clear(e);
		return fall_back(a, old_baud, e) < 0 ? -(int)e->kind : 1;
	}
	return 0;
}

/* Raises the UART rate with the ATBRD/STBR handshake. */
int adapter_raise_baud(struct adapter *a, int max_baud, struct error *e)
{
	static const int stn_rates[] = { 2000000, 1000000, 500000, 230400, 115200, 0 };
	static const int elm_rates[] = { 500000, 250000, 115200, 0 };
	const int *rates = a->info.caps.stn ? stn_rates : elm_rates;
	int old = a->info.baud ? a->info.baud : 38400;
	size_t i;
	int rc;

	for (i = 0; max_baud > 0 && rates[i]; i++) {
		if (rates[i] > max_baud || rates[i] <= old)
			continue;
		rc = try_baud(a, rates[i], old, e);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			a->info.baud = rates[i];
			return rates[i];
		}
	}
	return old;
}
