/* uds_dec.c: UDS (ISO 14229-1) reply decoders: every byte is checked
 * against the request it answers. */
#include "config.h"
#include "diag/uds_internal.h"
#include "diag/uds_msg.h"

#include <stdint.h>

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

/* Checks a reply is positive to sid and at least min bytes long. */
int uds_expect(const uint8_t *resp, size_t n, uint8_t sid, size_t min, struct error *e)
{
	uint8_t nrc;
	int rc = uds_check_response(sid, resp, n, &nrc);

	if (rc == -ERR_NEGATIVE) {
		error_set(e, ERR_NEGATIVE, "%s refused: %s (0x%02X)", uds_service_name(sid),
			  uds_nrc_name(nrc), nrc);
		e->detail = nrc;
		return rc;
	}
	if (n == 0)
		return error_set(e, ERR_PROTOCOL, "empty reply to %s", uds_service_name(sid));
	if (rc < 0)
		return error_set(e, ERR_PROTOCOL, "reply to %s starts with 0x%02X, not 0x%02X",
				 uds_service_name(sid), resp[0], (unsigned)(uint8_t)(sid + 0x40));
	if (n < min)
		return error_set(e, ERR_PROTOCOL, "%s reply of %zu bytes is too short (%zu at least)",
				 uds_service_name(sid), n, min);
	return 0;
}

/* Checks a reply has exactly want bytes. */
int uds_expect_len(const uint8_t *resp, size_t n, size_t want, struct error *e)
{
	if (n != want)
		return error_set(e, ERR_PROTOCOL, "%s reply of %zu bytes, expected %zu",
				 uds_service_name((uint8_t)(resp[0] - 0x40)), n, want);
	return 0;
}

/* Reads w bytes big-endian. */
uint32_t uds_get_be(const uint8_t *p, unsigned w)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

/* Checks the reply echoes what the request said at byte pos. */
int uds_expect_echo(const uint8_t *resp, size_t pos, unsigned want, unsigned width,
		    const char *what, struct error *e)
{
	unsigned got = uds_get_be(resp + pos, width);

	if (got != want)
		return error_set(e, ERR_PROTOCOL, "%s reply names %s %0*X, asked for %0*X",
				 uds_service_name((uint8_t)(resp[0] - 0x40)), what, (int)width * 2,
				 got, (int)width * 2, want);
	return 0;
}

/* Checks a positive reply of exactly want bytes that echoes one byte. */
static int fixed_echo(const uint8_t *resp, size_t n, uint8_t sid, size_t want, unsigned echo,
		      const char *what, struct error *e)
{
	if (uds_expect(resp, n, sid, want, e) < 0 || uds_expect_len(resp, n, want, e) < 0)
		return -(int)e->kind;
	return uds_expect_echo(resp, 1, echo, 1, what, e);
}

/* 50 session [P2 P2*]. */
int uds_dec_session(const uint8_t *resp, size_t n, uint8_t session, struct uds_timing *tm,
		    struct error *e)
{
	if (uds_expect(resp, n, 0x10, 2, e) < 0 ||
	    uds_expect_echo(resp, 1, session & 0x7Fu, 1, "session", e) < 0)
		return -(int)e->kind;
	if (n != 2 && n != 6)
		return error_set(e, ERR_PROTOCOL,
				 "session reply of %zu bytes: expected 2, or 6 with P2 and P2*", n);
	tm->session = resp[1];
	tm->has_timing = n == 6;
	tm->p2_ms = n == 6 ? (int)uds_get_be(resp + 2, 2) : UDS_P2_DEFAULT_MS;
	tm->p2star_ms = n == 6 ? (int)uds_get_be(resp + 4, 2) * 10 : UDS_P2STAR_DEFAULT_MS;
	return 0;
}

/* 51 type [powerDownTime]. */
int uds_dec_reset(const uint8_t *resp, size_t n, uint8_t type, uint8_t *power_down,
		  struct error *e)
{
	size_t want = (type & 0x7Fu) == UDS_RESET_RAPID_SHUTDOWN_ON ? 3 : 2;

	if (fixed_echo(resp, n, 0x11, want, type & 0x7Fu, "reset type", e) < 0)
		return -(int)e->kind;
	*power_down = want == 3 ? resp[2] : 0xFF;
	return 0;
}

/* 54. */
int uds_dec_clear_dtcs(const uint8_t *resp, size_t n, struct error *e)
{
	if (uds_expect(resp, n, 0x14, 1, e) < 0)
		return -(int)e->kind;
	return uds_expect_len(resp, n, 1, e);
}

/* 63 data. */
int uds_dec_read_memory(const uint8_t *resp, size_t n, uint32_t size, const uint8_t **data,
			size_t *len, struct error *e)
{
	if (uds_expect(resp, n, 0x23, 1, e) < 0)
		return -(int)e->kind;
	if (n - 1 != size)
		return error_set(e, ERR_PROTOCOL, "memory read returned %zu bytes, asked for %u",
				 n - 1, (unsigned)size);
	*data = resp + 1;
	*len = n - 1;
	return 0;
}

/* 67 level seed. */
int uds_dec_seed(const uint8_t *resp, size_t n, uint8_t level, const uint8_t **seed,
		 size_t *len, struct error *e)
{
	if (uds_expect(resp, n, 0x27, 2, e) < 0 ||
	    uds_expect_echo(resp, 1, level, 1, "security level", e) < 0)
		return -(int)e->kind;
	if (n == 2)
		return error_set(e, ERR_PROTOCOL, "seed reply for level %02X carries no seed", level);
	*seed = resp + 2;
	*len = n - 2;
	return 0;
}

/* 67 level. */
int uds_dec_send_key(const uint8_t *resp, size_t n, uint8_t level, struct error *e)
{
	return fixed_echo(resp, n, 0x27, 2, level, "security level", e);
}

/* 68 control. */
int uds_dec_comm_control(const uint8_t *resp, size_t n, uint8_t control, struct error *e)
{
	return fixed_echo(resp, n, 0x28, 2, control & 0x7Fu, "control type", e);
}

/* 6E DID. */
int uds_dec_write_did(const uint8_t *resp, size_t n, uint16_t did, struct error *e)
{
	if (uds_expect(resp, n, 0x2E, 3, e) < 0 || uds_expect_len(resp, n, 3, e) < 0)
		return -(int)e->kind;
	return uds_expect_echo(resp, 1, did, 2, "DID", e);
}

/* 71 type RID [status]. */
int uds_dec_routine(const uint8_t *resp, size_t n, uint8_t type, uint16_t rid,
		    const uint8_t **status, size_t *len, struct error *e)
{
	if (uds_expect(resp, n, 0x31, 4, e) < 0 ||
	    uds_expect_echo(resp, 1, type, 1, "routine control type", e) < 0 ||
	    uds_expect_echo(resp, 2, rid, 2, "routine", e) < 0)
		return -(int)e->kind;
	*status = resp + 4;
	*len = n - 4;
	return 0;
}

/* 74/75 LFI maxNumberOfBlockLength. */
static int dec_max_block(const uint8_t *resp, size_t n, uint8_t sid, size_t *max_block,
			 struct error *e)
{
	size_t w, i;
	uint64_t v = 0;

	if (uds_expect(resp, n, sid, 3, e) < 0)
		return -(int)e->kind;
	w = resp[1] >> 4;
	if (w == 0 || n != 2 + w)
		return error_set(e, ERR_PROTOCOL, "%s reply announces a %zu-byte block length "
				 "but carries %zu", uds_service_name(sid), w, n - 2);
	for (i = 0; i < w; i++)
		v = v > 0xFFFFFFFFu ? v : v << 8 | resp[2 + i];
	if (v < 3)
		return error_set(e, ERR_PROTOCOL, "%s reply allows blocks of %u bytes: no room for "
				 "data", uds_service_name(sid), (unsigned)v);
	*max_block = v > 0xFFFFFFFFu ? 0xFFFFFFFFu : (size_t)v;
	return 0;
}

/* 74 LFI maxNumberOfBlockLength. */
int uds_dec_request_download(const uint8_t *resp, size_t n, size_t *max_block,
			     struct error *e)
{
	return dec_max_block(resp, n, 0x34, max_block, e);
}

/* 75 LFI maxNumberOfBlockLength. */
int uds_dec_request_upload(const uint8_t *resp, size_t n, size_t *max_block, struct error *e)
{
	return dec_max_block(resp, n, 0x35, max_block, e);
}

/* 76 counter [data]. */
int uds_dec_transfer_data(const uint8_t *resp, size_t n, uint8_t seq, const uint8_t **data,
			  size_t *len, struct error *e)
{
	if (uds_expect(resp, n, 0x36, 2, e) < 0 ||
	    uds_expect_echo(resp, 1, seq, 1, "block sequence counter", e) < 0)
		return -(int)e->kind;
	*data = resp + 2;
	*len = n - 2;
	return 0;
}

/* 77 [record]. */
int uds_dec_transfer_exit(const uint8_t *resp, size_t n, const uint8_t **rec, size_t *len,
			  struct error *e)
{
	if (uds_expect(resp, n, 0x37, 1, e) < 0)
		return -(int)e->kind;
	*rec = resp + 1;
	*len = n - 1;
	return 0;
}

/* 7E 00. */
int uds_dec_tester_present(const uint8_t *resp, size_t n, struct error *e)
{
	return fixed_echo(resp, n, 0x3E, 2, 0x00, "sub-function", e);
}

/* C5 type. */
int uds_dec_dtc_setting(const uint8_t *resp, size_t n, uint8_t type, struct error *e)
{
	return fixed_echo(resp, n, 0x85, 2, type & 0x7Fu, "DTC setting type", e);
}
