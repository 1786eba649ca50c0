/* uds.h: UDS (ISO 14229) client: services, negative responses by name,
 * response-pending handling. */
#ifndef OBDCON_DIAG_UDS_H
#define OBDCON_DIAG_UDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isotp/isotp.h"
#include "util/error.h"

/* Well-known identification DIDs (ISO 14229-1 annex C). */
enum {
	UDS_DID_PART_NUMBER = 0xF187,
	UDS_DID_SW_VERSION = 0xF189,
	UDS_DID_SERIAL = 0xF18C,
	UDS_DID_VIN = 0xF190,
	UDS_DID_HW_VERSION = 0xF191,
	UDS_DID_SYSTEM_NAME = 0xF197,
};

/* A module to talk to: a name for messages and its CAN addressing. */
struct uds_target {
	const char *name;
	struct can_target can;
};

struct uds;

/* UDS client over an ISO-TP transport (not owned). */
struct uds *uds_new(struct isotp *tp);
/* Frees the client. */
void uds_free(struct uds *u);
/* Sends a request and returns the positive response in resp (service byte
 * first). Waits out 0x78 (response pending) replies. A negative response
 * returns -ERR_NEGATIVE with e->detail = NRC and a text naming the module,
 * the service and the NRC. */
int uds_request(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e);
/* ReadDataByIdentifier (0x22) of one DID: the record without SID and DID. */
int uds_read_did(struct uds *u, const struct uds_target *t, uint16_t did, uint8_t *out,
		 size_t cap, size_t *len, struct error *e);
/* WriteDataByIdentifier (0x2E). */
int uds_write_did(struct uds *u, const struct uds_target *t, uint16_t did, const uint8_t *data,
		  size_t len, struct error *e);
/* Number of 0x78 replies seen since the client was made. */
unsigned uds_pending_count(const struct uds *u);
/* Name of a negative response code ("requestOutOfRange"). */
const char *uds_nrc_name(uint8_t nrc);
/* Name of a service ("ReadDataByIdentifier"). */
const char *uds_service_name(uint8_t sid);
/* Checks a reply to service sid: 0 positive, -ERR_NEGATIVE with NRC in
 * *nrc, -ERR_PROTOCOL when it is neither. */
int uds_check_response(uint8_t sid, const uint8_t *resp, size_t n, uint8_t *nrc);

#endif
