/* adapter.c: the ELM327/STN command driver: one command at a time, read to
 * the prompt, parse; initialisation; CAN target selection. */
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

struct adapter {
	struct link *link;
	struct adapter_info info;
	int timeout_ms;
	bool have_target;
	struct can_target target;  /* what ATSH/ATCRA are set to */
	bool fc_unsupported;       /* adapter answered ? to ATFC SH */
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
	a->fmt.headers = false;
	return a;
}

/* Frees the driver. */
void adapter_free(struct adapter *a)
{
	free(a);
}

/* What the probe found. */
const struct adapter_info *adapter_info(const struct adapter *a)
{
	return &a->info;
}

/* Per-command timeout. */
void adapter_set_timeout(struct adapter *a, int ms)
{
	a->timeout_ms = ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

/* Sends one command line and reads everything up to the prompt into a->raw. */
static int adapter_roundtrip(struct adapter *a, const char *cmd, int timeout_ms, struct error *e)
{
	char line[RAW_MAX / 4];
	int64_t deadline = clock_ms() + timeout_ms;
	size_t len = strlen(cmd);
	long r;

	if (len + 2 > sizeof line)
		return error_set(e, ERR_ARG, "command too long (%zu characters)", len);
	link_drain(a->link);
	memcpy(line, cmd, len);
	line[len++] = '\r';
	if (link_write(a->link, line, len, WRITE_TIMEOUT_MS, e) < 0)
		return -(int)e->kind;
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
		return error_set(e, ERR_TIMEOUT, "no answer to '%s' (%s)", cmd,
				 elm_status_name(r->status));
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

/* Sends an AT/ST command and returns its text answer. */
int adapter_command(struct adapter *a, const char *cmd, char *out, size_t n, struct error *e)
{
	int timeout = strcmp(cmd, "ATZ") == 0 || strcmp(cmd, "ATWS") == 0 ? RESET_TIMEOUT_MS
									  : a->timeout_ms;

	if (adapter_roundtrip(a, cmd, timeout, e) < 0)
		return -(int)e->kind;
	elm_parse_text(cmd, a->raw, a->nraw, &a->reply);
	if (status_error(&a->reply, cmd, e) < 0)
		return -(int)e->kind;
	if (out && n)
		snprintf(out, n, "%s", a->reply.text);
	return 0;
}

/* Runs a list of setup commands, stopping at the first failure. */
static int run_commands(struct adapter *a, const char *const *cmds, struct error *e)
{
	size_t i;

	for (i = 0; cmds[i]; i++)
		if (adapter_command(a, cmds[i], NULL, 0, e) < 0)
			return error_wrap(e, "initialising the adapter");
	return 0;
}

/* Resets and configures the adapter for ISO 15765 CAN. */
int adapter_init(struct adapter *a, struct error *e)
{
	static const char *const setup[] = { "ATE0", "ATL0", "ATS0", "ATH1", "ATSP6", NULL };
	int64_t t0;

	memset(&a->info, 0, sizeof a->info);
	a->have_target = false;
	a->fc_unsupported = false;
	if (adapter_command(a, "ATZ", NULL, 0, e) < 0)
		return error_wrap(e, "resetting the adapter");
	if (run_commands(a, setup, e) < 0)
		return -(int)e->kind;
	a->fmt.headers = true;
	a->fmt.ext_ids = false;
	t0 = clock_us();
	if (adapter_command(a, "ATI", a->info.elm_version, sizeof a->info.elm_version, e) < 0)
		return error_wrap(e, "identifying the adapter");
	a->info.rtt_ms = (int)((clock_us() - t0 + 500) / 1000);
	if (adapter_command(a, "AT@1", a->info.device, sizeof a->info.device, NULL) < 0)
		a->info.device[0] = 0;
	if (adapter_command(a, "ATDP", a->info.protocol, sizeof a->info.protocol, NULL) < 0)
		a->info.protocol[0] = 0;
	snprintf(a->info.path, sizeof a->info.path, "caf1-single-frame");
	a->info.max_request = 7;
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

/* Sets the transmit header for a target (ATSH, plus ATCP for 29-bit). */
static int set_header(struct adapter *a, const struct can_target *t, struct error *e)
{
	char cmd[32];

	if (t->ext) {
		snprintf(cmd, sizeof cmd, "ATCP%02X", (unsigned)(t->tx >> 24) & 0x1F);
		if (adapter_command(a, cmd, NULL, 0, e) < 0)
			return -(int)e->kind;
		snprintf(cmd, sizeof cmd, "ATSH%06X", (unsigned)t->tx & 0xFFFFFF);
	} else {
		snprintf(cmd, sizeof cmd, "ATSH%03X", (unsigned)t->tx & 0x7FF);
	}
	return adapter_command(a, cmd, NULL, 0, e);
}

/* Sets flow control for IDs the adapter's automatic flow control does not
 * cover; adapters that refuse ATFC SH are remembered and skipped. */
static int set_flow_control(struct adapter *a, const struct can_target *t, struct error *e)
{
	static const char *const tail[] = { "ATFCSD300000", "ATFCSM1", NULL };
	char cmd[32];

	if (a->fc_unsupported || (!t->ext && t->rx == t->tx + 8))
		return 0;
	if (t->ext)
		snprintf(cmd, sizeof cmd, "ATFCSH%08X", (unsigned)t->tx);
	else
		snprintf(cmd, sizeof cmd, "ATFCSH%03X", (unsigned)t->tx);
	if (adapter_command(a, cmd, NULL, 0, e) < 0) {
		if (e->kind != ERR_UNSUPPORTED)
			return -(int)e->kind;
		a->fc_unsupported = true;
		error_clear(e);
		return 0;
	}
	return run_commands(a, tail, e);
}

/* Points the adapter at a target: header, receive filter, flow control. */
static int select_target(struct adapter *a, const struct can_target *t, struct error *e)
{
	char cmd[32];

	if (a->have_target && a->target.tx == t->tx && a->target.rx == t->rx &&
	    a->target.ext == t->ext)
		return 0;
	a->have_target = false;
	if (t->ext != a->fmt.ext_ids) {
		if (adapter_command(a, t->ext ? "ATSP7" : "ATSP6", NULL, 0, e) < 0)
			return -(int)e->kind;
		a->fmt.ext_ids = t->ext;
	}
	if (set_header(a, t, e) < 0)
		return -(int)e->kind;
	if (t->ext)
		snprintf(cmd, sizeof cmd, "ATCRA%08X", (unsigned)t->rx);
	else
		snprintf(cmd, sizeof cmd, "ATCRA%03X", (unsigned)t->rx);
	if (adapter_command(a, cmd, NULL, 0, e) < 0 || set_flow_control(a, t, e) < 0)
		return -(int)e->kind;
	a->target = *t;
	a->have_target = true;
	return 0;
}

/* Sends one CAN payload to a target and parses the frames received. */
int adapter_send(struct adapter *a, const struct can_target *t, const uint8_t *data, size_t n,
		 int timeout_ms, struct elm_reply *reply, struct error *e)
{
	char hexreq[2 * 8 + 1];

	if (n == 0 || n > 7)
		return error_set(e, ERR_ARG, "payload of %zu bytes does not fit one frame", n);
	if (select_target(a, t, e) < 0)
		return error_wrap(e, "addressing %03X", (unsigned)t->tx);
	hex_encode(data, n, hexreq);
	if (adapter_roundtrip(a, hexreq, timeout_ms > 0 ? timeout_ms : a->timeout_ms, e) < 0)
		return -(int)e->kind;
	elm_parse_data(hexreq, a->raw, a->nraw, &a->fmt, reply);
	if (reply->status == ELM_DATA)
		return 0;
	if (reply->status == ELM_NO_DATA || reply->status == ELM_EMPTY)
		return error_set(e, ERR_TIMEOUT, "no answer from %03X", (unsigned)t->rx);
	return status_error(reply, hexreq, e);
}
