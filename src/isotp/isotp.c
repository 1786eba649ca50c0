/* isotp.c: ISO 15765-2 over an ELM327/STN adapter: reassembly of replies
 * from raw frames, flow control by hand, and the send paths for requests
 * longer than one frame. */
#include "config.h"
#include "isotp/isotp.h"

#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

#define QUEUE_MAX 8
#define WAIT_FRAMES_MAX 10     /* flow-control WAIT frames accepted (N_WFTmax) */
#define FC_TIMEOUT_MS 1000     /* the ECU's flow control (N_Bs) */
#define DEFAULT_TIMEOUT_MS 2000
#define FAST_ST_MS 4           /* ATST while sending frames that get no answer */
#define FUNCTIONAL_MAX 16      /* responders to a functional request */

struct isotp {
	struct adapter *adapter;
	struct elm_reply reply;            /* frames of the last exchange */
	struct isotp_msg queue[QUEUE_MAX]; /* complete replies not yet taken */
	size_t nqueued;
	struct isotp_rx rx;                /* reassembly for the current target */
	struct isotp_stats stats;
};

/* Starts a fresh reassembly. */
void isotp_rx_reset(struct isotp_rx *rx)
{
	rx->len = 0;
	rx->expected = 0;
	rx->next_sn = 0;
}

/* Handles a single frame (PCI 0x0L). */
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
	size_t len;

	if (n < 8) {
		error_set(e, ERR_PROTOCOL, "first frame of %zu bytes (a first frame has 8)", n);
		return ISOTP_RX_ERROR;
	}
	len = (size_t)(f[0] & 0x0F) << 8 | f[1];
	if (len < 8) {
		error_set(e, ERR_PROTOCOL, "malformed first frame (length %zu, %zu bytes)", len, n);
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

/* Separation time of an STmin byte in microseconds. */
unsigned isotp_stmin_us(uint8_t stmin)
{
	if (stmin <= 0x7F)
		return stmin * 1000u;
	if (stmin >= 0xF1 && stmin <= 0xF9)
		return (stmin - 0xF0) * 100u;
	return 127000u; /* reserved values: the longest time */
}

/* Decodes a flow-control frame. */
int isotp_fc_decode(const uint8_t *frame, size_t n, unsigned *block_size, unsigned *stmin_us)
{
	if (n < 3 || frame[0] >> 4 != 3 || (frame[0] & 0x0F) > 2)
		return -1;
	*block_size = frame[1];
	*stmin_us = isotp_stmin_us(frame[2]);
	return frame[0] & 0x0F;
}

/* Builds the padded frames of a message longer than 7 bytes. */
size_t isotp_segment(const uint8_t *msg, size_t n, uint8_t frames[][8], size_t max)
{
	size_t pos = 6, count = 1;
	uint8_t sn = 1;

	if (n < 8 || n > ISOTP_MAX_MSG || max == 0)
		return 0;
	frames[0][0] = (uint8_t)(0x10 | n >> 8);
	frames[0][1] = (uint8_t)n;
	memcpy(frames[0] + 2, msg, 6);
	while (pos < n && count < max) {
		size_t take = n - pos < 7 ? n - pos : 7;
		memset(frames[count], ISOTP_PAD, 8);
		frames[count][0] = (uint8_t)(0x20 | sn);
		memcpy(frames[count] + 1, msg + pos, take);
		pos += take;
		sn = (sn + 1) & 0x0F;
		count++;
	}
	return pos < n ? 0 : count;
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

/* Counters since the transport was made. */
void isotp_get_stats(const struct isotp *tp, struct isotp_stats *out)
{
	*out = tp->stats;
}

/* Queues a completed message from the reassembly. A full queue drops
 * its oldest message: the newest is the one a caller is waiting for (the
 * final answer after a run of response-pending replies in one exchange). */
static void enqueue(struct isotp *tp, uint32_t id)
{
	struct isotp_msg *m;

	if (tp->nqueued == QUEUE_MAX) {
		tp->nqueued--;
		memmove(&tp->queue[0], &tp->queue[1], tp->nqueued * sizeof tp->queue[0]);
	}
	m = &tp->queue[tp->nqueued++];
	m->id = id;
	m->len = tp->rx.len;
	memcpy(m->data, tp->rx.data, tp->rx.len);
}

/* Feeds the frames of the last exchange from the target into the
 * reassembly; completed messages go to the queue. */
static int collect(struct isotp *tp, const struct can_target *t, struct error *e)
{
	size_t i;

	for (i = 0; i < tp->reply.nframes; i++) {
		const struct elm_frame *f = &tp->reply.frames[i];
		enum isotp_rx_result r;
		if (f->id != t->rx)
			continue;
		r = isotp_rx_frame(&tp->rx, f->data, f->len, e);
		if (r == ISOTP_RX_ERROR)
			return error_wrap(e, "reply from %X", (unsigned)t->rx);
		if (r == ISOTP_RX_DONE)
			enqueue(tp, f->id);
	}
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

/* The response-count digit after a data line (formatting on) for a reply
 * of len bytes: the number of its frames (the ELM327 data sheet counts
 * lines of data, one per frame), or 0 when the length is unknown or the
 * count does not fit one digit. An adapter that counted whole messages
 * instead would wait for more than come and end at its timer, as without
 * the digit: slower, never short. */
static int frames_for(size_t len)
{
	size_t frames = len <= 7 ? 1 : 1 + (len - 6 + 6) / 7;

	return len > 0 && frames <= 15 ? (int)frames : 0;
}

/* The response count for a raw frame (formatting off: no flow control
 * from the adapter, so a segmented reply stops after its first frame) or
 * for STPX r: (whose count may be of messages or of frames): 1 when the
 * reply is known to fit one frame or is known at all (raw), else 0. */
static int first_frame_for(size_t len, bool raw)
{
	return len > 0 && (raw || len <= 7) ? 1 : 0;
}

/* Sends one raw frame and counts it. */
static int send_frame(struct isotp *tp, const struct can_target *t, const uint8_t *frame,
		      int expect, int timeout_ms, struct error *e)
{
	struct adapter_send_opt o = { timeout_ms, expect, false };

	tp->stats.frames_sent++;
	tp->stats.round_trips++;
	return adapter_send_frame(tp->adapter, t, frame, 8, &o, &tp->reply, e);
}

/* Asks for the rest of a multi-frame reply with flow-control frames sent
 * by hand (formatting off), in blocks the response-count digit can wait for. */
static int receive_by_hand(struct isotp *tp, const struct can_target *t, int timeout_ms,
			   struct error *e)
{
	const struct adapter_info *info = adapter_info(tp->adapter);
	uint8_t fc[8] = { 0x30, 0x00, 0x00, ISOTP_PAD, ISOTP_PAD, ISOTP_PAD, ISOTP_PAD, ISOTP_PAD };
	size_t before;

	if (!info->caps.caf0)
		return error_set(e, ERR_UNSUPPORTED,
				 "reply from %X is %zu bytes long, but this adapter neither sends flow "
				 "control for that ID (ATFC SH refused) nor sends raw frames (ATCAF0 refused)",
				 (unsigned)t->rx, tp->rx.expected);
	if (adapter_set_responses(tp->adapter, true, e) < 0)
		return -(int)e->kind;
	while (tp->rx.expected) {
		size_t left = (tp->rx.expected - tp->rx.len + 6) / 7;
		int block = info->caps.count_digit ? (left > 15 ? 15 : (int)left) : 0;
		fc[1] = (uint8_t)block;
		before = tp->rx.len;
		if (send_frame(tp, t, fc, block, timeout_ms, e) < 0 || collect(tp, t, e) < 0)
			return error_wrap(e, "receiving a long reply");
		if (tp->rx.expected && tp->rx.len == before)
			return error_set(e, ERR_TIMEOUT, "reply from %X stopped after %zu of %zu bytes",
					 (unsigned)t->rx, tp->rx.len, tp->rx.expected);
	}
	return 0;
}

/* After an exchange: completes a reply still in progress, or reports. */
static int finish_exchange(struct isotp *tp, const struct can_target *t, int timeout_ms,
			   struct error *e)
{
	if (collect(tp, t, e) < 0)
		return -(int)e->kind;
	if (tp->rx.expected && receive_by_hand(tp, t, timeout_ms, e) < 0)
		return -(int)e->kind;
	return 0;
}

/* True when replies of the target must be received with flow control sent
 * by hand: the adapter cannot be told to answer that ID (no ATFC SH). */
static bool needs_manual_fc(const struct isotp *tp, const struct can_target *t)
{
	const struct adapter_caps *c = &adapter_info(tp->adapter)->caps;

	return !c->fc_header && c->caf0 && !adapter_auto_flow_control(t);
}

/* Sends a single-frame request as a raw frame (formatting off). */
static int send_single_raw(struct isotp *tp, const struct can_target *t, const uint8_t *req,
			   size_t n, const struct isotp_req_opt *opt, struct error *e)
{
	uint8_t frame[8];

	memset(frame, ISOTP_PAD, sizeof frame);
	frame[0] = (uint8_t)n;
	memcpy(frame + 1, req, n);
	if (adapter_set_responses(tp->adapter, true, e) < 0)
		return -(int)e->kind;
	return send_frame(tp, t, frame, first_frame_for(opt->expect_len, true), opt->timeout_ms, e);
}

/* Sends a single-frame request with the adapter's formatting. */
static int send_single(struct isotp *tp, const struct can_target *t, const uint8_t *req,
		       size_t n, const struct isotp_req_opt *opt, struct error *e)
{
	struct adapter_send_opt o = { opt->timeout_ms, frames_for(opt->expect_len), false };

	if (needs_manual_fc(tp, t))
		return send_single_raw(tp, t, req, n, opt, e);
	tp->stats.frames_sent++;
	tp->stats.round_trips++;
	return adapter_send(tp->adapter, t, req, n, &o, &tp->reply, e);
}

/* Waits for the ECU's flow control after a first frame or a block,
 * listening again while it says WAIT. */
static int await_flow_control(struct isotp *tp, const struct can_target *t, unsigned *bs,
			      unsigned *stmin_us, struct error *e);

/* Finds a flow-control frame from the target in the last reply: its
 * status, or -1 when there is none. */
static int find_fc(const struct isotp *tp, const struct can_target *t, unsigned *bs,
		   unsigned *stmin_us)
{
	size_t i;
	int st;

	for (i = 0; i < tp->reply.nframes; i++) {
		const struct elm_frame *f = &tp->reply.frames[i];
		if (f->id == t->rx && (st = isotp_fc_decode(f->data, f->len, bs, stmin_us)) >= 0)
			return st;
	}
	return -1;
}

/* Listen callback: a flow-control frame from the target has arrived. */
static bool fc_arrived(void *arg, const struct elm_reply *r)
{
	const struct can_target *t = arg;
	unsigned bs, st;
	size_t i;

	for (i = 0; i < r->nframes; i++)
		if (r->frames[i].id == t->rx &&
		    isotp_fc_decode(r->frames[i].data, r->frames[i].len, &bs, &st) == 0)
			return true;
	return false;
}

/* Waits for the ECU's flow control, listening again while it says WAIT. */
static int await_flow_control(struct isotp *tp, const struct can_target *t, unsigned *bs,
			      unsigned *stmin_us, struct error *e)
{
	int waits = 0, st = find_fc(tp, t, bs, stmin_us);

	while (st == 1 && waits++ < WAIT_FRAMES_MAX) {
		tp->stats.listens++;
		if (adapter_listen(tp->adapter, t, FC_TIMEOUT_MS, fc_arrived, (void *)t, &tp->reply,
				   e) < 0)
			return error_wrap(e, "waiting for flow control");
		st = find_fc(tp, t, bs, stmin_us);
	}
	if (st == 0)
		return 0;
	if (st == 2)
		return error_set(e, ERR_NEGATIVE, "%X refused the request: too long (flow control overflow)",
				 (unsigned)t->rx);
	if (st == 1)
		return error_set(e, ERR_TIMEOUT, "%X kept asking to wait (%d WAIT frames)",
				 (unsigned)t->rx, WAIT_FRAMES_MAX);
	return error_set(e, ERR_TIMEOUT, "no flow control from %X after the first frame",
			 (unsigned)t->rx);
}

/* Sends the consecutive frames of one block (all but a final frame that
 * needs an answer) without waiting for replies. */
static int send_block_quietly(struct isotp *tp, const struct can_target *t, uint8_t frames[][8],
			      size_t from, size_t to, unsigned stmin_us, struct error *e)
{
	const struct adapter_info *info = adapter_info(tp->adapter);
	bool burst = info->caps.r0;
	size_t i;

	if (from >= to)
		return 0;
	if (burst ? adapter_set_responses(tp->adapter, false, e) < 0
		  : adapter_set_reply_timeout(tp->adapter, FAST_ST_MS, e) < 0)
		return -(int)e->kind;
	for (i = from; i < to; i++) {
		int64_t t0 = clock_us();
		if (send_frame(tp, t, frames[i], 0, 0, e) < 0 && !(!burst && e->kind == ERR_TIMEOUT))
			return -(int)e->kind;
		error_clear(e);
		if (clock_us() - t0 < (int64_t)stmin_us)
			clock_sleep_us((int64_t)stmin_us - (clock_us() - t0));
	}
	return 0;
}

/* Makes the adapter wait for answers again with its normal timeout. */
static int listen_normally(struct isotp *tp, struct error *e)
{
	const struct adapter_info *info = adapter_info(tp->adapter);

	if (info->caps.r0)
		return adapter_set_responses(tp->adapter, true, e);
	return adapter_set_reply_timeout(tp->adapter, 200, e);
}

/* Host-built ISO-TP: first frame, the ECU's flow control, consecutive
 * frames in blocks (quietly with ATR0 where the adapter has it), and the
 * last frame of each block sent so that the adapter collects the answer. */
static int send_segmented(struct isotp *tp, const struct can_target *t, const uint8_t *req,
			  size_t n, const struct isotp_req_opt *opt, struct error *e)
{
	static uint8_t frames[(ISOTP_MAX_MSG + 6) / 7 + 2][8];
	size_t count = isotp_segment(req, n, frames, sizeof frames / sizeof frames[0]);
	size_t next = 1;
	unsigned bs = 0, stmin_us = 0;

	if (count == 0)
		return error_set(e, ERR_ARG, "cannot segment a %zu-byte request", n);
	if (adapter_set_responses(tp->adapter, true, e) < 0 ||
	    send_frame(tp, t, frames[0], 1, FC_TIMEOUT_MS, e) < 0 ||
	    await_flow_control(tp, t, &bs, &stmin_us, e) < 0)
		return error_wrap(e, "sending %zu bytes", n);
	while (next < count) {
		size_t end = bs ? (next + bs < count ? next + bs : count) : count;
		bool last_block = end == count;
		if (send_block_quietly(tp, t, frames, next, end - 1, stmin_us, e) < 0 ||
		    listen_normally(tp, e) < 0)
			return error_wrap(e, "sending %zu bytes", n);
		if (send_frame(tp, t, frames[end - 1],
			       last_block ? first_frame_for(opt->expect_len, true) : 1,
			       last_block ? opt->timeout_ms : FC_TIMEOUT_MS, e) < 0)
			return error_wrap(e, "sending %zu bytes", n);
		next = end;
		if (!last_block && await_flow_control(tp, t, &bs, &stmin_us, e) < 0)
			return error_wrap(e, "sending %zu bytes", n);
	}
	return 0;
}

/* Sends a long request through the path the fingerprint chose. */
static int send_long(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		     const struct isotp_req_opt *opt, struct error *e)
{
	const struct adapter_info *info = adapter_info(tp->adapter);
	struct adapter_send_opt o = { opt->timeout_ms, first_frame_for(opt->expect_len, false), false };

	if ((int)n > info->max_request)
		return error_set(e, ERR_UNSUPPORTED,
				 "a %zu-byte request is longer than this adapter can send (%d bytes%s)",
				 n, info->max_request,
				 info->send_path == PATH_SINGLE_FRAME ? ": it refuses ATCAF0" : "");
	if (info->send_path == PATH_STPX && !needs_manual_fc(tp, t) &&
	    (int)n <= info->caps.stpx_max) {
		tp->stats.round_trips++;
		tp->stats.long_stpx++;
		return adapter_send_stpx(tp->adapter, t, req, n, &o, &tp->reply, e);
	}
	tp->stats.long_frames++;
	return send_segmented(tp, t, req, n, opt, e);
}

/* One exchange: send, then complete the reply. */
static int exchange(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		    const struct isotp_req_opt *o, struct error *e)
{
	tp->nqueued = 0;
	isotp_rx_reset(&tp->rx);
	if ((n <= 7 ? send_single(tp, t, req, n, o, e) : send_long(tp, t, req, n, o, e)) < 0 ||
	    finish_exchange(tp, t, o->timeout_ms, e) < 0)
		return -(int)e->kind;
	return 0;
}

/* True for failures a resynchronised adapter may not repeat: garbled or
 * junk-filled replies, a lost prompt, BUFFER FULL, STOPPED, a reset in the
 * middle, a passing CAN error (never a silent module: NO DATA). */
static bool disturbed(const struct error *e)
{
	return e->kind == ERR_PROTOCOL || (e->kind == ERR_TIMEOUT && e->detail != ELM_NO_DATA) ||
	       (e->kind == ERR_ADAPTER &&
		(e->detail == ELM_BUFFER_FULL || e->detail == ELM_STOPPED ||
		 e->detail == ELM_LV_RESET || e->detail == ELM_DATA_ERROR ||
		 e->detail == ELM_RX_ERROR || e->detail == ELM_CAN_ERROR));
}

/* Sends a request and returns the first complete reply from the target;
 * an idempotent request is sent once more after a disturbed exchange. */
int isotp_request_opt(struct isotp *tp, const struct can_target *t, const uint8_t *req,
		      size_t n, const struct isotp_req_opt *opt, struct isotp_msg *reply,
		      struct error *e)
{
	struct isotp_req_opt o = opt ? *opt : (struct isotp_req_opt){ 0, 0, false };
	struct error first;

	if (o.timeout_ms <= 0)
		o.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (n == 0 || n > ISOTP_MAX_MSG)
		return error_set(e, ERR_ARG, "a request holds 1 to %d bytes, not %zu", ISOTP_MAX_MSG, n);
	tp->stats.requests++;
	if (exchange(tp, t, req, n, &o, e) < 0) {
		if (!o.idempotent || !disturbed(e))
			return -(int)e->kind;
		first = *e;
		tp->stats.retries++;
		o.expect_len = 0; /* without the count: a 0x78 may have taken a frame of it */
		if (adapter_recover(tp->adapter, e) < 0 || exchange(tp, t, req, n, &o, e) < 0)
			return error_wrap(e, "after recovering from '%s'", first.text);
	}
	if (tp->nqueued == 0)
		return error_set(e, ERR_TIMEOUT, "no reply from %X", (unsigned)t->rx);
	dequeue(tp, reply);
	return 0;
}

/* Sends a request with a timeout and an unknown reply length. */
int isotp_request(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		  int timeout_ms, struct isotp_msg *reply, struct error *e)
{
	struct isotp_req_opt o = { timeout_ms, 0, false };

	return isotp_request_opt(tp, t, req, n, &o, reply, e);
}

/* Listen callback: a message from the target is complete, or a first
 * frame arrived that needs flow control by hand. */
static bool reply_arrived(void *arg, const struct elm_reply *r)
{
	const struct can_target *t = arg;
	size_t i;

	for (i = 0; i < r->nframes; i++) {
		uint8_t pci = r->frames[i].data[0] >> 4;
		if (r->frames[i].id == t->rx && (pci == 0 || pci == 1))
			return true;
	}
	return false;
}

/* Returns the next queued reply, or listens for one past the prompt. */
int isotp_receive(struct isotp *tp, const struct can_target *t, int timeout_ms,
		  struct isotp_msg *reply, struct error *e)
{
	if (tp->nqueued > 0 && tp->queue[0].id == t->rx) {
		dequeue(tp, reply);
		return 0;
	}
	tp->nqueued = 0;
	isotp_rx_reset(&tp->rx);
	tp->stats.listens++;
	if (adapter_listen(tp->adapter, t, timeout_ms, reply_arrived, (void *)t, &tp->reply, e) < 0)
		return error_wrap(e, "waiting for a reply from %X", (unsigned)t->rx);
	if (finish_exchange(tp, t, timeout_ms, e) < 0)
		return -(int)e->kind;
	if (tp->nqueued == 0)
		return error_set(e, ERR_TIMEOUT, "no further reply from %X", (unsigned)t->rx);
	dequeue(tp, reply);
	return 0;
}

/* Finds or adds the reassembly slot of a responder. */
static struct isotp_msg *responder(struct isotp_msg *out, size_t max, size_t *count,
				   struct isotp_rx *rxs, uint32_t id, struct isotp_rx **rx)
{
	size_t i;

	for (i = 0; i < *count; i++)
		if (out[i].id == id) {
			*rx = &rxs[i];
			return &out[i];
		}
	if (*count == max)
		return NULL;
	out[*count].id = id;
	out[*count].len = 0;
	isotp_rx_reset(&rxs[*count]);
	*rx = &rxs[*count];
	return &out[(*count)++];
}

/* Sends a functional request and gathers the replies by CAN ID. */
int isotp_request_functional(struct isotp *tp, const struct can_target *t, const uint8_t *req,
			     size_t n, int timeout_ms, struct isotp_msg *out, size_t max,
			     size_t *count, struct error *e)
{
	struct adapter_send_opt o = { timeout_ms, 0, false };
	static struct isotp_rx rxs[FUNCTIONAL_MAX];
	size_t i;

	*count = 0;
	if (n == 0 || n > 7)
		return error_set(e, ERR_ARG, "functional requests are single frames (1 to 7 bytes)");
	if (max > FUNCTIONAL_MAX)
		max = FUNCTIONAL_MAX;
	tp->stats.requests++;
	tp->stats.round_trips++;
	if (adapter_send(tp->adapter, t, req, n, &o, &tp->reply, e) < 0)
		return -(int)e->kind;
	for (i = 0; i < tp->reply.nframes; i++) {
		const struct elm_frame *f = &tp->reply.frames[i];
		struct isotp_rx *rx;
		struct isotp_msg *m = responder(out, max, count, rxs, f->id, &rx);
		if (m && isotp_rx_frame(rx, f->data, f->len, e) == ISOTP_RX_DONE) {
			m->len = rx->len;
			memcpy(m->data, rx->data, rx->len);
		}
	}
	error_clear(e);
	for (i = 0; i < *count; i++)
		if (out[i].len == 0)
			memmove(&out[i], &out[i + 1], (--*count - i) * sizeof *out), i--;
	return *count ? 0 : error_set(e, ERR_TIMEOUT, "no answer to the functional request");
}

/* True when a frame is a complete single-frame message passing f. */
static bool probe_answer(const struct elm_frame *fr, const struct can_filter *f)
{
	size_t l = fr->len ? fr->data[0] & 0x0F : 0;

	return fr->id != ELM_ID_NONE && (fr->id & f->mask) == (f->match & f->mask) &&
	       fr->len >= 2 && fr->data[0] >> 4 == 0 && l >= 1 && l + 1 <= fr->len;
}

/* Sends a probe and collects the single-frame answers of any identifier. */
int isotp_probe(struct isotp *tp, uint32_t tx, const struct can_filter *f, const uint8_t *req,
		size_t n, int wait_ms, struct isotp_msg *out, size_t max, size_t *count,
		struct error *e)
{
	size_t i;

	*count = 0;
	tp->stats.requests++;
	tp->stats.probes++;
	tp->stats.round_trips++;
	tp->stats.frames_sent++;
	if (adapter_probe(tp->adapter, tx, f, req, n, wait_ms, &tp->reply, e) < 0) {
		if (e->kind != ERR_TIMEOUT || e->detail != ELM_NO_DATA)
			return -(int)e->kind;
		error_clear(e);
		return 0;
	}
	for (i = 0; i < tp->reply.nframes && *count < max; i++) {
		const struct elm_frame *fr = &tp->reply.frames[i];
		if (!probe_answer(fr, f))
			continue;
		out[*count].id = fr->id;
		out[*count].len = fr->data[0] & 0x0F;
		memcpy(out[*count].data, fr->data + 1, out[*count].len);
		(*count)++;
	}
	return 0;
}

/* Ends a run of probes. */
int isotp_end_probes(struct isotp *tp, struct error *e)
{
	return adapter_end_probes(tp->adapter, e);
}

/* Sends without waiting for any reply. */
int isotp_send_only(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		    struct error *e)
{
	struct adapter_send_opt o = { 0, 0, true };

	if (n == 0 || n > 7)
		return error_set(e, ERR_ARG, "send-only requests are single frames");
	tp->stats.requests++;
	tp->stats.round_trips++;
	if (adapter_send(tp->adapter, t, req, n, &o, &tp->reply, e) < 0 && e->kind != ERR_TIMEOUT)
		return -(int)e->kind;
	error_clear(e);
	return 0;
}
