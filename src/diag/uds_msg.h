/* uds_msg.h: UDS (ISO 14229-1) requests and replies as bytes.
 *
 * Encoders write one request into out[cap] and return its length, or
 * -kind with the error set. Decoders take a whole reply (service byte
 * first), check every byte of it, and point into it rather than copy:
 * a positive reply to another service, a short or overlong reply, or an
 * echo that does not match the request is -ERR_PROTOCOL with a text that
 * says which; a negative reply is -ERR_NEGATIVE with e->detail = NRC. */
#ifndef OBDCON_DIAG_UDS_MSG_H
#define OBDCON_DIAG_UDS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define UDS_SUPPRESS_POS 0x80      /* suppressPosRspMsgIndicationBit */
#define UDS_GROUP_ALL 0xFFFFFFu    /* 0x14: every DTC group */
#define UDS_LEN_REST 0xFFFF        /* length map: the rest of the reply */
#define UDS_RECORDS_MAX 64         /* snapshot items / extended records */
#define UDS_DIDS_MAX 32            /* DIDs in one 0x22 request */
#define UDS_KEY_MAX 64             /* longest security key */
#define UDS_P2_DEFAULT_MS 50       /* ISO 14229-2 defaults before a 0x50 */
#define UDS_P2STAR_DEFAULT_MS 5000

/* Diagnostic sessions (0x10). */
enum {
	UDS_SESSION_DEFAULT = 0x01,
	UDS_SESSION_PROGRAMMING = 0x02,
	UDS_SESSION_EXTENDED = 0x03,
	UDS_SESSION_SAFETY = 0x04,
};

/* Reset types (0x11). */
enum {
	UDS_RESET_HARD = 0x01,
	UDS_RESET_KEY_OFF_ON = 0x02,
	UDS_RESET_SOFT = 0x03,
	UDS_RESET_RAPID_SHUTDOWN_ON = 0x04,
	UDS_RESET_RAPID_SHUTDOWN_OFF = 0x05,
};

/* ReadDTCInformation (0x19) sub-functions this client decodes. */
enum {
	UDS_DTC_COUNT_BY_MASK = 0x01,
	UDS_DTC_BY_MASK = 0x02,
	UDS_DTC_SNAPSHOT = 0x04,
	UDS_DTC_EXT_DATA = 0x06,
	UDS_DTC_SUPPORTED = 0x0A,
};

/* CommunicationControl (0x28) control types and communication types. */
enum {
	UDS_COMM_ENABLE_RX_TX = 0x00,
	UDS_COMM_ENABLE_RX_DISABLE_TX = 0x01,
	UDS_COMM_DISABLE_RX_ENABLE_TX = 0x02,
	UDS_COMM_DISABLE_RX_TX = 0x03,
	UDS_COMM_NORMAL = 0x01, /* communicationType: normal messages */
	UDS_COMM_NM = 0x02,     /* network management messages */
	UDS_COMM_ALL = 0x03,
};

/* RoutineControl (0x31) types. */
enum {
	UDS_ROUTINE_START = 0x01,
	UDS_ROUTINE_STOP = 0x02,
	UDS_ROUTINE_RESULTS = 0x03,
};

/* ControlDTCSetting (0x85) types. */
enum {
	UDS_DTC_SETTING_ON = 0x01,
	UDS_DTC_SETTING_OFF = 0x02,
};

/* What a 0x50 reply says: the session and the server's timing. */
struct uds_timing {
	uint8_t session;
	bool has_timing; /* false for a 2-byte reply without parameters */
	int p2_ms;       /* P2server_max, 1 ms units on the wire */
	int p2star_ms;   /* P2*server_max, 10 ms units on the wire */
};

/* A DTC with its status byte (3-byte UDS code). */
struct uds_dtc {
	uint32_t code;
	uint8_t status;
};

/* A 0x19 01 reply. */
struct uds_dtc_count {
	uint8_t avail_mask; /* status bits the server supports */
	uint8_t format;     /* DTCFormatIdentifier */
	uint16_t count;
};

/* Length of a DID's record or an extended data record, by identifier. */
struct uds_len_map {
	uint16_t id;
	uint16_t len; /* UDS_LEN_REST: whatever is left (last item only) */
};

/* One item of a reply, pointing into the reply bytes. */
struct uds_item {
	uint8_t record; /* snapshot / extended data record number */
	uint16_t id;    /* DID (0x22, snapshots); 0 for extended data */
	const uint8_t *data;
	size_t len;
};

/* The records of one DTC from a 0x19 04 or 06 reply. */
struct uds_dtc_records {
	struct uds_dtc dtc;
	size_t count;
	struct uds_item items[UDS_RECORDS_MAX];
};

/* An address and size of memory and the widths they travel in. */
struct uds_mem {
	uint32_t addr;
	uint32_t size;
	uint8_t addr_bytes; /* 1-4; 0 = the fewest bytes that hold addr */
	uint8_t size_bytes; /* 1-4; 0 = the fewest bytes that hold size */
};

/* --- Helpers --- */

/* Checks a reply to service sid: 0 positive, -ERR_NEGATIVE with NRC in
 * *nrc, -ERR_PROTOCOL when it is neither. */
int uds_check_response(uint8_t sid, const uint8_t *resp, size_t n, uint8_t *nrc);
/* Name of a negative response code ("requestOutOfRange"). */
const char *uds_nrc_name(uint8_t nrc);
/* Name of a service ("ReadDataByIdentifier"). */
const char *uds_service_name(uint8_t sid);
/* Name of a DTCFormatIdentifier ("ISO_14229-1_DTCFormat"). */
const char *uds_dtc_format_name(uint8_t format);
/* Fewest bytes (1-4) that hold v. */
uint8_t uds_width(uint32_t v);
/* addressAndLengthFormatIdentifier: size bytes high nibble, address low. */
uint8_t uds_alfid(uint8_t addr_bytes, uint8_t size_bytes);
/* Block sequence counter after seq: 01, 02 ... FF, 00, 01 ... */
uint8_t uds_next_seq(uint8_t seq);

/* --- Encoders --- */

/* 10 session (| 80 when suppress). */
int uds_enc_session(uint8_t *out, size_t cap, uint8_t session, bool suppress, struct error *e);
/* 11 reset type. */
int uds_enc_reset(uint8_t *out, size_t cap, uint8_t type, bool suppress, struct error *e);
/* 14 group (3 bytes; UDS_GROUP_ALL for every DTC). */
int uds_enc_clear_dtcs(uint8_t *out, size_t cap, uint32_t group, struct error *e);
/* 19 01|02 mask. */
int uds_enc_dtc_by_mask(uint8_t *out, size_t cap, uint8_t sub, uint8_t mask, struct error *e);
/* 19 04|06 DTC(3) record (0xFF: all records). */
int uds_enc_dtc_record(uint8_t *out, size_t cap, uint8_t sub, uint32_t dtc, uint8_t record,
		       struct error *e);
/* 19 0A. */
int uds_enc_dtc_supported(uint8_t *out, size_t cap, struct error *e);
/* 22 DID [DID...] (1 to UDS_DIDS_MAX). */
int uds_enc_read_dids(uint8_t *out, size_t cap, const uint16_t *dids, size_t n, struct error *e);
/* 23 ALFID address size. */
int uds_enc_read_memory(uint8_t *out, size_t cap, const struct uds_mem *m, struct error *e);
/* 27 level(odd) [securityAccessDataRecord]. */
int uds_enc_seed_request(uint8_t *out, size_t cap, uint8_t level, const uint8_t *rec, size_t n,
			 struct error *e);
/* 27 level(even) key. */
int uds_enc_send_key(uint8_t *out, size_t cap, uint8_t level, const uint8_t *key, size_t n,
		     struct error *e);
/* 28 control type [node id for 04/05]. */
int uds_enc_comm_control(uint8_t *out, size_t cap, uint8_t control, uint8_t type, uint16_t node,
			 bool suppress, struct error *e);
/* 2E DID data. */
int uds_enc_write_did(uint8_t *out, size_t cap, uint16_t did, const uint8_t *data, size_t n,
		      struct error *e);
/* 31 type RID [option record]. */
int uds_enc_routine(uint8_t *out, size_t cap, uint8_t type, uint16_t rid, const uint8_t *opt,
		    size_t n, struct error *e);
/* 34 DFI ALFID address size. */
int uds_enc_request_download(uint8_t *out, size_t cap, uint8_t dfi, const struct uds_mem *m,
			     struct error *e);
/* 35 DFI ALFID address size. */
int uds_enc_request_upload(uint8_t *out, size_t cap, uint8_t dfi, const struct uds_mem *m,
			   struct error *e);
/* 36 counter [data]. */
int uds_enc_transfer_data(uint8_t *out, size_t cap, uint8_t seq, const uint8_t *data, size_t n,
			  struct error *e);
/* 37 [transferRequestParameterRecord]. */
int uds_enc_transfer_exit(uint8_t *out, size_t cap, const uint8_t *rec, size_t n,
			  struct error *e);
/* 3E 00 (3E 80 when suppress). */
int uds_enc_tester_present(uint8_t *out, size_t cap, bool suppress, struct error *e);
/* 85 type [DTCSettingControlOptionRecord]. */
int uds_enc_dtc_setting(uint8_t *out, size_t cap, uint8_t type, const uint8_t *rec, size_t n,
			bool suppress, struct error *e);

/* --- Decoders --- */

/* 50 session [P2(2) P2*(2)]. */
int uds_dec_session(const uint8_t *resp, size_t n, uint8_t session, struct uds_timing *tm,
		    struct error *e);
/* 51 type [powerDownTime for 04]; *power_down is 0xFF when absent. */
int uds_dec_reset(const uint8_t *resp, size_t n, uint8_t type, uint8_t *power_down,
		  struct error *e);
/* 54. */
int uds_dec_clear_dtcs(const uint8_t *resp, size_t n, struct error *e);
/* 59 01 mask format count(2). */
int uds_dec_dtc_count(const uint8_t *resp, size_t n, struct uds_dtc_count *c, struct error *e);
/* 59 sub mask (DTC(3) status)... for sub-functions 02 and 0A. */
int uds_dec_dtc_list(const uint8_t *resp, size_t n, uint8_t sub, uint8_t *avail_mask,
		     struct uds_dtc *out, size_t cap, size_t *count, struct error *e);
/* 59 04 DTC(3) status (record count (DID data)...)...: DID lengths from
 * lens. */
int uds_dec_dtc_snapshot(const uint8_t *resp, size_t n, const struct uds_len_map *lens,
			 size_t nlens, struct uds_dtc_records *r, struct error *e);
/* 59 06 DTC(3) status (record data)...: record lengths from lens; with
 * no lens, one record takes the rest of the reply. */
int uds_dec_dtc_ext_data(const uint8_t *resp, size_t n, const struct uds_len_map *lens,
			 size_t nlens, struct uds_dtc_records *r, struct error *e);
/* 62 (DID data)...: split by the expected DIDs' lengths, in request
 * order; DIDs the server left out are skipped. */
int uds_dec_read_dids(const uint8_t *resp, size_t n, const struct uds_len_map *expected,
		      size_t nexp, struct uds_item *out, size_t cap, size_t *count,
		      struct error *e);
/* 63 data: exactly size bytes. */
int uds_dec_read_memory(const uint8_t *resp, size_t n, uint32_t size, const uint8_t **data,
			size_t *len, struct error *e);
/* 67 level seed. */
int uds_dec_seed(const uint8_t *resp, size_t n, uint8_t level, const uint8_t **seed,
		 size_t *len, struct error *e);
/* 67 level (the key's even level). */
int uds_dec_send_key(const uint8_t *resp, size_t n, uint8_t level, struct error *e);
/* 68 control. */
int uds_dec_comm_control(const uint8_t *resp, size_t n, uint8_t control, struct error *e);
/* 6E DID. */
int uds_dec_write_did(const uint8_t *resp, size_t n, uint16_t did, struct error *e);
/* 71 type RID [routineInfo + statusRecord]: *status points at what
 * follows the RID. */
int uds_dec_routine(const uint8_t *resp, size_t n, uint8_t type, uint16_t rid,
		    const uint8_t **status, size_t *len, struct error *e);
/* 74 LFI maxNumberOfBlockLength: the whole 0x36 request length the server
 * accepts (service byte and counter included). */
int uds_dec_request_download(const uint8_t *resp, size_t n, size_t *max_block,
			     struct error *e);
/* 75 LFI maxNumberOfBlockLength. */
int uds_dec_request_upload(const uint8_t *resp, size_t n, size_t *max_block, struct error *e);
/* 76 counter [data]: the data an upload returns. */
int uds_dec_transfer_data(const uint8_t *resp, size_t n, uint8_t seq, const uint8_t **data,
			  size_t *len, struct error *e);
/* 77 [transferResponseParameterRecord]. */
int uds_dec_transfer_exit(const uint8_t *resp, size_t n, const uint8_t **rec, size_t *len,
			  struct error *e);
/* 7E 00. */
int uds_dec_tester_present(const uint8_t *resp, size_t n, struct error *e);
/* C5 type. */
int uds_dec_dtc_setting(const uint8_t *resp, size_t n, uint8_t type, struct error *e);

#endif
