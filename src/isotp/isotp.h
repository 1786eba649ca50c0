/* isotp.h: ISO 15765-2 transport: reassembles replies from the raw CAN
 * frames the adapter prints (headers on) and segments requests where the
 * adapter does not. */
#ifndef OBDCON_ISOTP_ISOTP_H
#define OBDCON_ISOTP_ISOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter/adapter.h"
#include "util/error.h"

#define ISOTP_MAX_MSG 4095

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

/* A complete message received from one CAN ID. */
struct isotp_msg {
	uint32_t id;
	size_t len;
	uint8_t data[ISOTP_MAX_MSG];
};

struct isotp;

/* Transport over an adapter (not owned). */
struct isotp *isotp_new(struct adapter *a);
/* Frees the transport. */
void isotp_free(struct isotp *tp);
/* Sends req to the target and returns the first complete reply from its
 * reply ID; later complete replies of the same exchange stay queued for
 * isotp_receive(). */
int isotp_request(struct isotp *tp, const struct can_target *t, const uint8_t *req, size_t n,
		  int timeout_ms, struct isotp_msg *reply, struct error *e);
/* Returns the next queued reply from the target, or listens for one until
 * timeout_ms. */
int isotp_receive(struct isotp *tp, const struct can_target *t, int timeout_ms,
		  struct isotp_msg *reply, struct error *e);

#endif
