/* adapter.h: the ELM327/STN command driver: probe and fingerprint,
 * initialise, AT/ST commands, CAN target selection, and the primitive
 * sends the ISO-TP layer builds its paths from (single frames with the
 * adapter's formatting, raw frames, STPX, listening). */
#ifndef OBDCON_ADAPTER_ADAPTER_H
#define OBDCON_ADAPTER_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter/elm_parse.h"
#include "link/link.h"
#include "util/error.h"

/* What the probe found the adapter can do (from answers, not banners). */
struct adapter_caps {
	bool stn;          /* STI answered: an OBDLink/STN chip */
	bool caf0;         /* ATCAF0 accepted: raw frames possible */
	bool fc_header;    /* ATFC SH accepted: flow control for any ID */
	bool r0;           /* ATR0 accepted: sending without waiting for replies */
	bool count_digit;  /* the response-count digit after data is accepted */
	bool stpx;         /* STPX accepted: the adapter segments long requests */
	int stpx_max;      /* longest STPX message of this chip */
};

/* How requests longer than one frame are sent. */
enum adapter_path {
	PATH_SINGLE_FRAME = 0, /* only single frames (clone without ATCAF0) */
	PATH_ELM_SLOW,         /* host-built ISO-TP, one round trip per frame */
	PATH_ELM_BURST,        /* host-built ISO-TP, consecutive frames with ATR0 */
	PATH_STPX,             /* STN: STPX segments in the adapter */
};

/* The fingerprint: who the adapter is and how it will be driven. */
struct adapter_info {
	char elm_version[64];  /* ATI, e.g. "ELM327 v2.2" */
	char device[64];       /* AT@1 */
	char stn_version[64];  /* STI, empty on plain ELM327 */
	char stn_device[64];   /* STDI */
	char protocol[64];     /* ATDP */
	char path[32];         /* name of the send path chosen */
	char chip[32];         /* "ELM327", "STN2120"... */
	enum adapter_path send_path;
	struct adapter_caps caps;
	int max_request;       /* longest request the chosen path sends */
	int baud;              /* UART rate, 0 when not a serial line */
	int rtt_ms;            /* measured round trip of a short AT command */
	bool bus_ext;          /* the protocol search found 29-bit identifiers */
	uint32_t obd_rx;       /* lowest reply ID of the OBD-II ECUs that answered
				* the protocol search (0: none answered) */
	size_t junk;           /* junk bytes seen during the probe */
};

struct adapter;

/* CAN addressing of one target: transmit ID, expected reply ID (0: any
 * reply the default filter lets through, for functional requests). */
struct can_target {
	uint32_t tx;
	uint32_t rx;
	bool ext; /* 29-bit identifiers */
};

/* A receive filter for a range of identifiers: a frame passes when
 * (id & mask) == (match & mask) (ATCF/ATCM). */
struct can_filter {
	uint32_t match;
	uint32_t mask;
	bool ext; /* 29-bit identifiers */
};

/* Options of one data send. */
struct adapter_send_opt {
	int timeout_ms; /* wall-clock limit for the reply; 0 = default */
	int expect;     /* reply lines (frames) expected: the response-count
			 * digit; 0 = unknown (wait for ATST after the last) */
	bool no_reply;  /* do not wait for any reply (ATR0 where possible) */
};

/* Wraps a link (not owned). */
struct adapter *adapter_new(struct link *l);
/* Frees the driver (the link stays open). */
void adapter_free(struct adapter *a);
/* Sets who tells the probe (adapter_init) to stop retrying a silent port. */
void adapter_set_cancel(struct adapter *a, bool (*cancelled)(void *arg), void *arg);
/* Resynchronises, resets and probes the adapter, then configures it for
 * ISO 15765 CAN (ATE0 ATL0 ATS0 ATH1 ATSP6) and chooses the send path. */
int adapter_init(struct adapter *a, struct error *e);
/* The fingerprint. */
const struct adapter_info *adapter_info(const struct adapter *a);
/* One line describing the fingerprint, for status lines and logs. */
void adapter_describe(const struct adapter *a, char *out, size_t n);
/* Sends an AT/ST command and returns its text answer in out (may be NULL).
 * "?" returns -ERR_UNSUPPORTED. */
int adapter_command(struct adapter *a, const char *cmd, char *out, size_t n, struct error *e);
/* Sends a command line and returns the raw bytes up to the prompt, for the
 * hand-typed terminal; raw is NUL-terminated. */
int adapter_raw_command(struct adapter *a, const char *cmd, char *raw, size_t n,
			struct error *e);
/* Reads the supply voltage (ATRV) in volts. */
int adapter_voltage(struct adapter *a, double *volts, struct error *e);
/* Sends up to 7 payload bytes to target with the adapter's formatting (it
 * adds the ISO-TP PCI, and with flow control set up it collects multi-frame
 * replies) and parses every frame received until the prompt. NO DATA
 * returns -ERR_TIMEOUT; adapter statuses -ERR_ADAPTER (e->detail = status). */
int adapter_send(struct adapter *a, const struct can_target *t, const uint8_t *data, size_t n,
		 const struct adapter_send_opt *opt, struct elm_reply *reply, struct error *e);
/* Sends one raw CAN frame (1..8 bytes, PCI included) with formatting off
 * (ATCAF0). With responses off (adapter_set_responses) the reply is empty. */
int adapter_send_frame(struct adapter *a, const struct can_target *t, const uint8_t *frame,
		       size_t n, const struct adapter_send_opt *opt, struct elm_reply *reply,
		       struct error *e);
/* Turns waiting for replies after a send on or off (ATR1/ATR0). */
int adapter_set_responses(struct adapter *a, bool on, struct error *e);
/* STN: sends a whole message of any length up to the chip's limit with
 * STPX (the adapter segments it and handles flow control). */
int adapter_send_stpx(struct adapter *a, const struct can_target *t, const uint8_t *data,
		      size_t n, const struct adapter_send_opt *opt, struct elm_reply *reply,
		      struct error *e);
/* Listens for frames from the target without sending (ATMA) until done()
 * says a reply is complete or timeout_ms passes; frames land in reply. */
int adapter_listen(struct adapter *a, const struct can_target *t, int timeout_ms,
		   bool (*done)(void *arg, const struct elm_reply *r), void *arg,
		   struct elm_reply *reply, struct error *e);
/* Sends a single-frame request (1..7 bytes) to identifier tx with the
 * receive filter f in force and listens wait_ms for replies from any
 * identifier it passes, all printed into reply. No response-count digit:
 * a late answer to an earlier probe must not end this wait. STN adapters
 * name the identifier in the STPX line (one command per probe); others
 * need ATSH and ATST first. Silence returns -ERR_TIMEOUT (detail
 * ELM_NO_DATA). Call adapter_end_probes() after the last one. */
int adapter_probe(struct adapter *a, uint32_t tx, const struct can_filter *f, const uint8_t *data,
		  size_t n, int wait_ms, struct elm_reply *reply, struct error *e);
/* Puts back what probes changed: the default ATST, and the receive filter
 * of the next target. */
int adapter_end_probes(struct adapter *a, struct error *e);
/* Sets the reply timeout (ATST) in milliseconds, rounded to 4 ms units. */
int adapter_set_reply_timeout(struct adapter *a, int ms, struct error *e);
/* True when the adapter's automatic flow control answers the target's
 * multi-frame replies without ATFC SH (the OBD ID pairs). */
bool adapter_auto_flow_control(const struct can_target *t);
/* After a garbled reply, BUFFER FULL, STOPPED or an adapter reset in the
 * middle of a reply: drops stale input and sets the formatting again
 * (ATE0 ATL0 ATS0 ATH1 and the protocol), forgetting cached settings. */
int adapter_recover(struct adapter *a, struct error *e);
/* Raises the UART rate with the ATBRD (ELM327) or STBR (STN) handshake:
 * the adapter says OK, both sides switch, the adapter sends its ID at the
 * new rate and the host confirms with a CR; on any failure both fall back
 * to the old rate. Tries the fastest rates the adapter may accept first,
 * up to max_baud; 0 keeps the current rate. Returns the rate in use. */
int adapter_raise_baud(struct adapter *a, int max_baud, struct error *e);
/* Per-command wall-clock timeout to the adapter. */
void adapter_set_timeout(struct adapter *a, int ms);
/* Drops the cached target and settings (after a suspected adapter reset). */
void adapter_forget_state(struct adapter *a);

#endif
