/* obd.h: OBD-II services (SAE J1979 / ISO 15031-5 on CAN): the mode 01
 * PID table with scaling, supported-PID bitmaps, multi-PID requests and
 * replies, freeze frames (02), DTC lists (03, 07, 0A), clearing (04) and
 * vehicle information (09: VIN, calibration IDs, CVNs, ECU name).
 *
 * The obd_enc_ and obd_dec_ functions are pure: bytes in, values out,
 * every reply byte checked. The obd_read_ and obd_clear_ calls run them
 * over a UDS client (0x78 waits and negative responses are shared). */
#ifndef OBDCON_DIAG_OBD_H
#define OBDCON_DIAG_OBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/uds.h"
#include "util/error.h"

#define OBD_MAX_PIDS 6        /* PIDs in one mode 01 request on CAN */
#define OBD_MAX_FREEZE_PIDS 3 /* PID + frame pairs in one mode 02 request */
#define OBD_VALUES_MAX 4      /* values one PID carries at most */
#define OBD_VIN_LEN 17
#define OBD_CALID_LEN 16
#define OBD_ECU_NAME_LEN 20
#define OBD_REPLY_MAX 255     /* longest mode 01/02 reply accepted */

/* OBD modes (services). */
enum {
	OBD_MODE_CURRENT = 0x01,
	OBD_MODE_FREEZE = 0x02,
	OBD_MODE_STORED_DTCS = 0x03,
	OBD_MODE_CLEAR = 0x04,
	OBD_MODE_PENDING_DTCS = 0x07,
	OBD_MODE_VEHICLE_INFO = 0x09,
	OBD_MODE_PERMANENT_DTCS = 0x0A,
};

/* Mode 09 info types. */
enum {
	OBD_INFO_VIN = 0x02,
	OBD_INFO_CALID = 0x04,
	OBD_INFO_CVN = 0x06,
	OBD_INFO_ECU_NAME = 0x0A,
};

/* How the bytes of one value become a number (A, B, C, D are the bytes
 * from the field's offset; AB is 256A+B; SAB is AB as a signed 16-bit). */
enum obd_formula {
	OBD_F_RAW8,       /* A (bit-encoded or enumerated) */
	OBD_F_RAW16,      /* AB (bit-encoded) */
	OBD_F_RAW32,      /* ABCD (bit-encoded) */
	OBD_F_A,          /* A */
	OBD_F_A_M40,      /* A - 40 */
	OBD_F_A_M125,     /* A - 125 */
	OBD_F_PERCENT,    /* 100A/255 */
	OBD_F_TRIM,       /* 100A/128 - 100 (0xFF: field unused when flagged) */
	OBD_F_A_X3,       /* 3A */
	OBD_F_A_X10,      /* 10A */
	OBD_F_ADVANCE,    /* A/2 - 64 */
	OBD_F_A_DIV200,   /* A/200 */
	OBD_F_AB,         /* AB */
	OBD_F_AB_DIV4,    /* AB/4 */
	OBD_F_AB_DIV20,   /* AB/20 */
	OBD_F_AB_DIV100,  /* AB/100 */
	OBD_F_AB_DIV200,  /* AB/200 */
	OBD_F_AB_DIV1000, /* AB/1000 */
	OBD_F_AB_X10,     /* 10AB */
	OBD_F_AB_0079,    /* 0.079AB */
	OBD_F_AB_LOAD,    /* 100AB/255 */
	OBD_F_LAMBDA,     /* 2AB/65536 */
	OBD_F_O2_VOLTS,   /* 8AB/65536 */
	OBD_F_O2_MA,      /* AB/256 - 128 */
	OBD_F_CAT_TEMP,   /* AB/10 - 40 */
	OBD_F_INJ_TIMING, /* AB/128 - 210 */
	OBD_F_SAB_DIV4,   /* SAB/4 */
	OBD_F_SAB,        /* SAB */
	OBD_F_ABCD_DIV10, /* ABCD/10 */
};

/* One value inside a PID's data. */
struct obd_field {
	const char *label; /* "" when the PID carries one value */
	const char *unit;  /* "" for counts, bits and enumerations */
	enum obd_formula formula;
	uint8_t offset;    /* first byte of the value in the PID data */
	bool unused_ff;    /* a first byte of 0xFF means "not used" */
};

/* A mode 01 PID: its data length and how to read it. */
struct obd_pid {
	uint8_t pid;
	uint8_t bytes;
	const char *name;
	uint8_t nfields;
	struct obd_field fields[OBD_VALUES_MAX];
};

/* One decoded value. */
struct obd_value {
	const char *label;
	const char *unit;
	double value;
	bool valid; /* false when the ECU marks the field unused */
};

/* A set of PIDs (or info types) 0x00-0xFF. */
struct obd_pidset {
	uint8_t bits[32];
};

/* One PID of a mode 01 or 02 reply: pointers into the reply bytes. */
struct obd_pid_data {
	uint8_t pid;
	uint8_t frame; /* mode 02 only */
	const uint8_t *data;
	size_t len;
};

/* A mode 01/02 reply kept whole with its PIDs split out. */
struct obd_pids_reply {
	uint8_t raw[OBD_REPLY_MAX];
	size_t rawlen;
	struct obd_pid_data items[OBD_MAX_PIDS];
	size_t count;
};

/* --- PID table (obd_pids.c) --- */

/* Table entry of a mode 01 PID, or NULL when the PID is not known. */
const struct obd_pid *obd_pid_info(uint8_t pid);
/* Data length of a PID: the table's, 4 for the supported bitmaps, 0 when
 * unknown. */
size_t obd_pid_len(uint8_t pid);
/* Decodes a PID's data into up to OBD_VALUES_MAX values. */
int obd_pid_decode(uint8_t pid, const uint8_t *data, size_t n, struct obd_value *out,
		   size_t *count, struct error *e);
/* Applies one formula to the bytes at data (at least as many as it reads). */
double obd_formula_eval(enum obd_formula f, const uint8_t *data);
/* Bytes one formula reads. */
size_t obd_formula_width(enum obd_formula f);
/* Name of an OBD standard (PID 1C value), or NULL. */
const char *obd_standard_name(uint8_t v);
/* Name of a fuel type (PID 51 value), or NULL. */
const char *obd_fuel_type_name(uint8_t v);
/* Name of a fuel system status (PID 03, one byte), or NULL. */
const char *obd_fuel_system_name(uint8_t v);

/* --- Supported-PID sets --- */

/* Empties a set. */
void obd_pidset_clear(struct obd_pidset *s);
/* Adds one PID. */
void obd_pidset_add(struct obd_pidset *s, uint8_t pid);
/* True if the set holds the PID. */
bool obd_pidset_has(const struct obd_pidset *s, uint8_t pid);
/* Lists the PIDs in ascending order; returns how many there are. */
size_t obd_pidset_list(const struct obd_pidset *s, uint8_t *out, size_t cap);
/* Adds the PIDs base+1..base+32 a 4-byte bitmap (PID 00, 20, 40...)
 * marks as supported: bit 7 of the first byte is base+1. */
int obd_dec_supported(uint8_t base, const uint8_t *data, size_t n, struct obd_pidset *s,
		      struct error *e);

/* --- Encoders: return the request length, or -kind --- */

/* Mode 01 request for 1 to 6 PIDs. */
int obd_enc_current(uint8_t *out, size_t cap, const uint8_t *pids, size_t n, struct error *e);
/* Mode 02 request for 1 to 3 PIDs of one freeze frame. */
int obd_enc_freeze(uint8_t *out, size_t cap, const uint8_t *pids, size_t n, uint8_t frame,
		   struct error *e);
/* A request of one mode and optional info type (03, 04, 07, 0A: no
 * parameter; 09: info type). */
int obd_enc_simple(uint8_t *out, size_t cap, uint8_t mode, int param, struct error *e);

/* --- Decoders --- */

/* Splits a mode 01 reply (41 PID data [PID data]...) by the PIDs' lengths. */
int obd_dec_current(const uint8_t *resp, size_t n, struct obd_pid_data *out, size_t cap,
		    size_t *count, struct error *e);
/* Splits a mode 02 reply (42 PID frame data [PID frame data]...). */
int obd_dec_freeze(const uint8_t *resp, size_t n, struct obd_pid_data *out, size_t cap,
		   size_t *count, struct error *e);
/* Decodes a mode 03/07/0A reply (4x count DTC...) into 2-byte codes. */
int obd_dec_dtcs(uint8_t mode, const uint8_t *resp, size_t n, uint16_t *dtcs, size_t cap,
		 size_t *count, struct error *e);
/* Checks a mode 04 reply (44). */
int obd_dec_clear(const uint8_t *resp, size_t n, struct error *e);
/* Checks a mode 09 reply (49 type count data) and points at its items. */
int obd_dec_info(uint8_t type, const uint8_t *resp, size_t n, uint8_t *items,
		 const uint8_t **data, size_t *len, struct error *e);
/* VIN from a mode 09 type 02 reply; vin holds OBD_VIN_LEN + 1. */
int obd_dec_vin(const uint8_t *resp, size_t n, char *vin, struct error *e);
/* Calibration IDs from a mode 09 type 04 reply, each NUL-terminated. */
int obd_dec_calids(const uint8_t *resp, size_t n, char (*ids)[OBD_CALID_LEN + 1], size_t cap,
		   size_t *count, struct error *e);
/* Calibration verification numbers from a mode 09 type 06 reply. */
int obd_dec_cvns(const uint8_t *resp, size_t n, uint32_t *cvns, size_t cap, size_t *count,
		 struct error *e);
/* ECU name from a mode 09 type 0A reply ("ECM-EngineControl"); name
 * holds OBD_ECU_NAME_LEN + 1. */
int obd_dec_ecu_name(const uint8_t *resp, size_t n, char *name, struct error *e);

/* --- Client calls (physical requests to one ECU) --- */

/* Reads 1 to 6 PIDs; every PID in the reply must have been asked for. */
int obd_read_current(struct uds *u, const struct uds_target *t, const uint8_t *pids, size_t n,
		     struct obd_pids_reply *r, struct error *e);
/* Reads 1 to 3 PIDs of a freeze frame. */
int obd_read_freeze(struct uds *u, const struct uds_target *t, const uint8_t *pids, size_t n,
		    uint8_t frame, struct obd_pids_reply *r, struct error *e);
/* Walks the supported bitmaps of mode 01 (or 09 info types) from 00 up
 * while each bitmap announces the next one. */
int obd_read_supported(struct uds *u, const struct uds_target *t, uint8_t mode,
		       struct obd_pidset *s, struct error *e);
/* Reads stored (03), pending (07) or permanent (0A) DTCs. */
int obd_read_dtcs(struct uds *u, const struct uds_target *t, uint8_t mode, uint16_t *dtcs,
		  size_t cap, size_t *count, struct error *e);
/* Clears DTCs and freeze frames (mode 04). */
int obd_clear_dtcs(struct uds *u, const struct uds_target *t, struct error *e);
/* Reads the VIN (mode 09 type 02). */
int obd_read_vin(struct uds *u, const struct uds_target *t, char *vin, struct error *e);
/* Reads the calibration IDs (mode 09 type 04). */
int obd_read_calids(struct uds *u, const struct uds_target *t, char (*ids)[OBD_CALID_LEN + 1],
		    size_t cap, size_t *count, struct error *e);
/* Reads the calibration verification numbers (mode 09 type 06). */
int obd_read_cvns(struct uds *u, const struct uds_target *t, uint32_t *cvns, size_t cap,
		  size_t *count, struct error *e);
/* Reads the ECU name (mode 09 type 0A). */
int obd_read_ecu_name(struct uds *u, const struct uds_target *t, char *name, struct error *e);

#endif
