/* uds_enc.c: UDS (ISO 14229-1) request encoders: each writes one request
 * and returns its length, checking arguments the standard constrains. */
#include "config.h"
#include "diag/uds_msg.h"

#include <string.h>

/* Fails unless need bytes fit in cap. */
static int room(size_t need, size_t cap, uint8_t sid, struct error *e)
{
	if (need > cap)
		return error_set(e, ERR_ARG, "%s request of %zu bytes does not fit in %zu",
				 uds_service_name(sid), need, cap);
	return 0;
}

/* Writes v big-endian in w bytes. */
static void put_be(uint8_t *out, uint32_t v, unsigned w)
{
	unsigned i;

	for (i = 0; i < w; i++)
		out[i] = (uint8_t)(v >> (8 * (w - 1 - i)));
}

/* Writes a service byte and a sub-function with the suppress bit. */
static int two_bytes(uint8_t *out, size_t cap, uint8_t sid, uint8_t sub, bool suppress,
		     struct error *e)
{
	if (sub & UDS_SUPPRESS_POS)
		return error_set(e, ERR_ARG, "%s sub-function 0x%02X has the suppress bit set",
				 uds_service_name(sid), sub);
	if (room(2, cap, sid, e) < 0)
		return -(int)e->kind;
	out[0] = sid;
	out[1] = (uint8_t)(sub | (suppress ? UDS_SUPPRESS_POS : 0));
	return 2;
}

/* Writes a service byte, a fixed header and a variable record. */
static int with_record(uint8_t *out, size_t cap, const uint8_t *head, size_t nh,
		       const uint8_t *rec, size_t n, struct error *e)
{
	if (n > 0 && rec == NULL)
		return error_set(e, ERR_ARG, "record of %zu bytes without data", n);
	if (room(nh + n, cap, head[0], e) < 0)
		return -(int)e->kind;
	memcpy(out, head, nh);
	if (n > 0)
		memcpy(out + nh, rec, n);
	return (int)(nh + n);
}

/* Fewest bytes (1-4) that hold v. */
uint8_t uds_width(uint32_t v)
{
	return v > 0xFFFFFF ? 4 : v > 0xFFFF ? 3 : v > 0xFF ? 2 : 1;
}

/* addressAndLengthFormatIdentifier. */
uint8_t uds_alfid(uint8_t addr_bytes, uint8_t size_bytes)
{
	return (uint8_t)((size_bytes & 0x0F) << 4 | (addr_bytes & 0x0F));
}

/* Block sequence counter after seq (wraps FF -> 00). */
uint8_t uds_next_seq(uint8_t seq)
{
	return (uint8_t)(seq + 1);
}

/* Resolves one width of a memory description and checks the value fits. */
static int mem_width(uint32_t v, uint8_t want, const char *what, uint8_t *w, struct error *e)
{
	*w = want ? want : uds_width(v);
	if (*w < 1 || *w > 4)
		return error_set(e, ERR_ARG, "%s width of %u bytes (1 to 4 supported)", what, *w);
	if (*w < 4 && (v >> (8 * *w)) != 0)
		return error_set(e, ERR_ARG, "%s 0x%X does not fit in %u bytes", what, (unsigned)v,
				 *w);
	return 0;
}

/* Writes [prefix...] ALFID address size: the tail of 0x23, 0x34, 0x35. */
static int put_mem(uint8_t *out, size_t cap, const uint8_t *head, size_t nh,
		   const struct uds_mem *m, struct error *e)
{
	uint8_t aw, sw;

	if (m->size == 0)
		return error_set(e, ERR_ARG, "%s of 0 bytes", uds_service_name(head[0]));
	if (mem_width(m->addr, m->addr_bytes, "address", &aw, e) < 0 ||
	    mem_width(m->size, m->size_bytes, "size", &sw, e) < 0)
		return -(int)e->kind;
	if (room(nh + 1 + aw + sw, cap, head[0], e) < 0)
		return -(int)e->kind;
	memcpy(out, head, nh);
	out[nh] = uds_alfid(aw, sw);
	put_be(out + nh + 1, m->addr, aw);
	put_be(out + nh + 1 + aw, m->size, sw);
	return (int)(nh + 1 + aw + sw);
}

/* 10 session. */
int uds_enc_session(uint8_t *out, size_t cap, uint8_t session, bool suppress, struct error *e)
{
	if (session == 0)
		return error_set(e, ERR_ARG, "session type 0 is reserved");
	return two_bytes(out, cap, 0x10, session, suppress, e);
}

/* 11 reset type. */
int uds_enc_reset(uint8_t *out, size_t cap, uint8_t type, bool suppress, struct error *e)
{
	if (type == 0)
		return error_set(e, ERR_ARG, "reset type 0 is reserved");
	return two_bytes(out, cap, 0x11, type, suppress, e);
}

/* 14 group. */
int uds_enc_clear_dtcs(uint8_t *out, size_t cap, uint32_t group, struct error *e)
{
	if (group > 0xFFFFFF)
		return error_set(e, ERR_ARG, "DTC group 0x%X is wider than 3 bytes", (unsigned)group);
	if (room(4, cap, 0x14, e) < 0)
		return -(int)e->kind;
	out[0] = 0x14;
	put_be(out + 1, group, 3);
	return 4;
}

/* 19 01|02 mask. */
int uds_enc_dtc_by_mask(uint8_t *out, size_t cap, uint8_t sub, uint8_t mask, struct error *e)
{
	const uint8_t head[3] = { 0x19, sub, mask };

	if (sub != UDS_DTC_COUNT_BY_MASK && sub != UDS_DTC_BY_MASK)
		return error_set(e, ERR_ARG, "sub-function 0x%02X does not take a status mask", sub);
	return with_record(out, cap, head, sizeof head, NULL, 0, e);
}

/* 19 04|06 DTC record. */
int uds_enc_dtc_record(uint8_t *out, size_t cap, uint8_t sub, uint32_t dtc, uint8_t record,
		       struct error *e)
{
	uint8_t head[6] = { 0x19, sub, 0, 0, 0, record };

	if (sub != UDS_DTC_SNAPSHOT && sub != UDS_DTC_EXT_DATA)
		return error_set(e, ERR_ARG, "sub-function 0x%02X does not take a DTC and record",
				 sub);
	if (dtc > 0xFFFFFF)
		return error_set(e, ERR_ARG, "DTC 0x%X is wider than 3 bytes", (unsigned)dtc);
	put_be(head + 2, dtc, 3);
	return with_record(out, cap, head, sizeof head, NULL, 0, e);
}

/* 19 0A. */
int uds_enc_dtc_supported(uint8_t *out, size_t cap, struct error *e)
{
	const uint8_t head[2] = { 0x19, UDS_DTC_SUPPORTED };

	return with_record(out, cap, head, sizeof head, NULL, 0, e);
}

/* 22 DID [DID...]. */
int uds_enc_read_dids(uint8_t *out, size_t cap, const uint16_t *dids, size_t n, struct error *e)
{
	size_t i;

	if (n == 0 || n > UDS_DIDS_MAX)
		return error_set(e, ERR_ARG, "%zu DIDs in one read (1 to %d)", n, UDS_DIDS_MAX);
	if (room(1 + 2 * n, cap, 0x22, e) < 0)
		return -(int)e->kind;
	out[0] = 0x22;
	for (i = 0; i < n; i++)
		put_be(out + 1 + 2 * i, dids[i], 2);
	return (int)(1 + 2 * n);
}

/* 23 ALFID address size. */
int uds_enc_read_memory(uint8_t *out, size_t cap, const struct uds_mem *m, struct error *e)
{
	const uint8_t head[1] = { 0x23 };

	return put_mem(out, cap, head, 1, m, e);
}

/* 27 level(odd) [record]. */
int uds_enc_seed_request(uint8_t *out, size_t cap, uint8_t level, const uint8_t *rec, size_t n,
			 struct error *e)
{
	const uint8_t head[2] = { 0x27, level };

	if (level % 2 == 0 || level > 0x7D)
		return error_set(e, ERR_ARG, "seed level 0x%02X is not an odd level 01-7D", level);
	return with_record(out, cap, head, sizeof head, rec, n, e);
}

/* 27 level(even) key. */
int uds_enc_send_key(uint8_t *out, size_t cap, uint8_t level, const uint8_t *key, size_t n,
		     struct error *e)
{
	const uint8_t head[2] = { 0x27, level };

	if (level % 2 != 0 || level < 0x02 || level > 0x7E)
		return error_set(e, ERR_ARG, "key level 0x%02X is not an even level 02-7E", level);
	if (n == 0)
		return error_set(e, ERR_ARG, "empty security key");
	return with_record(out, cap, head, sizeof head, key, n, e);
}

/* 28 control type [node]. */
int uds_enc_comm_control(uint8_t *out, size_t cap, uint8_t control, uint8_t type, uint16_t node,
			 bool suppress, struct error *e)
{
	int n = two_bytes(out, cap, 0x28, control, suppress, e);
	bool with_node = control == 0x04 || control == 0x05;

	if (n < 0)
		return n;
	if (room(with_node ? 5 : 3, cap, 0x28, e) < 0)
		return -(int)e->kind;
	out[2] = type;
	if (!with_node)
		return 3;
	put_be(out + 3, node, 2);
	return 5;
}

/* 2E DID data. */
int uds_enc_write_did(uint8_t *out, size_t cap, uint16_t did, const uint8_t *data, size_t n,
		      struct error *e)
{
	const uint8_t head[3] = { 0x2E, (uint8_t)(did >> 8), (uint8_t)did };

	if (n == 0)
		return error_set(e, ERR_ARG, "writing DID %04X with no data", did);
	return with_record(out, cap, head, sizeof head, data, n, e);
}

/* 31 type RID [option record]. */
int uds_enc_routine(uint8_t *out, size_t cap, uint8_t type, uint16_t rid, const uint8_t *opt,
		    size_t n, struct error *e)
{
	const uint8_t head[4] = { 0x31, type, (uint8_t)(rid >> 8), (uint8_t)rid };

	if (type < UDS_ROUTINE_START || type > UDS_ROUTINE_RESULTS)
		return error_set(e, ERR_ARG, "routine control type 0x%02X (01 start, 02 stop, "
				 "03 results)", type);
	return with_record(out, cap, head, sizeof head, opt, n, e);
}

/* 34 DFI ALFID address size. */
int uds_enc_request_download(uint8_t *out, size_t cap, uint8_t dfi, const struct uds_mem *m,
			     struct error *e)
{
	const uint8_t head[2] = { 0x34, dfi };

	return put_mem(out, cap, head, sizeof head, m, e);
}

/* 35 DFI ALFID address size. */
int uds_enc_request_upload(uint8_t *out, size_t cap, uint8_t dfi, const struct uds_mem *m,
			   struct error *e)
{
	const uint8_t head[2] = { 0x35, dfi };

	return put_mem(out, cap, head, sizeof head, m, e);
}

/* 36 counter [data]. */
int uds_enc_transfer_data(uint8_t *out, size_t cap, uint8_t seq, const uint8_t *data, size_t n,
			  struct error *e)
{
	const uint8_t head[2] = { 0x36, seq };

	return with_record(out, cap, head, sizeof head, data, n, e);
}

/* 37 [record]. */
int uds_enc_transfer_exit(uint8_t *out, size_t cap, const uint8_t *rec, size_t n,
			  struct error *e)
{
	const uint8_t head[1] = { 0x37 };

	return with_record(out, cap, head, sizeof head, rec, n, e);
}

/* 3E 00 or 3E 80. */
int uds_enc_tester_present(uint8_t *out, size_t cap, bool suppress, struct error *e)
{
	return two_bytes(out, cap, 0x3E, 0x00, suppress, e);
}

/* 85 type [record]. */
int uds_enc_dtc_setting(uint8_t *out, size_t cap, uint8_t type, const uint8_t *rec, size_t n,
			bool suppress, struct error *e)
{
	uint8_t head[2];
	int rc = two_bytes(head, sizeof head, 0x85, type, suppress, e);

	if (rc < 0)
		return rc;
	return with_record(out, cap, head, sizeof head, rec, n, e);
}
