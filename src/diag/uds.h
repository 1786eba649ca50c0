/* uds.h: UDS (ISO 14229) client: one call per service, response-pending
 * waits timed from each target's P2/P2*, an overall limit per request,
 * and the tester-present keep-alive for targets in a non-default session.
 * The bytes of each request and reply are in uds_msg.h.
 *
 * Suppress-positive-response (0x80) is used by uds_keepalive() when the
 * transport can send without waiting, and on request by
 * uds_tester_present(), uds_comm_control() and uds_dtc_setting() (the
 * services a flash sequence sends around a download). With it set, a
 * request that gets no reply within P2 has succeeded; a negative reply
 * still fails it. Session control and reset never suppress: the 0x50
 * reply carries P2/P2*, and a reset must be confirmed. */
#ifndef OBDCON_DIAG_UDS_H
#define OBDCON_DIAG_UDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/uds_msg.h"
#include "isotp/isotp.h"
#include "util/error.h"

/* Well-known identification DIDs (ISO 14229-1 annex C). */
enum {
	UDS_DID_PART_NUMBER = 0xF187,
	UDS_DID_SW_VERSION = 0xF189,
	UDS_DID_SUPPLIER = 0xF18A,
	UDS_DID_SERIAL = 0xF18C,
	UDS_DID_VIN = 0xF190,
	UDS_DID_HW_VERSION = 0xF191,
	UDS_DID_SYSTEM_NAME = 0xF197,
};

#define UDS_LINK_MARGIN_MS 1000    /* adapter and bus round trip added to P2/P2* */
#define UDS_PENDING_LIMIT 200      /* default cap on 0x78 replies per request */
#define UDS_DEFAULT_PENDING_WAITS 3 /* default overall limit: P2 + 3 P2* waits */
#define UDS_KEEPALIVE_MS 2000      /* tester present period in a non-default session */
#define UDS_TARGETS_MAX 32         /* targets whose session the client tracks */

/* A module to talk to: a name for messages and its CAN addressing. */
struct uds_target {
	const char *name;
	struct can_target can;
};

/* What the client needs below it. The ISO-TP transport provides it
 * through uds_new(); unit tests provide their own. */
struct uds_transport {
	/* Sends req and waits up to timeout_ms for the target's first reply. */
	int (*request)(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
		       int timeout_ms, struct isotp_msg *reply, struct error *e);
	/* Waits up to timeout_ms for a further reply from the target. */
	int (*receive)(void *ctx, const struct can_target *t, int timeout_ms,
		       struct isotp_msg *reply, struct error *e);
	/* Sends req and returns at once (no reply expected); NULL when the
	 * transport cannot. */
	int (*send)(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
		    struct error *e);
	/* Sends req once to a functional ID and collects every reply until
	 * timeout_ms; NULL when the transport cannot. */
	int (*request_all)(void *ctx, uint32_t tx, bool ext, const uint8_t *req, size_t n,
			   int timeout_ms, struct isotp_msg *replies, size_t cap, size_t *count,
			   struct error *e);
	/* Monotonic milliseconds; NULL for the system clock. */
	int64_t (*now_ms)(void *ctx);
};

/* Limits of one request; a zeroed struct (or NULL) means the defaults. */
struct uds_opts {
	int timeout_ms;       /* overall limit; 0: P2 + UDS_DEFAULT_PENDING_WAITS P2* */
	unsigned max_pending; /* 0x78 replies accepted; 0: UDS_PENDING_LIMIT */
	bool suppress;        /* the request has the 0x80 bit: no reply is success */
};

/* The state of one upload or download (0x34/0x35 .. 0x37). */
struct uds_transfer {
	size_t max_block; /* whole 0x36 request length the server accepts */
	uint8_t seq;      /* counter of the next block: 01, 02 ... FF, 00 ... */
	uint32_t left;    /* bytes still to move */
	unsigned blocks;  /* blocks moved so far */
};

/* Several DIDs read in one request, split out of the kept reply. */
struct uds_dids_reply {
	uint8_t raw[ISOTP_MAX_MSG];
	size_t rawlen;
	struct uds_item items[UDS_DIDS_MAX];
	size_t count;
};

/* The records of one DTC with the reply they point into. */
struct uds_dtc_reply {
	uint8_t raw[ISOTP_MAX_MSG];
	size_t rawlen;
	struct uds_dtc_records rec;
};

/* Computes the key for a seed (the script layer provides it). *keylen
 * holds the room in key on entry and the key's length on return. */
typedef int (*uds_key_fn)(void *arg, uint8_t level, const uint8_t *seed, size_t n,
			  uint8_t *key, size_t *keylen, struct error *e);

struct uds;

/* --- The client --- */

/* UDS client over an ISO-TP transport (not owned). */
struct uds *uds_new(struct isotp *tp);
/* UDS client over any transport (ops and ctx not owned). */
struct uds *uds_new_transport(const struct uds_transport *ops, void *ctx);
/* Frees the client. */
void uds_free(struct uds *u);
/* Sets the adapter and bus round trip added to every P2/P2* wait. */
void uds_set_link_margin(struct uds *u, int ms);
/* Session and timing the client holds for a target (defaults if unknown). */
void uds_get_timing(const struct uds *u, const struct uds_target *t, struct uds_timing *tm);
/* Number of 0x78 replies seen since the client was made. */
unsigned uds_pending_count(const struct uds *u);

/* Sends a request and returns the positive response in resp (service byte
 * first), with the default limits. Waits out 0x78 (response pending)
 * replies. A negative response returns -ERR_NEGATIVE with e->detail = NRC
 * and a text naming the module, the service and the NRC. */
int uds_request(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e);
/* uds_request with limits; with o->suppress, *rlen is 0 when no reply came. */
int uds_request_opts(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		     const struct uds_opts *o, uint8_t *resp, size_t cap, size_t *rlen,
		     struct error *e);
/* Sends one request to a functional ID and returns every reply
 * (-ERR_UNSUPPORTED until the transport can). */
int uds_request_functional(struct uds *u, uint32_t tx, bool ext, const uint8_t *req, size_t n,
			   int timeout_ms, struct isotp_msg *replies, size_t cap, size_t *count,
			   struct error *e);
/* Sends tester present to every target in a non-default session whose
 * last request is UDS_KEEPALIVE_MS old; the app's loop calls it. */
int uds_keepalive(struct uds *u, int64_t now_ms, struct error *e);
/* Milliseconds until uds_keepalive() has work (0: now), -1 when no
 * target is in a non-default session: a poll timeout for the loop. */
int uds_keepalive_due_ms(const struct uds *u, int64_t now_ms);

/* --- Services --- */

/* 0x10: opens a session; keeps the P2/P2* the reply gives for the target. */
int uds_session(struct uds *u, const struct uds_target *t, uint8_t session,
		struct uds_timing *tm, struct error *e);
/* 0x11: resets the module; the target is back in the default session. */
int uds_reset(struct uds *u, const struct uds_target *t, uint8_t type, struct error *e);
/* 0x14: clears DTCs of a group (UDS_GROUP_ALL); o may give a longer limit. */
int uds_clear_dtcs(struct uds *u, const struct uds_target *t, uint32_t group,
		   const struct uds_opts *o, struct error *e);
/* 0x19 01: counts DTCs matching a status mask. */
int uds_dtc_count(struct uds *u, const struct uds_target *t, uint8_t mask,
		  struct uds_dtc_count *c, struct error *e);
/* 0x19 02: DTCs matching a status mask. */
int uds_dtcs_by_mask(struct uds *u, const struct uds_target *t, uint8_t mask,
		     uint8_t *avail_mask, struct uds_dtc *out, size_t cap, size_t *count,
		     struct error *e);
/* 0x19 0A: every DTC the module supports, with its status. */
int uds_supported_dtcs(struct uds *u, const struct uds_target *t, uint8_t *avail_mask,
		       struct uds_dtc *out, size_t cap, size_t *count, struct error *e);
/* 0x19 04: snapshot records of a DTC (record 0xFF: all). */
int uds_dtc_snapshot(struct uds *u, const struct uds_target *t, uint32_t dtc, uint8_t record,
		     const struct uds_len_map *lens, size_t nlens, struct uds_dtc_reply *r,
		     struct error *e);
/* 0x19 06: extended data records of a DTC (record 0xFF: all). */
int uds_dtc_ext_data(struct uds *u, const struct uds_target *t, uint32_t dtc, uint8_t record,
		     const struct uds_len_map *lens, size_t nlens, struct uds_dtc_reply *r,
		     struct error *e);
/* 0x22 of several DIDs, each with its expected length. */
int uds_read_dids(struct uds *u, const struct uds_target *t, const struct uds_len_map *dids,
		  size_t n, struct uds_dids_reply *r, struct error *e);
/* 0x22 of one DID: the record without SID and DID. */
int uds_read_did(struct uds *u, const struct uds_target *t, uint16_t did, uint8_t *out,
		 size_t cap, size_t *len, struct error *e);
/* 0x23: reads m->size bytes at m->addr. */
int uds_read_memory(struct uds *u, const struct uds_target *t, const struct uds_mem *m,
		    uint8_t *out, size_t cap, size_t *len, struct error *e);
/* 0x27: requests a seed at an odd level and sends key_fn's key at the
 * next even level. An all-zero seed means the level is already open:
 * *was_open (may be NULL) says so and no key is sent. */
int uds_security_access(struct uds *u, const struct uds_target *t, uint8_t level,
			uds_key_fn key_fn, void *arg, bool *was_open, struct error *e);
/* 0x28: enables or disables communication types. */
int uds_comm_control(struct uds *u, const struct uds_target *t, uint8_t control, uint8_t type,
		     bool suppress, struct error *e);
/* 0x2E of one DID. */
int uds_write_did(struct uds *u, const struct uds_target *t, uint16_t did, const uint8_t *data,
		  size_t len, struct error *e);
/* 0x31: starts, stops or asks the results of a routine; the routine
 * status record (what follows the RID) goes to status. */
int uds_routine(struct uds *u, const struct uds_target *t, uint8_t type, uint16_t rid,
		const uint8_t *opt, size_t nopt, const struct uds_opts *o, uint8_t *status,
		size_t cap, size_t *len, struct error *e);
/* 0x34: asks to download m->size bytes to m->addr; fills x. */
int uds_request_download(struct uds *u, const struct uds_target *t, uint8_t dfi,
			 const struct uds_mem *m, struct uds_transfer *x, struct error *e);
/* 0x35: asks to upload m->size bytes from m->addr; fills x. */
int uds_request_upload(struct uds *u, const struct uds_target *t, uint8_t dfi,
		       const struct uds_mem *m, struct uds_transfer *x, struct error *e);
/* Data bytes one 0x36 block may carry under x and the transport. */
size_t uds_transfer_chunk(const struct uds_transfer *x);
/* 0x36 of a download: sends one block and advances the counter. */
int uds_transfer_data(struct uds *u, const struct uds_target *t, struct uds_transfer *x,
		      const uint8_t *data, size_t n, const struct uds_opts *o, struct error *e);
/* 0x36 of an upload: fetches one block into out and advances the counter. */
int uds_transfer_upload(struct uds *u, const struct uds_target *t, struct uds_transfer *x,
			uint8_t *out, size_t cap, size_t *len, struct error *e);
/* 0x37: ends the transfer; its response record goes to out (may be NULL). */
int uds_transfer_exit(struct uds *u, const struct uds_target *t, const uint8_t *rec, size_t n,
		      uint8_t *out, size_t cap, size_t *len, struct error *e);
/* 0x3E: tester present (suppress: 3E 80, no reply expected). */
int uds_tester_present(struct uds *u, const struct uds_target *t, bool suppress,
		       struct error *e);
/* 0x85: DTC setting on or off. */
int uds_dtc_setting(struct uds *u, const struct uds_target *t, uint8_t type, bool suppress,
		    struct error *e);

#endif
