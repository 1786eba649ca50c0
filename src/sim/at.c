/* at.c: the virtual adapter's command interpreter: line input (echo, CR
 * ends a line, LF and other control bytes ignored, a bare CR repeats the
 * last command, overlong lines get "?"), the AT commands, and the output
 * conventions (CR, plus LF with ATL1; a blank line and the ">" prompt
 * after every reply). Defaults come from the adapter profile; a profile
 * may refuse commands (clones). Spaces and case do not matter in commands
 * (ELM327DS "AT Commands").
 *
 * A byte that arrives while the adapter works on a data request or
 * monitors (ATMA) interrupts it: "STOPPED" and the prompt (DS p.9); the
 * byte itself is lost. An LF right after the CR of a command line is the
 * host's CRLF line end and does not interrupt. While the adapter resets
 * (ATZ) it hears nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

#define ST_DEFAULT 0x32       /* ATST default: 50 x 4 ms (DS p.27) */
#define ST_UNIT_US 4000u
#define BRT_DEFAULT 0x0F      /* ATBRT default: 15 x 5 ms = 75 ms (DS p.13) */
#define BRT_UNIT_US 5000u
#define BRD_CLOCK 4000000L    /* ATBRD hh: 4000 / hh kbit/s (DS p.13) */

/* What a command handler asks the interpreter to print after it. */
enum at_result {
	AT_OK,   /* print "OK" */
	AT_DONE, /* the handler printed its reply */
	AT_BAD,  /* print "?" */
};

/* A command: name after "AT", handler given the rest of the line. */
struct at_cmd {
	const char *name;
	enum at_result (*fn)(struct sim *s, const char *arg, struct buf *out);
};

/* Ends an output line: CR, plus LF when linefeeds are on. */
void sim_at_eol(const struct sim *s, struct buf *out)
{
	buf_puts(out, s->at.linefeeds ? "\r\n" : "\r");
}

/* Prints one line of text. */
void sim_at_line(const struct sim *s, struct buf *out, const char *text)
{
	buf_puts(out, text);
	sim_at_eol(s, out);
}

/* Prints bytes as hex, each followed by a space when spaces are on (a
 * genuine ELM327 leaves a space after the last byte too). */
void sim_at_hex(const struct sim *s, struct buf *out, const uint8_t *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		buf_printf(out, s->at.spaces ? "%02X " : "%02X", data[i]);
}

/* Ends a reply: a blank line and the prompt. */
void sim_at_prompt(const struct sim *s, struct buf *out)
{
	sim_at_eol(s, out);
	buf_putc(out, '>');
}

/* Puts every setting back to the profile's defaults (ATZ, ATWS, ATD);
 * the UART rate stays (only a reset restores it). */
void sim_at_defaults(struct sim *s)
{
	const struct sim_adapter *a = &s->adapter;
	struct sim_at *t = &s->at;

	t->echo = a->echo;
	t->linefeeds = a->linefeeds;
	t->spaces = a->spaces;
	t->headers = a->headers;
	t->memory = a->memory;
	t->caf = t->cfc = true;
	t->protocol = a->protocol;
	t->autop = a->protocol == 0;
	t->active = 0;
	t->header = 0;
	t->header_set = false;
	t->cp = 0x18;
	t->cra[0] = 0;
	t->st = ST_DEFAULT;
	t->timeout_us = ST_DEFAULT * ST_UNIT_US;
	t->at_mode = 1;
	t->nrecent = 0;
	t->fc_mode = 0;
	t->fc_header = 0;
	t->fc_header_set = false;
	t->fc_hdigits = 0;
	t->fc_dlen = 0;
	t->responses = true;
	t->cf_set = t->cm_set = false;
	t->cfm_digits = 0;
	t->brt = BRT_DEFAULT;
	t->segt = t->segr = false;
	t->nfcpa = 0;
	sim_can_reset(s);
}

/* Parses exactly n hex digits into *v; -1 if arg is anything else. */
static int hex_arg(const char *arg, size_t n, unsigned long *v)
{
	size_t i;

	if (strlen(arg) != n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		int d = hex_digit((unsigned char)arg[i]);
		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned long)d;
	}
	return 0;
}

/* A 0/1 argument into *flag. */
static enum at_result set_flag(bool *flag, const char *arg)
{
	if (strcmp(arg, "0") != 0 && strcmp(arg, "1") != 0)
		return AT_BAD;
	*flag = arg[0] == '1';
	return AT_OK;
}

/* Prints what a reset prints: the profile's junk, a blank line, the
 * banner and the prompt. */
static void banner(struct sim *s, struct buf *out)
{
	buf_append(out, s->adapter.junk, s->adapter.njunk);
	sim_at_eol(s, out);
	sim_at_eol(s, out);
	sim_at_line(s, out, s->adapter.ati);
	sim_at_prompt(s, out);
}

/* Starts an adapter timer of a new generation, due at time at. */
static void arm(struct sim *s, uint64_t at)
{
	sim_schedule(s, at, SIM_EV_ADAPTER, -1, ++s->core->gen, NULL, 0);
}

/* Starts a reset: the settings go back to their defaults at once; the
 * banner follows after the delay, at the given UART rate. */
static void start_reset(struct sim *s, uint64_t delay_us, long baud)
{
	sim_at_defaults(s);
	s->core->mode = SIM_RESET;
	s->core->brd_new = baud;
	arm(s, s->now_us + delay_us);
}

/* ATZ: reboot (the profile's reset time), then junk, banner and prompt at
 * the power-up UART rate. */
static enum at_result at_reset(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	start_reset(s, s->adapter.reset_us, s->adapter.baud);
	return AT_DONE;
}

/* ATWS: warm start: the same without the power-up delay, keeping the rate. */
static enum at_result at_warm_start(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	start_reset(s, 0, s->at.baud);
	return AT_DONE;
}

/* The reset time is over: the banner at the chosen rate. */
static void reset_done(struct sim *s)
{
	struct sim_core *c = s->core;

	sim_out_commit(s);
	if (c->brd_new != s->at.baud)
		sim_uart_set_baud(s, c->brd_new);
	c->mode = SIM_IDLE;
	banner(s, &c->stage);
}

/* The adapter resets as after a power glitch (reset@ fault): whatever it
 * was doing stops, the banner follows at the power-up rate. */
void sim_at_glitch(struct sim *s)
{
	struct sim_core *c = s->core;

	c->gen++;
	sim_bus_withdraw_adapter(s);
	s->at.linelen = 0;
	s->at.overflow = false;
	sim_at_defaults(s);
	if (s->at.baud != s->adapter.baud)
		sim_uart_set_baud(s, s->adapter.baud);
	c->mode = SIM_IDLE;
	banner(s, &c->stage);
}

/* ATD: all settings to their defaults. */
static enum at_result at_defaults(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	sim_at_defaults(s);
	return AT_OK;
}

/* ATI: the identification of the chip. */
static enum at_result at_ident(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	sim_at_line(s, out, s->adapter.ati);
	return AT_DONE;
}

/* AT@1: the device description. */
static enum at_result at_desc(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	sim_at_line(s, out, s->adapter.at1);
	return AT_DONE;
}

/* ATRV: the voltage at the OBD socket, "12.6V": the vehicle's battery
 * (charging while its engine runs), or the volts:V or sag:V:MS@N fault's. */
static enum at_result at_voltage(struct sim *s, const char *arg, struct buf *out)
{
	char text[16];

	if (arg[0])
		return AT_BAD;
	snprintf(text, sizeof text, "%.1fV", sim_live_value(s, SIM_Q_VOLTAGE));
	sim_at_line(s, out, text);
	return AT_DONE;
}

/* ATE0/1: echo. */
static enum at_result at_echo(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.echo, arg);
}

/* ATL0/1: linefeeds after CR. */
static enum at_result at_linefeeds(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.linefeeds, arg);
}

/* ATS0/1: spaces between bytes. */
static enum at_result at_spaces(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.spaces, arg);
}

/* ATH0/1: identifiers in replies. */
static enum at_result at_headers(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.headers, arg);
}

/* ATM0/1: memory of the last protocol (kept as a setting only). */
static enum at_result at_memory(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.memory, arg);
}

/* ATR0/1: responses on or off; with R0 the adapter sends and prints
 * nothing but the prompt. */
static enum at_result at_responses(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.responses, arg);
}

/* ATCAF0/1: CAN auto formatting (PCI bytes added and removed). */
static enum at_result at_caf(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.caf, arg);
}

/* ATCFC0/1: automatic CAN flow control. */
static enum at_result at_cfc(struct sim *s, const char *arg, struct buf *out)
{
	return set_flag(&s->at.cfc, arg);
}

/* ATSP h, ATSP Ah (and ATTP): protocol 0..C, A = automatic search.
 * Every protocol is accepted; only the CAN protocols 6..9 reach the
 * virtual vehicle (see request.c). */
static enum at_result at_protocol(struct sim *s, const char *arg, struct buf *out)
{
	bool autop = false;
	int p;

	if (strlen(arg) == 2 && arg[0] == 'A') {
		autop = true;
		arg++;
	}
	p = strlen(arg) == 1 ? hex_digit((unsigned char)arg[0]) : -1;
	if (p < 0 || p > 12)
		return AT_BAD;
	s->at.protocol = p;
	s->at.autop = autop || p == 0;
	s->at.active = 0;
	return AT_OK;
}

/* ATDP: the protocol by name ("AUTO, ISO 15765-4 (CAN 11/500)"). */
static enum at_result at_describe_protocol(struct sim *s, const char *arg, struct buf *out)
{
	int p = s->at.active ? s->at.active : s->at.protocol;

	if (arg[0])
		return AT_BAD;
	if (s->at.autop && p != 0)
		buf_puts(out, "AUTO, ");
	sim_at_line(s, out, sim_proto_name(p));
	return AT_DONE;
}

/* ATDPN: the protocol number, "A" first when automatic ("A6"). */
static enum at_result at_protocol_number(struct sim *s, const char *arg, struct buf *out)
{
	int p = s->at.active ? s->at.active : s->at.protocol;
	char text[4];

	if (arg[0])
		return AT_BAD;
	snprintf(text, sizeof text, "%s%X", s->at.autop ? "A" : "", (unsigned)p);
	sim_at_line(s, out, text);
	return AT_DONE;
}

/* Parses an identifier argument of ATSH / ATFC SH: 3 hex digits (11-bit),
 * 6 (low 24 bits of a 29-bit one) or 8 (a whole 29-bit one). */
static int id_arg(const char *arg, unsigned long *v, size_t *digits)
{
	*digits = strlen(arg);
	if (*digits != 3 && *digits != 6 && *digits != 8)
		return -1;
	return hex_arg(arg, *digits, v);
}

/* ATSH xyz / xxyyzz / wwxxyyzz: the transmit header. */
static enum at_result at_set_header(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;
	size_t digits;

	if (id_arg(arg, &v, &digits) < 0)
		return AT_BAD;
	if (digits == 8)
		s->at.cp = (uint8_t)(v >> 24 & 0x1F);
	s->at.header = (uint32_t)(v & 0xFFFFFF);
	s->at.header_set = true;
	return AT_OK;
}

/* ATCP hh: the CAN priority bits (top 5 of a 29-bit identifier). */
static enum at_result at_priority(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (hex_arg(arg, 2, &v) < 0)
		return AT_BAD;
	s->at.cp = (uint8_t)(v & 0x1F);
	return AT_OK;
}

/* ATCRA [id]: receive filter, X for any digit; no argument resets it. It
 * replaces ATCF / ATCM. */
static enum at_result at_receive_address(struct sim *s, const char *arg, struct buf *out)
{
	size_t i, n = strlen(arg);

	if (n != 0 && n != 3 && n != 8)
		return AT_BAD;
	for (i = 0; i < n; i++)
		if (arg[i] != 'X' && hex_digit((unsigned char)arg[i]) < 0)
			return AT_BAD;
	memcpy(s->at.cra, arg, n + 1);
	s->at.cf_set = s->at.cm_set = false;
	return AT_OK;
}

/* ATCF / ATCM: an identifier filter or mask of 3 or 8 hex digits; a frame
 * passes when its identifier matches the filter in the mask's bits. Both
 * replace ATCRA; one kind of identifier at a time. */
static enum at_result filter_mask(struct sim *s, const char *arg, bool mask)
{
	unsigned long v;
	size_t n = strlen(arg);

	if ((n != 3 && n != 8) || hex_arg(arg, n, &v) < 0)
		return AT_BAD;
	if (s->at.cfm_digits != n)
		s->at.cf_set = s->at.cm_set = false;
	s->at.cfm_digits = (uint8_t)n;
	if (mask) {
		s->at.cm = (uint32_t)v;
		s->at.cm_set = true;
	} else {
		s->at.cf = (uint32_t)v;
		s->at.cf_set = true;
	}
	s->at.cra[0] = 0;
	return AT_OK;
}

/* ATCF: the filter. */
static enum at_result at_filter(struct sim *s, const char *arg, struct buf *out)
{
	return filter_mask(s, arg, false);
}

/* ATCM: the mask. */
static enum at_result at_mask(struct sim *s, const char *arg, struct buf *out)
{
	return filter_mask(s, arg, true);
}

/* ATST hh: the reply timeout in 4 ms units; 00 restores the default. */
static enum at_result at_timeout(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (hex_arg(arg, 2, &v) < 0)
		return AT_BAD;
	s->at.st = (uint8_t)(v ? v : ST_DEFAULT);
	s->at.timeout_us = (uint64_t)s->at.st * ST_UNIT_US;
	return AT_OK;
}

/* ATAT0/1/2: adaptive timing (see sim_req_wait_us). */
static enum at_result at_adaptive(struct sim *s, const char *arg, struct buf *out)
{
	if (strlen(arg) != 1 || arg[0] < '0' || arg[0] > '2')
		return AT_BAD;
	s->at.at_mode = arg[0] - '0';
	return AT_OK;
}

/* ATFC SH: the identifier of flow control frames in mode 1. */
static enum at_result at_fc_header(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;
	size_t digits;

	if (id_arg(arg, &v, &digits) < 0)
		return AT_BAD;
	s->at.fc_header = (uint32_t)v;
	s->at.fc_hdigits = (uint8_t)digits;
	s->at.fc_header_set = true;
	return AT_OK;
}

/* ATFC SD: the data bytes of flow control frames in modes 1 and 2. */
static enum at_result at_fc_data(struct sim *s, const char *arg, struct buf *out)
{
	size_t n = strlen(arg);
	long len;

	if (n < 2 || n > 10 || n % 2)
		return AT_BAD;
	len = hex_decode(arg, s->at.fc_data, sizeof s->at.fc_data);
	if (len < 0)
		return AT_BAD;
	s->at.fc_dlen = (size_t)len;
	return AT_OK;
}

/* ATFC SM: flow control mode; 1 needs SH and SD, 2 needs SD (DS p.60). */
static enum at_result at_fc_mode(struct sim *s, const char *arg, struct buf *out)
{
	if (strlen(arg) != 1 || arg[0] < '0' || arg[0] > '2')
		return AT_BAD;
	if ((arg[0] == '1' && !s->at.fc_header_set) || (arg[0] != '0' && s->at.fc_dlen == 0))
		return AT_BAD;
	s->at.fc_mode = arg[0] - '0';
	return AT_OK;
}

/* ATPC: protocol close (nothing to close on the virtual bus). */
static enum at_result at_close(struct sim *s, const char *arg, struct buf *out)
{
	return arg[0] ? AT_BAD : AT_OK;
}

/* ATMA: monitor all: print every frame that passes the receive filter
 * until a byte arrives. */
static enum at_result at_monitor(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	sim_req_monitor(s);
	return AT_DONE;
}

/* ATBRT hh: the baud rate handshake's timeout in 5 ms units (00: default). */
static enum at_result at_brd_timeout(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (hex_arg(arg, 2, &v) < 0)
		return AT_BAD;
	s->at.brt = (uint8_t)(v ? v : BRT_DEFAULT);
	return AT_OK;
}

/* Starts the baud rate handshake (DS p.50-51): "OK" is on its way at the
 * old rate; then the rate changes, the adapter pauses for ATBRT, sends
 * its ID string at the new rate and waits ATBRT for a CR at that rate. A
 * CR keeps the rate ("OK" and the prompt); no CR in time goes back to the
 * old rate and its prompt. */
void sim_at_brd(struct sim *s, long baud)
{
	struct sim_core *c = s->core;

	sim_out_commit(s);
	c->brd_old = s->at.baud;
	c->brd_new = baud;
	sim_uart_set_baud(s, baud);
	c->mode = SIM_BRD_WAIT;
	arm(s, c->tx_last + (uint64_t)s->at.brt * BRT_UNIT_US);
}

/* ATBRD hh: try 4000/hh kbit/s; "?" for 00 or a rate above the profile's
 * baud_max. */
static enum at_result at_brd(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;
	long baud;

	if (hex_arg(arg, 2, &v) < 0 || v == 0)
		return AT_BAD;
	baud = BRD_CLOCK / (long)v;
	if (baud > s->adapter.baud_max)
		return AT_BAD;
	sim_at_line(s, out, "OK");
	s->core->brd_stn = false;
	sim_at_brd(s, baud);
	return AT_DONE;
}

/* The handshake's timers: the pause is over (send the ID string), or no
 * CR came (back to the old rate). */
static void brd_timer(struct sim *s)
{
	struct sim_core *c = s->core;

	if (c->mode == SIM_BRD_WAIT) {
		sim_at_line(s, &c->stage, c->brd_stn ? s->adapter.sti : s->adapter.ati);
		sim_out_commit(s);
		c->mode = SIM_BRD_CR;
		arm(s, c->tx_last + (uint64_t)s->at.brt * BRT_UNIT_US);
		return;
	}
	sim_uart_set_baud(s, c->brd_old);
	c->mode = SIM_IDLE;
	sim_at_prompt(s, &c->stage);
}

/* A byte during the handshake's window: a CR keeps the new rate; other
 * bytes are noise. */
static void brd_byte(struct sim *s, uint8_t c, struct buf *out)
{
	if (c != '\r')
		return;
	s->core->gen++;
	s->core->mode = SIM_IDLE;
	sim_at_line(s, out, "OK");
	sim_at_prompt(s, out);
}

/* An adapter timer of generation gen ran out. */
void sim_at_timer(struct sim *s, uint32_t gen)
{
	if (gen != s->core->gen)
		return;
	switch (s->core->mode) {
	case SIM_RESET:
		reset_done(s);
		break;
	case SIM_REQUEST:
		sim_req_timer(s);
		break;
	case SIM_BRD_WAIT:
	case SIM_BRD_CR:
		brd_timer(s);
		break;
	default:
		break;
	}
}

/* The commands, tried in order: longer names before their prefixes. */
static const struct at_cmd at_cmds[] = {
	{ "@1", at_desc },
	{ "AT", at_adaptive },
	{ "BRD", at_brd },
	{ "BRT", at_brd_timeout },
	{ "CAF", at_caf },
	{ "CFC", at_cfc },
	{ "CF", at_filter },
	{ "CM", at_mask },
	{ "CP", at_priority },
	{ "CRA", at_receive_address },
	{ "DPN", at_protocol_number },
	{ "DP", at_describe_protocol },
	{ "D", at_defaults },
	{ "E", at_echo },
	{ "FCSH", at_fc_header },
	{ "FCSD", at_fc_data },
	{ "FCSM", at_fc_mode },
	{ "H", at_headers },
	{ "I", at_ident },
	{ "L", at_linefeeds },
	{ "MA", at_monitor },
	{ "M", at_memory },
	{ "PC", at_close },
	{ "RV", at_voltage },
	{ "R", at_responses },
	{ "SH", at_set_header },
	{ "SP", at_protocol },
	{ "ST", at_timeout },
	{ "S", at_spaces },
	{ "TP", at_protocol },
	{ "WS", at_warm_start },
	{ "Z", at_reset },
};

/* The command table entry for a name, or NULL. */
static const struct at_cmd *at_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof at_cmds / sizeof at_cmds[0]; i++)
		if (strcmp(at_cmds[i].name, name) == 0)
			return &at_cmds[i];
	return NULL;
}

/* True if the profile refuses AT command name. */
bool sim_at_refused(const struct sim *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->adapter.nrefuse; i++)
		if (strcmp(s->adapter.refuse[i], name) == 0)
			return true;
	return false;
}

/* Runs an AT command (text after "AT"); anything unknown or refused by
 * the profile gets "?". */
static void at_command(struct sim *s, const char *cmd, struct buf *out)
{
	enum at_result r = AT_BAD;
	size_t i, l;

	for (i = 0; i < sizeof at_cmds / sizeof at_cmds[0]; i++) {
		l = strlen(at_cmds[i].name);
		if (strncmp(cmd, at_cmds[i].name, l) == 0) {
			if (!sim_at_refused(s, at_cmds[i].name))
				r = at_cmds[i].fn(s, cmd + l, out);
			break;
		}
	}
	if (r == AT_OK)
		sim_at_line(s, out, "OK");
	else if (r == AT_BAD)
		sim_at_line(s, out, "?");
}

/* Runs one command line (compacted, upper case); prints the prompt unless
 * the command goes on (a request, ATMA, ATZ, a handshake, DATA>). */
static void execute(struct sim *s, const char *cmd, struct buf *out)
{
	if (strncmp(cmd, "AT", 2) == 0)
		at_command(s, cmd + 2, out);
	else if (strncmp(cmd, "ST", 2) == 0) {
		if (!sim_stn_command(s, cmd, out))
			sim_at_line(s, out, "?");
	} else if (!sim_request(s, cmd, out))
		sim_at_line(s, out, "?");
	if (s->core->mode == SIM_IDLE)
		sim_at_prompt(s, out);
}

/* Removes spaces and tabs and folds to upper case, in place. */
static void compact(char *line)
{
	char *w = line;

	for (; *line; line++)
		if (*line != ' ' && *line != '\t')
			*w++ = (*line >= 'a' && *line <= 'z') ? (char)(*line - 'a' + 'A') : *line;
	*w = 0;
}

/* A CR arrived: echo it, then run the line (or the last one if empty). */
static void end_line(struct sim *s, struct buf *out)
{
	struct sim_at *t = &s->at;
	char cmd[SIM_LINE_MAX + 1];

	if (t->echo)
		sim_at_eol(s, out);
	memcpy(cmd, t->line, t->linelen);
	cmd[t->linelen] = 0;
	compact(cmd);
	t->linelen = 0;
	if (t->overflow) {
		sim_at_line(s, out, "?");
		sim_at_prompt(s, out);
	} else if (cmd[0]) {
		memcpy(t->last, cmd, sizeof t->last);
		execute(s, cmd, out);
	} else if (t->last[0]) {
		memcpy(cmd, t->last, sizeof cmd);
		execute(s, cmd, out);
	} else {
		buf_putc(out, '>');
	}
	t->overflow = false;
	s->core->crlf = true;
}

/* A byte of a command line. */
static void line_byte(struct sim *s, uint8_t c, struct buf *out)
{
	struct sim_at *t = &s->at;

	if (c == '\r') {
		end_line(s, out);
		return;
	}
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return;
	if (t->echo)
		buf_putc(out, c);
	if (t->linelen < SIM_LINE_MAX)
		t->line[t->linelen++] = (char)c;
	else
		t->overflow = true;
}

/* Feeds console bytes to the adapter at the current modelled time. */
void sim_at_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out)
{
	struct sim_core *c = s->core;
	size_t i;

	for (i = 0; i < n; i++) {
		bool crlf = c->crlf && in[i] == '\n';

		c->crlf = false;
		switch (c->mode) {
		case SIM_REQUEST:
		case SIM_MONITOR:
			if (!crlf)
				sim_req_stop(s);
			break;
		case SIM_BRD_CR:
			brd_byte(s, in[i], out);
			break;
		case SIM_DATA:
			sim_stn_data_byte(s, in[i], out);
			break;
		case SIM_IDLE:
			line_byte(s, in[i], out);
			break;
		default: /* resetting, or switching rates: the byte is lost */
			break;
		}
	}
}

/* A copy of a one-line string field; NULL when absent (an error only if
 * required or malformed, then *bad is set). */
static char *line_field(const struct sdata *d, const char *key, const char *file, bool required,
			bool *bad, struct error *e)
{
	const char *v = sdata_str(d, key, NULL);
	char *copy;

	if (v == NULL && !required)
		return NULL;
	if (v == NULL || v[0] == 0 || strlen(v) > 64 || strpbrk(v, "\r\n>") != NULL) {
		error_set(e, ERR_FORMAT, "%s: %s must be a one-line string (at most 64 characters)",
			  file, key);
		*bad = true;
		return NULL;
	}
	copy = strdup(v);
	if (copy == NULL) {
		error_set(e, ERR_NOMEM, "out of memory");
		*bad = true;
	}
	return copy;
}

/* A copy of a required string field; NULL with an error when it is missing. */
static char *need_str(const struct sdata *d, const char *key, const char *file, struct error *e)
{
	bool bad = false;

	return line_field(d, key, file, true, &bad, e);
}

/* Reads the defaults and the reset junk. */
static int adapter_settings(const struct sdata *d, const char *file, struct sim_adapter *a,
			    struct error *e)
{
	const struct sdata *junk = sdata_get(d, "reset_junk");
	double p = sdata_num(d, "protocol", 0);

	a->echo = sdata_bool(d, "echo", true);
	a->linefeeds = sdata_bool(d, "linefeeds", true);
	a->spaces = sdata_bool(d, "spaces", true);
	a->headers = sdata_bool(d, "headers", false);
	a->memory = sdata_bool(d, "memory", true);
	if (!(p >= 0 && p <= 12 && p == (int)p))
		return error_set(e, ERR_FORMAT, "%s: protocol must be 0..12", file);
	a->protocol = (int)p;
	if (junk == NULL)
		return 0;
	if (junk->type != SD_STR || junk->len > 64)
		return error_set(e, ERR_FORMAT, "%s: reset_junk must be a string of up to 64 bytes",
				 file);
	a->junk = malloc(junk->len + 1);
	if (a->junk == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	memcpy(a->junk, junk->str, junk->len);
	a->njunk = junk->len;
	return 0;
}

/* An integral numeric field in lo..hi, or def when absent. */
static int int_field(const struct sdata *d, const char *key, double lo, double hi, double def,
		     const char *file, double *out, struct error *e)
{
	double v = sdata_num(d, key, def);
	const struct sdata *f = sdata_get(d, key);

	if ((f != NULL && f->type != SD_NUM) || !(v >= lo && v <= hi) || v != (double)(long)v)
		return error_set(e, ERR_FORMAT, "%s: %s must be an integer %.0f..%.0f", file, key,
				 lo, hi);
	*out = v;
	return 0;
}

/* Reads the list of refused AT commands; each must be in the table. */
static int adapter_refuse(const struct sdata *d, const char *file, struct sim_adapter *a,
			  struct error *e)
{
	const struct sdata *t = sdata_get(d, "refuse"), *v;
	size_t i, n;

	if (t == NULL)
		return 0;
	n = sdata_array_len(t);
	if (t->type != SD_TABLE || n != t->len || n > SIM_REFUSE_MAX)
		return error_set(e, ERR_FORMAT, "%s: refuse must be a list of up to %d AT commands",
				 file, SIM_REFUSE_MAX);
	for (i = 0; i < n; i++) {
		v = sdata_at(t, (long)i + 1);
		if (v->type != SD_STR || v->len >= sizeof a->refuse[0] || at_find(v->str) == NULL)
			return error_set(e, ERR_FORMAT,
					 "%s: refuse[%zu] is not an AT command of the simulator "
					 "(names as after AT, without arguments: \"FCSH\", \"R\")",
					 file, i + 1);
		strcpy(a->refuse[a->nrefuse++], v->str);
	}
	return 0;
}

/* Reads the command set, buffers and UART fields. */
static int adapter_caps(const struct sdata *d, const char *file, struct sim_adapter *a,
			struct error *e)
{
	double buffer, stpx, baud, baud_max, reset_ms;
	bool bad = false;

	a->sti = line_field(d, "sti", file, false, &bad, e);
	if (!bad)
		a->stdi = line_field(d, "stdi", file, a->sti != NULL, &bad, e);
	if (bad)
		return -(int)e->kind;
	a->count_digit = sdata_bool(d, "count_digit", true);
	if (int_field(d, "buffer", 16, 65536, 512, file, &buffer, e) < 0 ||
	    int_field(d, "stpx_max", 0, 65536, 0, file, &stpx, e) < 0 ||
	    int_field(d, "baud", 300, 4000000, 38400, file, &baud, e) < 0 ||
	    int_field(d, "baud_max", baud, 4000000, baud > 500000 ? baud : 500000, file, &baud_max,
		      e) < 0 ||
	    int_field(d, "reset_ms", 0, 10000, 0, file, &reset_ms, e) < 0)
		return -(int)e->kind;
	a->buffer = (size_t)buffer;
	a->stpx_max = (size_t)stpx;
	a->baud = (long)baud;
	a->baud_max = (long)baud_max;
	a->reset_us = (uint32_t)reset_ms * 1000u;
	return adapter_refuse(d, file, a, e);
}

/* Reads an adapter profile. */
int sim_adapter_load(const struct sdata *d, const char *file, struct sim_adapter *a,
		     struct error *e)
{
	memset(a, 0, sizeof *a);
	if ((a->id = need_str(d, "id", file, e)) == NULL ||
	    (a->name = need_str(d, "name", file, e)) == NULL ||
	    (a->ati = need_str(d, "ati", file, e)) == NULL ||
	    (a->at1 = need_str(d, "at1", file, e)) == NULL ||
	    adapter_settings(d, file, a, e) < 0 || adapter_caps(d, file, a, e) < 0) {
		sim_adapter_free(a);
		return -(int)e->kind;
	}
	return 0;
}

/* Frees what sim_adapter_load allocated. */
void sim_adapter_free(struct sim_adapter *a)
{
	free(a->id);
	free(a->name);
	free(a->ati);
	free(a->at1);
	free(a->sti);
	free(a->stdi);
	free(a->junk);
	memset(a, 0, sizeof *a);
}
