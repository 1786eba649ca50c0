/* uds.c: UDS (ISO 14229-1) client core: the transport below, per-target
 * session and timing, requests with response-pending waits and limits,
 * session control, reset and the tester-present keep-alive. */
#include "config.h"
#include "diag/uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/obd.h"
#include "util/clock.h"

#define NRC_RESPONSE_PENDING 0x78

/* What the client knows of one target. */
struct uds_peer {
	bool used;
	struct can_target can;
	char name[32];
	uint8_t session;
	int p2_ms;
	int p2star_ms;
	bool timed;      /* P2/P2* came from the module's 0x50 reply */
	int64_t last_ms; /* when the last request to it was sent */
};

struct uds {
	const struct uds_transport *ops;
	void *ctx;
	struct uds_transport iso_ops; /* used when made over ISO-TP */
	int margin_ms;
	unsigned pending_total;
	struct uds_peer peers[UDS_TARGETS_MAX];
	struct isotp_msg msg;
};

/* Length of the positive reply to a mode 01 request (SAE J1979: the
 * service byte, then each PID with its data), 0 when a PID's length is
 * not known. */
static size_t obd_current_reply(const uint8_t *req, size_t n)
{
	size_t len = 1, i, k;

	for (i = 1; i < n; i++) {
		if ((k = obd_pid_len(req[i])) == 0)
			return 0;
		len += 1 + k;
	}
	return n > 1 ? len : 0;
}

/* Length of the positive reply a request gets when the standard fixes it
 * (so the adapter may stop at its last frame), else 0. */
static size_t known_reply_len(const uint8_t *req, size_t n)
{
	switch (req[0]) {
	case 0x01: return obd_current_reply(req, n);
	case 0x10: return 6;
	case 0x11: return 3;
	case 0x14: return 1;
	case 0x27: return n >= 2 && (req[1] & 0x7F) % 2 == 0 ? 2 : 0;
	case 0x28: return 2;
	case 0x2E: return 3;
	case 0x36: return n > 2 ? 2 : 0; /* a download block; an upload's 36 gets data */
	case 0x3E: return 2;
	case 0x85: return 2;
	default: return 0;
	}
}

/* True for services that only read: sending them twice changes nothing. */
static bool reads_only(uint8_t sid)
{
	switch (sid) {
	case 0x01: case 0x02: case 0x03: case 0x06: case 0x07: case 0x09: case 0x0A:
	case 0x19: case 0x22: case 0x23: case 0x3E:
		return true;
	default:
		return false;
	}
}

/* ISO-TP request for the client. */
static int tp_request(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
		      int timeout_ms, struct isotp_msg *reply, struct error *e)
{
	struct isotp_req_opt o = { timeout_ms, n ? known_reply_len(req, n) : 0,
				   n && reads_only(req[0]) };

	return isotp_request_opt(ctx, t, req, n, &o, reply, e);
}

/* ISO-TP receive for the client. */
static int tp_receive(void *ctx, const struct can_target *t, int timeout_ms,
		      struct isotp_msg *reply, struct error *e)
{
	return isotp_receive(ctx, t, timeout_ms, reply, e);
}

/* ISO-TP send without waiting for a reply (suppressed positive responses). */
static int tp_send(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
		   struct error *e)
{
	return isotp_send_only(ctx, t, req, n, e);
}

/* ISO-TP functional request: every responder's reply, by CAN ID. */
static int tp_request_functional(void *ctx, uint32_t tx, bool ext, const uint8_t *req,
				 size_t n, int timeout_ms, struct isotp_msg *replies, size_t cap,
				 size_t *count, struct error *e)
{
	struct can_target t = { tx, 0, ext };

	return isotp_request_functional(ctx, &t, req, n, timeout_ms, replies, cap, count, e);
}

/* UDS client over any transport. */
struct uds *uds_new_transport(const struct uds_transport *ops, void *ctx)
{
	struct uds *u = calloc(1, sizeof *u);

	if (u == NULL)
		return NULL;
	u->ops = ops;
	u->ctx = ctx;
	u->margin_ms = UDS_LINK_MARGIN_MS;
	return u;
}

/* UDS client over an ISO-TP transport. */
struct uds *uds_new(struct isotp *tp)
{
	struct uds *u = uds_new_transport(NULL, tp);

	if (u == NULL)
		return NULL;
	u->iso_ops.request = tp_request;
	u->iso_ops.receive = tp_receive;
	u->iso_ops.send = tp_send;
	u->iso_ops.request_all = tp_request_functional;
	u->ops = &u->iso_ops;
	return u;
}

/* Frees the client. */
void uds_free(struct uds *u)
{
	free(u);
}

/* Sets the round trip added to every P2/P2* wait. */
void uds_set_link_margin(struct uds *u, int ms)
{
	u->margin_ms = ms >= 0 ? ms : UDS_LINK_MARGIN_MS;
}

/* Number of 0x78 replies seen since the client was made. */
unsigned uds_pending_count(const struct uds *u)
{
	return u->pending_total;
}

/* Monotonic time from the transport, or the system clock. */
static int64_t now(const struct uds *u)
{
	return u->ops->now_ms ? u->ops->now_ms(u->ctx) : clock_ms();
}

/* True if two CAN addressings name the same target. */
static bool same_can(const struct can_target *a, const struct can_target *b)
{
	return a->tx == b->tx && a->rx == b->rx && a->ext == b->ext;
}

/* Index of the target's record, or -1. */
static int peer_index(const struct uds *u, const struct can_target *c)
{
	int i;

	for (i = 0; i < UDS_TARGETS_MAX; i++)
		if (u->peers[i].used && same_can(&u->peers[i].can, c))
			return i;
	return -1;
}

/* A slot for a new target: a free one, else the stalest in the default
 * session, else the stalest of all. */
static struct uds_peer *peer_slot(struct uds *u)
{
	struct uds_peer *best = NULL;
	int i;

	for (i = 0; i < UDS_TARGETS_MAX; i++) {
		struct uds_peer *p = &u->peers[i];
		if (!p->used)
			return p;
		if (best == NULL || (p->session == UDS_SESSION_DEFAULT) >
					    (best->session == UDS_SESSION_DEFAULT) ||
		    ((p->session == UDS_SESSION_DEFAULT) == (best->session == UDS_SESSION_DEFAULT) &&
		     p->last_ms < best->last_ms))
			best = p;
	}
	return best;
}

/* Puts a record back to the state of a module after power-up. */
static void peer_default(struct uds_peer *p)
{
	p->session = UDS_SESSION_DEFAULT;
	p->p2_ms = UDS_P2_DEFAULT_MS;
	p->p2star_ms = UDS_P2STAR_DEFAULT_MS;
	p->timed = false;
}

/* The target's record, made on first use. */
static struct uds_peer *peer_get(struct uds *u, const struct uds_target *t)
{
	int i = peer_index(u, &t->can);
	struct uds_peer *p;

	if (i >= 0)
		return &u->peers[i];
	p = peer_slot(u);
	memset(p, 0, sizeof *p);
	p->used = true;
	p->can = t->can;
	snprintf(p->name, sizeof p->name, "%s", t->name ? t->name : "module");
	peer_default(p);
	return p;
}

/* Session and timing the client holds for a target. */
void uds_get_timing(const struct uds *u, const struct uds_target *t, struct uds_timing *tm)
{
	int i = peer_index(u, &t->can);

	tm->session = i >= 0 ? u->peers[i].session : UDS_SESSION_DEFAULT;
	tm->has_timing = i >= 0 && u->peers[i].timed;
	tm->p2_ms = i >= 0 ? u->peers[i].p2_ms : UDS_P2_DEFAULT_MS;
	tm->p2star_ms = i >= 0 ? u->peers[i].p2star_ms : UDS_P2STAR_DEFAULT_MS;
}

/* Overall limit of one request: the caller's, or P2 plus a few P2* waits. */
static int overall_ms(const struct uds *u, const struct uds_peer *p, const struct uds_opts *o)
{
	if (o && o->timeout_ms > 0)
		return o->timeout_ms;
	return p->p2_ms + u->margin_ms + UDS_DEFAULT_PENDING_WAITS * (p->p2star_ms + u->margin_ms);
}

/* A wait of want ms that does not pass the deadline. */
static int wait_ms(const struct uds *u, int want, int64_t deadline)
{
	int64_t left = deadline - now(u);

	if (left <= 0)
		return 0;
	return left < want ? (int)left : want;
}

/* True if the message is a response-pending negative reply to sid. */
static bool is_pending(const struct isotp_msg *m, uint8_t sid)
{
	return m->len >= 3 && m->data[0] == 0x7F && m->data[1] == sid &&
	       m->data[2] == NRC_RESPONSE_PENDING;
}

/* Waits out 0x78 replies: each re-arms a P2* wait, all within the
 * deadline and the cap on their number. */
static int wait_final(struct uds *u, const struct uds_target *t, const struct uds_peer *p,
		      uint8_t sid, unsigned max, int64_t deadline, struct error *e)
{
	unsigned pending = 0;

	while (is_pending(&u->msg, sid)) {
		int w;
		u->pending_total++;
		if (++pending > max)
			return error_set(e, ERR_TIMEOUT, "%s: %s still pending after %u replies",
					 t->name, uds_service_name(sid), pending - 1);
		w = wait_ms(u, p->p2star_ms + u->margin_ms, deadline);
		if (w <= 0)
			return error_set(e, ERR_TIMEOUT, "%s: %s gave no final answer within the "
					 "limit (%u pending replies)", t->name, uds_service_name(sid),
					 pending);
		if (u->ops->receive(u->ctx, &t->can, w, &u->msg, e) < 0)
			return error_wrap(e, "%s: %s pending", t->name, uds_service_name(sid));
	}
	return 0;
}

/* Turns a reply into a result: positive copied out, negative named. */
static int finish_reply(struct uds *u, const struct uds_target *t, uint8_t sid, uint8_t *resp,
			size_t cap, size_t *rlen, struct error *e)
{
	uint8_t nrc;
	int rc = uds_check_response(sid, u->msg.data, u->msg.len, &nrc);

	if (rc == -ERR_NEGATIVE) {
		error_set(e, ERR_NEGATIVE, "%s refused %s (0x%02X): %s (0x%02X)", t->name,
			  uds_service_name(sid), sid, uds_nrc_name(nrc), nrc);
		e->detail = nrc;
		return -ERR_NEGATIVE;
	}
	if (rc < 0)
		return error_set(e, ERR_PROTOCOL, "%s: unexpected reply to %s (first byte 0x%02X)",
				 t->name, uds_service_name(sid), u->msg.len ? u->msg.data[0] : 0);
	if (u->msg.len > cap)
		return error_set(e, ERR_PROTOCOL, "%s: reply of %zu bytes exceeds %zu", t->name,
				 u->msg.len, cap);
	memcpy(resp, u->msg.data, u->msg.len);
	*rlen = u->msg.len;
	return 0;
}

/* Sends a request with limits and returns the positive response. */
int uds_request_opts(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		     const struct uds_opts *o, uint8_t *resp, size_t cap, size_t *rlen,
		     struct error *e)
{
	struct uds_peer *p;
	int64_t deadline;
	uint8_t sid;
	int rc;

	*rlen = 0;
	if (n == 0)
		return error_set(e, ERR_ARG, "empty request");
	sid = req[0];
	p = peer_get(u, t);
	p->last_ms = now(u);
	deadline = p->last_ms + overall_ms(u, p, o);
	rc = u->ops->request(u->ctx, &t->can, req, n, wait_ms(u, p->p2_ms + u->margin_ms, deadline),
			     &u->msg, e);
	if (rc == -ERR_TIMEOUT && o && o->suppress)
		return 0;
	if (rc < 0)
		return error_wrap(e, "%s: %s", t->name, uds_service_name(sid));
	if (wait_final(u, t, p, sid, o && o->max_pending ? o->max_pending : UDS_PENDING_LIMIT,
		       deadline, e) < 0)
		return -(int)e->kind;
	return finish_reply(u, t, sid, resp, cap, rlen, e);
}

/* Sends a request with the default limits. */
int uds_request(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e)
{
	return uds_request_opts(u, t, req, n, NULL, resp, cap, rlen, e);
}

/* Sends one request to a functional ID and returns every reply. */
int uds_request_functional(struct uds *u, uint32_t tx, bool ext, const uint8_t *req, size_t n,
			   int timeout_ms, struct isotp_msg *replies, size_t cap, size_t *count,
			   struct error *e)
{
	*count = 0;
	if (n == 0)
		return error_set(e, ERR_ARG, "empty request");
	if (u->ops->request_all == NULL)
		return error_set(e, ERR_UNSUPPORTED, "functional requests are not supported");
	return u->ops->request_all(u->ctx, tx, ext, req, n, timeout_ms, replies, cap, count, e);
}

/* 0x10: opens a session and keeps its timing for the target. */
int uds_session(struct uds *u, const struct uds_target *t, uint8_t session,
		struct uds_timing *tm, struct error *e)
{
	uint8_t req[2], resp[64];
	struct uds_timing got;
	struct uds_peer *p;
	size_t rlen;
	int n = uds_enc_session(req, sizeof req, session, false, e);

	if (n < 0)
		return n;
	if (uds_request(u, t, req, (size_t)n, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "opening session %02X", session);
	if (uds_dec_session(resp, rlen, session, &got, e) < 0)
		return error_wrap(e, "%s", t->name);
	p = peer_get(u, t);
	p->session = session;
	p->p2_ms = got.p2_ms;
	p->p2star_ms = got.p2star_ms;
	p->timed = got.has_timing;
	if (tm)
		*tm = got;
	return 0;
}

/* 0x11: resets the module, which comes back in the default session. */
int uds_reset(struct uds *u, const struct uds_target *t, uint8_t type, struct error *e)
{
	uint8_t req[2], resp[64], power_down;
	size_t rlen;
	int n = uds_enc_reset(req, sizeof req, type, false, e);

	if (n < 0)
		return n;
	if (uds_request(u, t, req, (size_t)n, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "resetting");
	if (uds_dec_reset(resp, rlen, type, &power_down, e) < 0)
		return error_wrap(e, "%s", t->name);
	peer_default(peer_get(u, t));
	return 0;
}

/* 0x3E: tester present. */
int uds_tester_present(struct uds *u, const struct uds_target *t, bool suppress,
		       struct error *e)
{
	struct uds_opts o = { .suppress = suppress };
	uint8_t req[2], resp[64];
	size_t rlen;
	int n = uds_enc_tester_present(req, sizeof req, suppress, e);

	if (n < 0)
		return n;
	if (uds_request_opts(u, t, req, (size_t)n, &o, resp, sizeof resp, &rlen, e) < 0)
		return -(int)e->kind;
	if (rlen == 0)
		return 0;
	return uds_dec_tester_present(resp, rlen, e) < 0 ? error_wrap(e, "%s", t->name) : 0;
}

/* Keeps one target's session open: 3E 80 without waiting when the
 * transport can, else 3E 00 with its reply. */
static int keepalive_one(struct uds *u, struct uds_peer *p, int64_t now_ms, struct error *e)
{
	static const uint8_t quiet[2] = { 0x3E, UDS_SUPPRESS_POS };
	struct uds_target t = { p->name, p->can };
	int rc = -ERR_UNSUPPORTED;

	p->last_ms = now_ms;
	if (u->ops->send)
		rc = u->ops->send(u->ctx, &p->can, quiet, sizeof quiet, e);
	if (rc == 0)
		return 0;
	if (rc != -ERR_UNSUPPORTED)
		return error_wrap(e, "%s: keeping the session open", p->name);
	if (uds_tester_present(u, &t, false, e) < 0)
		return error_wrap(e, "keeping the session open");
	return 0;
}

/* True if the target is in a non-default session. */
static bool needs_keepalive(const struct uds_peer *p)
{
	return p->used && p->session != UDS_SESSION_DEFAULT;
}

/* Sends tester present where a non-default session would otherwise lapse. */
int uds_keepalive(struct uds *u, int64_t now_ms, struct error *e)
{
	struct error later;
	int rc = 0, i;

	for (i = 0; i < UDS_TARGETS_MAX; i++) {
		struct uds_peer *p = &u->peers[i];
		if (!needs_keepalive(p) || now_ms - p->last_ms < UDS_KEEPALIVE_MS)
			continue;
		if (keepalive_one(u, p, now_ms, rc < 0 ? &later : e) < 0 && rc == 0)
			rc = -(int)e->kind;
	}
	return rc;
}

/* Milliseconds until uds_keepalive() has work, -1 when it never will. */
int uds_keepalive_due_ms(const struct uds *u, int64_t now_ms)
{
	int64_t best = -1;
	int i;

	for (i = 0; i < UDS_TARGETS_MAX; i++) {
		const struct uds_peer *p = &u->peers[i];
		int64_t due;
		if (!needs_keepalive(p))
			continue;
		due = p->last_ms + UDS_KEEPALIVE_MS - now_ms;
		if (due < 0)
			due = 0;
		if (best < 0 || due < best)
			best = due;
	}
	return (int)best;
}
