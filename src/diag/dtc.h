/* dtc.h: diagnostic trouble codes as people read them: P/C/B/U text,
 * hex, status bits in words, generic SAE J2012 descriptions.
 *
 * A 2-byte code is the OBD-II (SAE J2012) form: two bits of system
 * (P, C, B, U) and 14 bits of number, written "P0143". A 3-byte UDS code
 * (ISO 14229-1 DTCFormat ISO 14229-1 / J2012-DA) adds a failure-type byte;
 * it is written as the 2-byte text, a dash and the failure type in hex:
 * "P0143-1B". dtc_format_uds_parts() gives the two halves separately for
 * screens that show them in their own columns. */
#ifndef OBDCON_DIAG_DTC_H
#define OBDCON_DIAG_DTC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define DTC_TEXT_MAX 9   /* "P0143-1B" plus NUL */
#define DTC_HEX_MAX 7    /* "01431B" plus NUL */

/* DTC status bits (ISO 14229-1 D.2). */
enum {
	DTC_ST_TEST_FAILED = 0x01,
	DTC_ST_FAILED_THIS_CYCLE = 0x02,
	DTC_ST_PENDING = 0x04,
	DTC_ST_CONFIRMED = 0x08,
	DTC_ST_NOT_COMPLETED_SINCE_CLEAR = 0x10,
	DTC_ST_FAILED_SINCE_CLEAR = 0x20,
	DTC_ST_NOT_COMPLETED_THIS_CYCLE = 0x40,
	DTC_ST_MIL = 0x80,
};

/* Writes a 2-byte OBD code as "P0143" (out holds DTC_TEXT_MAX). */
void dtc_format_obd(uint16_t code, char *out);
/* Writes a 3-byte UDS code as "P0143-1B" (out holds DTC_TEXT_MAX). */
void dtc_format_uds(uint32_t code, char *out);
/* Writes a 3-byte UDS code as its two parts: "P0143" and "1B". */
void dtc_format_uds_parts(uint32_t code, char *text, char failure[3]);
/* Writes a code of 2 or 3 bytes as upper-case hex ("0143", "01431B"). */
void dtc_format_hex(uint32_t code, size_t bytes, char *out);
/* Parses "P0143" (2 bytes) or "P0143-1B" (3 bytes), case-insensitive. */
int dtc_parse(const char *text, uint32_t *code, size_t *bytes, struct error *e);
/* System letter of a 2-byte code: 'P', 'C', 'B' or 'U'. */
char dtc_system(uint16_t code);
/* True for codes SAE J2012 controls (P0, P2, P34-P39, and the 0 and 3
 * blocks of C, B and U); false for manufacturer-controlled ones. */
bool dtc_is_generic(uint16_t code);
/* Generic SAE J2012 description of a 2-byte code, or NULL when the code
 * is not in the table (manufacturer codes come from brand scripts). */
const char *dtc_description(uint16_t code);
/* Number of entries in the description table. */
size_t dtc_description_count(void);
/* Short word for one status bit (0..7): "failed", "MIL". */
const char *dtc_status_word(unsigned bit);
/* ISO 14229-1 name of one status bit (0..7): "testFailed". */
const char *dtc_status_name(unsigned bit);
/* Short words for the set bits, most important first, joined by ", "
 * ("failed, confirmed, pending, MIL"); "none" when no bit is set.
 * Returns the length the full text needs, like snprintf. */
size_t dtc_status_words(uint8_t status, char *out, size_t n);
/* Full ISO 14229-1 names of the set bits in bit order, joined by ", ". */
size_t dtc_status_names(uint8_t status, char *out, size_t n);

#endif
