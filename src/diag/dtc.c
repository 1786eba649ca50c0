/* dtc.c: trouble code text (P/C/B/U), hex, parsing, and status bits in
 * words. */
#include "config.h"
#include "diag/dtc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char systems[4] = { 'P', 'C', 'B', 'U' };

/* Short words per status bit, in bit order. */
static const char *const status_words[8] = {
	"failed", "failed this cycle", "pending", "confirmed",
	"not tested since clear", "failed since clear", "not tested this cycle", "MIL",
};

/* ISO 14229-1 names per status bit, in bit order. */
static const char *const status_names[8] = {
	"testFailed",
	"testFailedThisOperationCycle",
	"pendingDTC",
	"confirmedDTC",
	"testNotCompletedSinceLastClear",
	"testFailedSinceLastClear",
	"testNotCompletedThisOperationCycle",
	"warningIndicatorRequested",
};

/* Bits in the order a screen shows them: the state a user acts on first. */
static const unsigned display_order[8] = { 0, 3, 2, 7, 1, 5, 6, 4 };

/* System letter of a 2-byte code. */
char dtc_system(uint16_t code)
{
	return systems[code >> 14];
}

/* Writes a 2-byte OBD code as "P0143". */
void dtc_format_obd(uint16_t code, char *out)
{
	snprintf(out, DTC_TEXT_MAX, "%c%01X%03X", dtc_system(code), (code >> 12) & 0x3u,
		 code & 0xFFFu);
}

/* Writes a 3-byte UDS code as "P0143-1B". */
void dtc_format_uds(uint32_t code, char *out)
{
	char text[DTC_TEXT_MAX], failure[3];

	dtc_format_uds_parts(code, text, failure);
	snprintf(out, DTC_TEXT_MAX, "%s-%s", text, failure);
}

/* Writes a 3-byte UDS code as "P0143" and "1B". */
void dtc_format_uds_parts(uint32_t code, char *text, char failure[3])
{
	dtc_format_obd((uint16_t)(code >> 8), text);
	snprintf(failure, 3, "%02X", (unsigned)(code & 0xFF));
}

/* Writes a code of 2 or 3 bytes as upper-case hex. */
void dtc_format_hex(uint32_t code, size_t bytes, char *out)
{
	if (bytes == 3)
		snprintf(out, DTC_HEX_MAX, "%06X", (unsigned)(code & 0xFFFFFF));
	else
		snprintf(out, DTC_HEX_MAX, "%04X", (unsigned)(code & 0xFFFF));
}

/* Value of hex digits s[0..n-1], or -1. */
static long hex_run(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int c = toupper((unsigned char)s[i]);
		int d = isdigit(c) ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Parses "P0143" or "P0143-1B". */
int dtc_parse(const char *text, uint32_t *code, size_t *bytes, struct error *e)
{
	const char *sys = memchr(systems, toupper((unsigned char)text[0]), sizeof systems);
	size_t len = strlen(text);
	long first = text[0] ? hex_run(text + 1, 1) : -1;
	long rest = len >= 5 ? hex_run(text + 2, 3) : -1;
	long ftb = len == 8 && text[5] == '-' ? hex_run(text + 6, 2) : -1;

	if (text[0] == '\0' || sys == NULL || first < 0 || first > 3 || rest < 0 ||
	    (len != 5 && ftb < 0))
		return error_set(e, ERR_ARG, "\"%s\" is not a trouble code like P0143 or P0143-1B",
				 text);
	*code = (uint32_t)(sys - systems) << 14 | (uint32_t)first << 12 | (uint32_t)rest;
	*bytes = 2;
	if (len == 8) {
		*code = *code << 8 | (uint32_t)ftb;
		*bytes = 3;
	}
	return 0;
}

/* True for codes SAE J2012 controls. */
bool dtc_is_generic(uint16_t code)
{
	unsigned digit = (code >> 12) & 0x3u, third = (code >> 8) & 0xFu;

	if (dtc_system(code) == 'P')
		return digit == 0 || digit == 2 || (digit == 3 && third >= 4);
	return digit == 0 || digit == 3;
}

/* Short word for one status bit. */
const char *dtc_status_word(unsigned bit)
{
	return bit < 8 ? status_words[bit] : "?";
}

/* ISO 14229-1 name of one status bit. */
const char *dtc_status_name(unsigned bit)
{
	return bit < 8 ? status_names[bit] : "?";
}

/* Joins the texts of the set bits, taken in the given bit order. */
static size_t join_bits(uint8_t status, const unsigned *order, const char *const *texts,
			char *out, size_t n)
{
	size_t used = 0;
	unsigned i;

	if (n > 0)
		out[0] = '\0';
	if (status == 0)
		return (size_t)snprintf(out, n, "none");
	for (i = 0; i < 8; i++) {
		unsigned bit = order[i];
		int w;
		if (!(status & (1u << bit)))
			continue;
		w = snprintf(used < n ? out + used : NULL, used < n ? n - used : 0, "%s%s",
			     used ? ", " : "", texts[bit]);
		used += (size_t)(w > 0 ? w : 0);
	}
	return used;
}

/* Short words for the set bits, most important first. */
size_t dtc_status_words(uint8_t status, char *out, size_t n)
{
	return join_bits(status, display_order, status_words, out, n);
}

/* Full names of the set bits in bit order. */
size_t dtc_status_names(uint8_t status, char *out, size_t n)
{
	static const unsigned bit_order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	return join_bits(status, bit_order, status_names, out, n);
}
