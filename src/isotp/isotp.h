/* isotp.h: ISO 15765-2 transport over an ELM327/STN adapter: reassembly of
 * replies from the raw frames the adapter prints (headers on), flow control
 * by hand where the adapter does not send it, and the send paths for long
 * requests (STPX, host-built frames with ATR0 bursts, one frame at a time). */
#ifndef OBDCON_ISOTP_ISOTP_H
#define OBDCON_ISOTP_ISOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter/adapter.h"
#include "util/error.h"

#define ISOTP_MAX_MSG 4095
#define ISOTP_PAD 0x00

/* Reassembly state for one sender. */
struct isotp_rx {
	uint8_t data[ISOTP_MAX_MSG];
	size_t len;      /* bytes collected */
	size_t expected; /* total length announced, 0 when idle */
	uint8_t next_sn; /* next consecutive-frame sequence number */
};

/* What one frame did to the reassembly. */
enum isotp_rx_result {
	ISOTP_RX_DONE = 0, /* a message is complete in rx->data / rx->len */
	ISOTP_RX_MORE,     /* part of a multi-frame message; more to come */
	ISOTP_RX_IGNORED,  /* flow control or padding-only frame */
	ISOTP_RX_ERROR,    /* malformed or out-of-sequence frame (see error) */
};

/* Starts a fresh reassembly. */
void isotp_rx_reset(struct isotp_rx *rx);
/* Feeds one CAN frame's data bytes (PCI first). */
enum isotp_rx_result isotp_rx_frame(struct isotp_rx *rx, const uint8_t *frame, size_t n,
				    struct error *e);
/* Decodes a flow-control frame: 0 clear to send, 1 wait, 2 overflow, -1 not FC. */
int isotp_fc_decode(const uint8_t *frame, size_t n, unsigned *block_size, unsigned *stmin_us);
/* Separation time of an STmin byte in microseconds (ISO 15765-2 table 14). */
unsigned isotp_stmin_us(uint8_t stmin);
/* Builds the frames of a message: first frame then consecutive frames, each
 * padded to 8 bytes; returns the number of frames written to frames. */
size_t isotp_segment(const uint8_t *msg, size_t n, uint8_t frames[][8], size_t max);

/* A complete message received from one CAN ID. */
struct isotp_msg {
	uint32_t id;
	size_t len;
	uint8_t data[ISOTP_MAX_MSG];
};

struct isotp;

/* Counters for benchmarks and the status line. */
struct isotp_stats {
	unsigned requests;
	unsigned round_trips;   /* adapter commands that waited for a prompt */
	unsigned frames_sent;
	unsigned listens;       /* replies waited for past the prompt */
	unsigned retries;       /* requests sent again after a disturbance */
	unsigned probes;        /* discovery probes (also counted in requests) */
	unsigned long_stpx;     /* requests over 7 bytes sent with STPX */
	unsigned long_frames;   /* requests over 7 bytes sent as host-built frames */
};

/* Transport over an adapter (not owned). */
struct isotp *isotp_new(struct adapter *a);
/* Frees the transport. */
void isotp_free(struct isotp *tp);
/* Options of one request. */
struct isotp_req_opt {
	int timeout_ms;    /* wall-clock limit for the reply, 0 = default */
	size_t expect_len; /* length of the expected reply when known (lets the
			    * adapter stop at the last frame), 0 = unknown */
	bool idempotent;   /* safe to send again after a garbled exchange */
};

/* Sends req to the target and returns the first complete reply from its
 * reply ID; later replies of the same exchange stay queued for
 * isotp_receive(). Chooses the send path from the adapter's fingerprint. */
int isotp_request_opt(struct isotp *tp, const struct can_target *t, const uint8_t *req,
		      size_t n, const struct isotp_req_opt *opt, struct isotp_msg *reply,
		      struct error *e);
/* isotp_request_opt() with a timeout and an unknown reply length. */
int isotp_request(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		  int timeout_ms, struct isotp_msg *reply, struct error *e);
/* Returns the next queued reply from the target, or listens for one (past
 * the adapter's prompt) until timeout_ms. */
int isotp_receive(struct isotp *tp, const struct can_target *t, int timeout_ms,
		  struct isotp_msg *reply, struct error *e);
/* Sends a functional request (t->rx 0: every reply the adapter's default
 * filter passes) and returns the complete replies of all responders, one
 * per CAN ID, in out (at most max); *count is how many. */
int isotp_request_functional(struct isotp *tp, const struct can_target *t, const uint8_t *req,
			     size_t n, int timeout_ms, struct isotp_msg *out, size_t max,
			     size_t *count, struct error *e);
/* Sends a single-frame request to identifier tx and returns, in out (at
 * most max), every single-frame message received within wait_ms from
 * the identifiers filter f passes, each with its identifier; frames of
 * other kinds are dropped. Silence is not an error: *count is 0. */
int isotp_probe(struct isotp *tp, uint32_t tx, const struct can_filter *f, const uint8_t *req,
		size_t n, int wait_ms, struct isotp_msg *out, size_t max, size_t *count,
		struct error *e);
/* Ends a run of probes (the adapter's timer and filter back to normal). */
int isotp_end_probes(struct isotp *tp, struct error *e);
/* Sends without waiting for any reply (suppressed positive responses such
 * as 3E 80); requests of up to 7 bytes. */
int isotp_send_only(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		    struct error *e);
/* Counters since the transport was made. */
void isotp_get_stats(const struct isotp *tp, struct isotp_stats *out);

#endif
