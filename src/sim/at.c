/* at.c: the virtual adapter's command interpreter: line input (echo, CR
 * ends a line, LF and other control bytes ignored, a bare CR repeats the
 * last command, overlong lines get "?"), the AT commands of this version,
 * and the output conventions (CR, plus LF with ATL1; a blank line and the
 * ">" prompt after every reply). Defaults come from the adapter profile.
 * Spaces and case do not matter in commands (ELM327DS "AT Commands"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"
#include "util/hex.h"

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
static void prompt(const struct sim *s, struct buf *out)
{
	sim_at_eol(s, out);
	buf_putc(out, '>');
}

/* Puts every setting back to the profile's defaults (ATZ, ATWS, ATD). */
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
	t->st = 0x32;
	t->at_mode = 1;
	t->fc_mode = 0;
	t->fc_header = 0;
	t->fc_header_set = false;
	t->fc_hdigits = 0;
	t->fc_dlen = 0;
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

/* ATZ, ATWS: reset, then the junk of the profile and the banner. */
static enum at_result at_reset(struct sim *s, const char *arg, struct buf *out)
{
	if (arg[0])
		return AT_BAD;
	sim_at_defaults(s);
	buf_append(out, s->adapter.junk, s->adapter.njunk);
	sim_at_eol(s, out);
	sim_at_eol(s, out);
	sim_at_line(s, out, s->adapter.ati);
	return AT_DONE;
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

/* ATRV: the voltage at the OBD socket, "12.6V". */
static enum at_result at_voltage(struct sim *s, const char *arg, struct buf *out)
{
	char text[16];

	if (arg[0])
		return AT_BAD;
	snprintf(text, sizeof text, "%.1fV", s->vehicle.voltage);
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

/* ATCRA [id]: receive filter, X for any digit; no argument resets it. */
static enum at_result at_receive_address(struct sim *s, const char *arg, struct buf *out)
{
	size_t i, n = strlen(arg);

	if (n != 0 && n != 3 && n != 8)
		return AT_BAD;
	for (i = 0; i < n; i++)
		if (arg[i] != 'X' && hex_digit((unsigned char)arg[i]) < 0)
			return AT_BAD;
	memcpy(s->at.cra, arg, n + 1);
	return AT_OK;
}

/* ATST hh: the reply timeout (kept; replies are immediate for now). */
static enum at_result at_timeout(struct sim *s, const char *arg, struct buf *out)
{
	unsigned long v;

	if (hex_arg(arg, 2, &v) < 0)
		return AT_BAD;
	s->at.st = (uint8_t)v;
	return AT_OK;
}

/* ATAT0/1/2: adaptive timing (kept as a setting). */
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

/* The commands, tried in order: longer names before their prefixes. */
static const struct at_cmd at_cmds[] = {
	{ "@1", at_desc },
	{ "AT", at_adaptive },
	{ "CAF", at_caf },
	{ "CFC", at_cfc },
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
	{ "M", at_memory },
	{ "PC", at_close },
	{ "RV", at_voltage },
	{ "SH", at_set_header },
	{ "SP", at_protocol },
	{ "ST", at_timeout },
	{ "S", at_spaces },
	{ "TP", at_protocol },
	{ "WS", at_reset },
	{ "Z", at_reset },
};

/* Runs an AT command (text after "AT"); anything unknown gets "?". */
static void at_command(struct sim *s, const char *cmd, struct buf *out)
{
	enum at_result r = AT_BAD;
	size_t i, l;

	for (i = 0; i < sizeof at_cmds / sizeof at_cmds[0]; i++) {
		l = strlen(at_cmds[i].name);
		if (strncmp(cmd, at_cmds[i].name, l) == 0) {
			r = at_cmds[i].fn(s, cmd + l, out);
			break;
		}
	}
	if (r == AT_OK)
		sim_at_line(s, out, "OK");
	else if (r == AT_BAD)
		sim_at_line(s, out, "?");
}

/* Runs one command line (compacted, upper case) and prints the prompt. */
static void execute(struct sim *s, const char *cmd, struct buf *out)
{
	if (strncmp(cmd, "AT", 2) == 0)
		at_command(s, cmd + 2, out);
	else if (!sim_request(s, cmd, out))
		sim_at_line(s, out, "?");
	prompt(s, out);
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
	if (t->overflow) {
		sim_at_line(s, out, "?");
		prompt(s, out);
	} else if (cmd[0]) {
		memcpy(t->last, cmd, sizeof t->last);
		execute(s, cmd, out);
	} else if (t->last[0]) {
		memcpy(cmd, t->last, sizeof cmd);
		execute(s, cmd, out);
	} else {
		buf_putc(out, '>');
	}
	t->linelen = 0;
	t->overflow = false;
}

/* Feeds console bytes to the adapter's line input. NUL, LF and other
 * control bytes are ignored; other bytes are echoed (ATE1) and kept up to
 * SIM_LINE_MAX per line. */
void sim_at_input(struct sim *s, const uint8_t *in, size_t n, struct buf *out)
{
	struct sim_at *t = &s->at;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = in[i];
		if (c == '\r') {
			end_line(s, out);
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			continue;
		if (t->echo)
			buf_putc(out, c);
		if (t->linelen < SIM_LINE_MAX)
			t->line[t->linelen++] = (char)c;
		else
			t->overflow = true;
	}
}

/* A copy of a string field; NULL with an error when it is missing. */
static char *need_str(const struct sdata *d, const char *key, const char *file, struct error *e)
{
	const char *v = sdata_str(d, key, NULL);
	char *copy;

	if (v == NULL || v[0] == 0 || strlen(v) > 64 || strpbrk(v, "\r\n>") != NULL) {
		error_set(e, ERR_FORMAT, "%s: %s must be a one-line string (at most 64 characters)",
			  file, key);
		return NULL;
	}
	copy = strdup(v);
	if (copy == NULL)
		error_set(e, ERR_NOMEM, "out of memory");
	return copy;
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

/* Reads an adapter profile. */
int sim_adapter_load(const struct sdata *d, const char *file, struct sim_adapter *a,
		     struct error *e)
{
	memset(a, 0, sizeof *a);
	if ((a->id = need_str(d, "id", file, e)) == NULL ||
	    (a->name = need_str(d, "name", file, e)) == NULL ||
	    (a->ati = need_str(d, "ati", file, e)) == NULL ||
	    (a->at1 = need_str(d, "at1", file, e)) == NULL ||
	    adapter_settings(d, file, a, e) < 0) {
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
	free(a->junk);
	memset(a, 0, sizeof *a);
}
