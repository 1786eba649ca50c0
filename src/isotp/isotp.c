/* isotp.c: ISO 15765-2 reassembly of replies from raw CAN frames, and the
 * request path through the adapter. */
#include "config.h"
#include "isotp/isotp.h"

#include <stdlib.h>
#include <string.h>

#define QUEUE_MAX 8

struct isotp {
	struct adapter *adapter;
	struct elm_reply reply;          /* frames of the last exchange */
	struct isotp_msg queue[QUEUE_MAX]; /* complete replies not yet taken */
	size_t nqueued;
	uint32_t queue_id;               /* reply ID the queue belongs to */
	struct isotp_rx rx;
};

/* Starts a fresh reassembly. */
void isotp_rx_reset(struct isotp_rx *rx)
{
	rx->len = 0;
	rx->expected = 0;
	rx->next_sn = 0;
}

/* Handles a single frame (PCI 0x0L, or 0x00 LL for CAN FD escapes). */
static enum isotp_rx_result rx_single(struct isotp_rx *rx, const uint8_t *f, size_t n,
				      struct error *e)
{
	size_t len = f[0] & 0x0F;

	if (len == 0 || len > n - 1) {
		error_set(e, ERR_PROTOCOL, "single frame announces %zu bytes but carries %zu", len,
			  n - 1);
		return ISOTP_RX_ERROR;
	}
	memcpy(rx->data, f + 1, len);
	rx->len = len;
	rx->expected = 0;
	return ISOTP_RX_DONE;
}

/* Handles a first frame (PCI 0x1LLL). */
static enum isotp_rx_result rx_first(struct isotp_rx *rx, const uint8_t *f, size_t n,
				     struct error *e)
{
	size_t len = (size_t)(f[0] & 0x0F) << 8 | f[1];

	if (n < 8 || len < 8) {
		error_set(e, ERR_PROTOCOL, "malformed first frame (length %zu, %zu bytes)", len, n);
		return ISOTP_RX_ERROR;
	}
	if (len > ISOTP_MAX_MSG) {
		error_set(e, ERR_PROTOCOL, "message of %zu bytes is over the limit", len);
		return ISOTP_RX_ERROR;
	}
	memcpy(rx->data, f + 2, 6);
	rx->len = 6;
	rx->expected = len;
	rx->next_sn = 1;
	return ISOTP_RX_MORE;
}

/* Handles a consecutive frame (PCI 0x2N). */
static enum isotp_rx_result rx_consecutive(struct isotp_rx *rx, const uint8_t *f, size_t n,
					   struct error *e)
{
	size_t take;

	if (rx->expected == 0) {
		error_set(e, ERR_PROTOCOL, "consecutive frame without a first frame");
		return ISOTP_RX_ERROR;
	}
	if ((f[0] & 0x0F) != rx->next_sn) {
		error_set(e, ERR_PROTOCOL, "consecutive frame %u out of sequence (expected %u)",
			  f[0] & 0x0F, rx->next_sn);
		isotp_rx_reset(rx);
		return ISOTP_RX_ERROR;
	}
	take = rx->expected - rx->len;
	if (take > 7)
		take = 7;
	if (n - 1 < take) {
		error_set(e, ERR_PROTOCOL, "short consecutive frame (%zu bytes)", n);
		isotp_rx_reset(rx);
		return ISOTP_RX_ERROR;
	}
	memcpy(rx->data + rx->len, f + 1, take);
	rx->len += take;
	rx->next_sn = (rx->next_sn + 1) & 0x0F;
	if (rx->len < rx->expected)
		return ISOTP_RX_MORE;
	rx->expected = 0;
	return ISOTP_RX_DONE;
}

/* Feeds one CAN frame's data bytes. */
enum isotp_rx_result isotp_rx_frame(struct isotp_rx *rx, const uint8_t *frame, size_t n,
				    struct error *e)
{
	if (n == 0)
		return ISOTP_RX_IGNORED;
	switch (frame[0] >> 4) {
	case 0:
		return rx_single(rx, frame, n, e);
	case 1:
		return rx_first(rx, frame, n, e);
	case 2:
		return rx_consecutive(rx, frame, n, e);
	case 3:
		return ISOTP_RX_IGNORED;
	default:
		error_set(e, ERR_PROTOCOL, "unknown ISO-TP frame type 0x%X", frame[0] >> 4);
		return ISOTP_RX_ERROR;
	}
}

/* Transport over an adapter. */
struct isotp *isotp_new(struct adapter *a)
{
	struct isotp *tp = calloc(1, sizeof *tp);

	if (tp)
		tp->adapter = a;
	return tp;
}

/* Frees the transport. */
void isotp_free(struct isotp *tp)
{
	free(tp);
}

/* Reassembles the frames of the last exchange from the target's reply ID
 * into the queue. */
static int collect_replies(struct isotp *tp, const struct can_target *t, struct error *e)
{
	size_t i;

	tp->nqueued = 0;
	tp->queue_id = t->rx;
	isotp_rx_reset(&tp->rx);
	for (i = 0; i < tp->reply.nframes; i++) {
		const struct elm_frame *f = &tp->reply.frames[i];
		enum isotp_rx_result r;
		if (f->id != t->rx)
			continue;
		r = isotp_rx_frame(&tp->rx, f->data, f->len, e);
		if (r == ISOTP_RX_ERROR)
			return error_wrap(e, "reply from %03X", (unsigned)t->rx);
		if (r != ISOTP_RX_DONE || tp->nqueued == QUEUE_MAX)
			continue;
		tp->queue[tp->nqueued].id = f->id;
		tp->queue[tp->nqueued].len = tp->rx.len;
		memcpy(tp->queue[tp->nqueued].data, tp->rx.data, tp->rx.len);
		tp->nqueued++;
	}
	if (tp->rx.expected)
		return error_set(e, ERR_PROTOCOL, "reply from %03X ended after %zu of %zu bytes",
				 (unsigned)t->rx, tp->rx.len, tp->rx.expected);
	return 0;
}

/* Moves the first queued reply into out. */
static void dequeue(struct isotp *tp, struct isotp_msg *out)
{
	out->id = tp->queue[0].id;
	out->len = tp->queue[0].len;
	memcpy(out->data, tp->queue[0].data, out->len);
	tp->nqueued--;
	memmove(&tp->queue[0], &tp->queue[1], tp->nqueued * sizeof tp->queue[0]);
}

/* Sends a request and returns the first complete reply from the target. */
int isotp_request(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		  int timeout_ms, struct isotp_msg *reply, struct error *e)
{
	tp->nqueued = 0;
	if (n > 7)
		return error_set(e, ERR_UNSUPPORTED,
				 "requests of %zu bytes need multi-frame sending, not available yet", n);
	if (adapter_send(tp->adapter, t, req, n, timeout_ms, &tp->reply, e) < 0)
		return -(int)e->kind;
	if (collect_replies(tp, t, e) < 0)
		return -(int)e->kind;
	if (tp->nqueued == 0)
		return error_set(e, ERR_TIMEOUT, "no reply from %03X", (unsigned)t->rx);
	dequeue(tp, reply);
	return 0;
}

/* Returns the next queued reply from the target. Listening for late
 * replies past the adapter's prompt arrives with the adapter driver work. */
int isotp_receive(struct isotp *tp, const struct can_target *t, int timeout_ms,
		  struct isotp_msg *reply, struct error *e)
{
	(void)timeout_ms;
	if (tp->nqueued > 0 && tp->queue_id == t->rx) {
		dequeue(tp, reply);
		return 0;
	}
	return error_set(e, ERR_TIMEOUT, "no further reply from %03X", (unsigned)t->rx);
}
