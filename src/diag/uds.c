/* uds.c: UDS (ISO 14229-1) client: requests, negative responses by name,
 * response-pending waits. */
#include "config.h"
#include "diag/uds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UDS_P2_MS 1000          /* first answer (adapter round trip included) */
#define UDS_P2_STAR_MS 5000     /* after each 0x78 */
#define UDS_PENDING_LIMIT 200   /* 0x78 replies accepted for one request */
#define NRC_RESPONSE_PENDING 0x78

struct uds {
	struct isotp *tp;
	unsigned pending_total;
	struct isotp_msg msg;
};

/* UDS client over an ISO-TP transport. */
struct uds *uds_new(struct isotp *tp)
{
	struct uds *u = calloc(1, sizeof *u);

	if (u)
		u->tp = tp;
	return u;
}

/* Frees the client. */
void uds_free(struct uds *u)
{
	free(u);
}

/* Number of 0x78 replies seen since the client was made. */
unsigned uds_pending_count(const struct uds *u)
{
	return u->pending_total;
}

/* Name of a negative response code (ISO 14229-1 table A.1). */
const char *uds_nrc_name(uint8_t nrc)
{
	switch (nrc) {
	case 0x10: return "generalReject";
	case 0x11: return "serviceNotSupported";
	case 0x12: return "subFunctionNotSupported";
	case 0x13: return "incorrectMessageLengthOrInvalidFormat";
	case 0x14: return "responseTooLong";
	case 0x21: return "busyRepeatRequest";
	case 0x22: return "conditionsNotCorrect";
	case 0x24: return "requestSequenceError";
	case 0x25: return "noResponseFromSubnetComponent";
	case 0x26: return "failurePreventsExecutionOfRequestedAction";
	case 0x31: return "requestOutOfRange";
	case 0x33: return "securityAccessDenied";
	case 0x34: return "authenticationRequired";
	case 0x35: return "invalidKey";
	case 0x36: return "exceededNumberOfAttempts";
	case 0x37: return "requiredTimeDelayNotExpired";
	case 0x70: return "uploadDownloadNotAccepted";
	case 0x71: return "transferDataSuspended";
	case 0x72: return "generalProgrammingFailure";
	case 0x73: return "wrongBlockSequenceCounter";
	case 0x78: return "requestCorrectlyReceivedResponsePending";
	case 0x7E: return "subFunctionNotSupportedInActiveSession";
	case 0x7F: return "serviceNotSupportedInActiveSession";
	case 0x81: return "rpmTooHigh";
	case 0x82: return "rpmTooLow";
	case 0x83: return "engineIsRunning";
	case 0x84: return "engineIsNotRunning";
	case 0x85: return "engineRunTimeTooLow";
	case 0x86: return "temperatureTooHigh";
	case 0x87: return "temperatureTooLow";
	case 0x88: return "vehicleSpeedTooHigh";
	case 0x89: return "vehicleSpeedTooLow";
	case 0x8A: return "throttlePedalTooHigh";
	case 0x8B: return "throttlePedalTooLow";
	case 0x8C: return "transmissionRangeNotInNeutral";
	case 0x8D: return "transmissionRangeNotInGear";
	case 0x8F: return "brakeSwitchesNotClosed";
	case 0x90: return "shifterLeverNotInPark";
	case 0x91: return "torqueConverterClutchLocked";
	case 0x92: return "voltageTooHigh";
	case 0x93: return "voltageTooLow";
	default:
		if (nrc >= 0x38 && nrc <= 0x4F)
			return "reservedByExtendedDataLinkSecurity";
		if (nrc >= 0xF0 && nrc <= 0xFE)
			return "vehicleManufacturerSpecificConditionsNotCorrect";
		return "unknownNegativeResponse";
	}
}

/* Name of a service (ISO 14229-1 and SAE J1979 modes). */
const char *uds_service_name(uint8_t sid)
{
	switch (sid) {
	case 0x01: return "OBD current data";
	case 0x03: return "OBD stored DTCs";
	case 0x04: return "OBD clear DTCs";
	case 0x09: return "OBD vehicle information";
	case 0x10: return "DiagnosticSessionControl";
	case 0x11: return "ECUReset";
	case 0x14: return "ClearDiagnosticInformation";
	case 0x19: return "ReadDTCInformation";
	case 0x22: return "ReadDataByIdentifier";
	case 0x23: return "ReadMemoryByAddress";
	case 0x27: return "SecurityAccess";
	case 0x28: return "CommunicationControl";
	case 0x2E: return "WriteDataByIdentifier";
	case 0x31: return "RoutineControl";
	case 0x34: return "RequestDownload";
	case 0x35: return "RequestUpload";
	case 0x36: return "TransferData";
	case 0x37: return "RequestTransferExit";
	case 0x3D: return "WriteMemoryByAddress";
	case 0x3E: return "TesterPresent";
	case 0x85: return "ControlDTCSetting";
	default: return "unknown service";
	}
}

/* Checks a reply to service sid. */
int uds_check_response(uint8_t sid, const uint8_t *resp, size_t n, uint8_t *nrc)
{
	*nrc = 0;
	if (n >= 1 && resp[0] == (uint8_t)(sid + 0x40))
		return 0;
	if (n >= 3 && resp[0] == 0x7F && resp[1] == sid) {
		*nrc = resp[2];
		return -ERR_NEGATIVE;
	}
	return -ERR_PROTOCOL;
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

/* True if the message is a response-pending negative reply to sid. */
static bool is_pending(const struct isotp_msg *m, uint8_t sid)
{
	return m->len >= 3 && m->data[0] == 0x7F && m->data[1] == sid &&
	       m->data[2] == NRC_RESPONSE_PENDING;
}

/* Sends a request and returns the positive response. */
int uds_request(struct uds *u, const struct uds_target *t, const uint8_t *req, size_t n,
		uint8_t *resp, size_t cap, size_t *rlen, struct error *e)
{
	unsigned pending = 0;
	uint8_t sid;

	if (n == 0)
		return error_set(e, ERR_ARG, "empty request");
	sid = req[0];
	if (isotp_request(u->tp, &t->can, req, n, UDS_P2_MS, &u->msg, e) < 0)
		return error_wrap(e, "%s: %s", t->name, uds_service_name(sid));
	while (is_pending(&u->msg, sid)) {
		u->pending_total++;
		if (++pending > UDS_PENDING_LIMIT)
			return error_set(e, ERR_TIMEOUT, "%s: %s still pending after %u replies",
					 t->name, uds_service_name(sid), pending - 1);
		if (isotp_receive(u->tp, &t->can, UDS_P2_STAR_MS, &u->msg, e) < 0)
			return error_wrap(e, "%s: %s pending", t->name, uds_service_name(sid));
	}
	return finish_reply(u, t, sid, resp, cap, rlen, e);
}

/* ReadDataByIdentifier of one DID: the record without SID and DID. */
int uds_read_did(struct uds *u, const struct uds_target *t, uint16_t did, uint8_t *out,
		 size_t cap, size_t *len, struct error *e)
{
	uint8_t req[3] = { 0x22, (uint8_t)(did >> 8), (uint8_t)did };
	uint8_t resp[ISOTP_MAX_MSG];
	size_t rlen;

	if (uds_request(u, t, req, sizeof req, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "reading DID %04X", did);
	if (rlen < 3 || resp[1] != req[1] || resp[2] != req[2])
		return error_set(e, ERR_PROTOCOL, "%s: reply to DID %04X names another DID", t->name,
				 did);
	if (rlen - 3 > cap)
		return error_set(e, ERR_PROTOCOL, "%s: DID %04X has %zu bytes, more than %zu",
				 t->name, did, rlen - 3, cap);
	memcpy(out, resp + 3, rlen - 3);
	*len = rlen - 3;
	return 0;
}

/* WriteDataByIdentifier. */
int uds_write_did(struct uds *u, const struct uds_target *t, uint16_t did, const uint8_t *data,
		  size_t len, struct error *e)
{
	uint8_t req[ISOTP_MAX_MSG], resp[16];
	size_t rlen;

	if (len + 3 > sizeof req)
		return error_set(e, ERR_ARG, "value of %zu bytes is too long", len);
	req[0] = 0x2E;
	req[1] = (uint8_t)(did >> 8);
	req[2] = (uint8_t)did;
	memcpy(req + 3, data, len);
	if (uds_request(u, t, req, len + 3, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "writing DID %04X", did);
	if (rlen < 3 || resp[1] != req[1] || resp[2] != req[2])
		return error_set(e, ERR_PROTOCOL, "%s: write confirmation names another DID",
				 t->name);
	return 0;
}
