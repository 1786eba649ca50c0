/* raw.c: raw UDS requests for script writers and for diagnosing a car
 * (`obdcon uds`), through the same driver, ISO-TP, timing and logging as
 * everything else; and the listing of serial ports. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app/app_internal.h"
#include "util/buf.h"
#include "util/hex.h"

/* Parses one CAN ID of 3 (11-bit) or 8 (29-bit) hex digits. */
static int parse_can_id(const char *text, size_t digits, uint32_t *out, struct error *e)
{
	char buf[24];
	unsigned long v;

	snprintf(buf, sizeof buf, "0x%s", text);
	if (strlen(text) != digits || parse_uint(buf, digits == 3 ? 0x7FF : 0x1FFFFFFF, &v) < 0)
		return error_set(e, ERR_ARG, "bad CAN ID '%s' (3 hex digits, or 8 for 29-bit)", text);
	*out = (uint32_t)v;
	return 0;
}

/* Parses "7E0", "7E0:7E8", "18DA10F1" or "18DA10F1:18DAF110" into a target;
 * without a reply ID it is the request ID + 8 (11-bit) or the swapped
 * normal-fixed address (29-bit). */
int app_parse_can_target(const char *spec, struct app_can_target *t, struct error *e)
{
	char tx[16];
	const char *colon = strchr(spec, ':');
	size_t txlen = colon ? (size_t)(colon - spec) : strlen(spec);

	if (txlen >= sizeof tx)
		return error_set(e, ERR_ARG, "bad CAN ID '%s' (want 7E0, 7E0:7E8 or 18DA10F1)", spec);
	memcpy(tx, spec, txlen);
	tx[txlen] = 0;
	t->ext = txlen == 8;
	if (parse_can_id(tx, t->ext ? 8 : 3, &t->tx, e) < 0)
		return -(int)e->kind;
	if (colon)
		return parse_can_id(colon + 1, t->ext ? 8 : 3, &t->rx, e);
	if (t->ext)
		t->rx = (t->tx & 0xFFFF0000u) | (t->tx & 0xFF) << 8 | (t->tx >> 8 & 0xFF);
	else
		t->rx = t->tx + 8;
	return 0;
}

/* True for requests that change a module and need the user's consent:
 * writes, routines, programming, resets, clearing, communication and DTC
 * setting control, and the key step of security access. */
bool app_request_changes_module(const uint8_t *req, size_t n)
{
	if (n == 0)
		return false;
	switch (req[0]) {
	case 0x2E: case 0x31: case 0x34: case 0x35: case 0x36: case 0x37:
	case 0x3D: case 0x11: case 0x14: case 0x28: case 0x85:
		return true;
	case 0x27:
		return n >= 2 && (req[1] & 0x7F) % 2 == 0;
	default:
		return false;
	}
}

/* Sends one raw UDS request and returns the positive reply. */
int app_uds_raw(struct app *a, const struct app_can_target *ct, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e)
{
	char name[32];
	struct uds_target t;

	if (a->uds == NULL)
		return error_set(e, ERR_ARG, "not connected");
	snprintf(name, sizeof name, ct->ext ? "%08X" : "%03X", (unsigned)ct->tx);
	t.name = name;
	t.can.tx = ct->tx;
	t.can.rx = ct->rx;
	t.can.ext = ct->ext;
	app_say(a, APP_INFO, "uds %s: %zu-byte request %02X...", name, n, req[0]);
	session_set_operation(a->session, app_request_changes_module(req, n) ? "uds (writing)" : "uds");
	return uds_request(a->uds, &t, req, n, resp, cap, rlen, e);
}

/* Lists present serial ports. */
int app_list_ports(struct app_port *out, size_t max, struct error *e)
{
	struct link_port ports[64];
	int n = link_list_ports(ports, max < 64 ? max : 64, e), i;

	for (i = 0; i < n; i++) {
		snprintf(out[i].name, sizeof out[i].name, "%s", ports[i].name);
		snprintf(out[i].description, sizeof out[i].description, "%s", ports[i].description);
	}
	return n;
}

/* The adapter's fingerprint in one line ("" before connecting). */
void app_adapter_fingerprint(const struct app *a, char *out, size_t n)
{
	if (a->adapter == NULL) {
		snprintf(out, n, "not connected");
		return;
	}
	adapter_describe(a->adapter, out, n);
}

/* The adapter's send path, request limit and round trip, for status lines. */
const char *app_adapter_path(const struct app *a)
{
	static char text[96];
	const struct adapter_info *i;

	if (a->adapter == NULL)
		return "";
	i = adapter_info(a->adapter);
	snprintf(text, sizeof text, "[%s, %d B, %d ms]", i->path, i->max_request, i->rtt_ms);
	return text;
}

/* Sends a line typed by hand (the console's terminal pane) and returns the
 * adapter's raw answer; the driver forgets its cached settings afterwards. */
int app_raw_command(struct app *a, const char *line, char *out, size_t n, struct error *e)
{
	if (a->adapter == NULL)
		return error_set(e, ERR_ARG, "not connected");
	app_say(a, APP_WARNING, "typed by hand, bypassing the safety checks: %s", line);
	return adapter_raw_command(a->adapter, line, out, n, e);
}

/* Asks the running operation to stop at its next safe point. */
void app_request_cancel(struct app *a, bool cancel)
{
	atomic_store(&a->cancel, cancel);
}

/* True when the user asked the running operation to stop. */
bool app_cancelled(const struct app *a)
{
	return atomic_load(&a->cancel) || (a->hooks.cancelled && a->hooks.cancelled(a->hooks.arg));
}

/* The simulator's vehicle and adapter profiles, one a line:
 * "name<TAB>adapter|vehicle<TAB>description". */
void app_list_sim_profiles(char *out, size_t n)
{
	struct buf b = { 0 };

	sim_list_profiles(&b);
	snprintf(out, n, "%s", buf_str(&b));
	buf_free(&b);
}
