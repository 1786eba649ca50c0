/* uds_records.c: decoders for replies made of records: DTC lists and DTC
 * records (0x19) and several DIDs in one 0x22 reply. Records carry no
 * length on the wire, so the caller names each identifier's length. */
#include "config.h"
#include "diag/uds_internal.h"
#include "diag/uds_msg.h"

/* Length of identifier id in the map, or -1 when it is not there. */
static long map_len(const struct uds_len_map *lens, size_t nlens, uint16_t id)
{
	size_t i;

	for (i = 0; i < nlens; i++)
		if (lens[i].id == id)
			return lens[i].len;
	return -1;
}

/* Resolves a mapped length at pos: UDS_LEN_REST takes what is left;
 * fails when fewer bytes remain than the length says. */
static int take(long len, size_t pos, size_t n, size_t *out, const char *what, unsigned id,
		struct error *e)
{
	size_t want = len == UDS_LEN_REST ? n - pos : (size_t)len;

	if (want > n - pos)
		return error_set(e, ERR_PROTOCOL, "%s %04X needs %zu bytes, the reply has %zu left",
				 what, id, want, n - pos);
	*out = want;
	return 0;
}

/* Appends an item, failing when the array is full. */
static int add_item(struct uds_item *items, size_t cap, size_t *count, uint8_t record,
		    uint16_t id, const uint8_t *data, size_t len, struct error *e)
{
	if (*count >= cap)
		return error_set(e, ERR_NOMEM, "reply holds more than %zu records", cap);
	items[*count].record = record;
	items[*count].id = id;
	items[*count].data = data;
	items[*count].len = len;
	(*count)++;
	return 0;
}

/* 59 01 mask format count. */
int uds_dec_dtc_count(const uint8_t *resp, size_t n, struct uds_dtc_count *c, struct error *e)
{
	if (uds_expect(resp, n, 0x19, 2, e) < 0 ||
	    uds_expect_echo(resp, 1, UDS_DTC_COUNT_BY_MASK, 1, "sub-function", e) < 0 ||
	    uds_expect_len(resp, n, 6, e) < 0)
		return -(int)e->kind;
	c->avail_mask = resp[2];
	c->format = resp[3];
	c->count = (uint16_t)uds_get_be(resp + 4, 2);
	return 0;
}

/* 59 sub mask (DTC status)... */
int uds_dec_dtc_list(const uint8_t *resp, size_t n, uint8_t sub, uint8_t *avail_mask,
		     struct uds_dtc *out, size_t cap, size_t *count, struct error *e)
{
	size_t i, records;

	*count = 0;
	if (uds_expect(resp, n, 0x19, 3, e) < 0 ||
	    uds_expect_echo(resp, 1, sub, 1, "sub-function", e) < 0)
		return -(int)e->kind;
	if ((n - 3) % 4 != 0)
		return error_set(e, ERR_PROTOCOL, "DTC list of %zu bytes is not whole 4-byte records",
				 n - 3);
	records = (n - 3) / 4;
	if (records > cap)
		return error_set(e, ERR_NOMEM, "%zu DTCs do not fit in %zu", records, cap);
	*avail_mask = resp[2];
	for (i = 0; i < records; i++) {
		out[i].code = uds_get_be(resp + 3 + 4 * i, 3);
		out[i].status = resp[3 + 4 * i + 3];
	}
	*count = records;
	return 0;
}

/* Checks the common head of 59 04 and 59 06 replies and fills the DTC. */
static int dtc_record_head(const uint8_t *resp, size_t n, uint8_t sub,
			   struct uds_dtc_records *r, struct error *e)
{
	r->count = 0;
	if (uds_expect(resp, n, 0x19, 6, e) < 0 ||
	    uds_expect_echo(resp, 1, sub, 1, "sub-function", e) < 0)
		return -(int)e->kind;
	r->dtc.code = uds_get_be(resp + 2, 3);
	r->dtc.status = resp[5];
	return 0;
}

/* Decodes the identifiers of one snapshot record starting at *pos. */
static int snapshot_record(const uint8_t *resp, size_t n, size_t *pos,
			   const struct uds_len_map *lens, size_t nlens, struct uds_dtc_records *r,
			   struct error *e)
{
	uint8_t record = resp[*pos], ids = resp[*pos + 1];
	unsigned i;

	*pos += 2;
	for (i = 0; ids == 0 ? *pos < n : i < ids; i++) {
		uint16_t did;
		size_t len = 0;
		if (n - *pos < 2)
			return error_set(e, ERR_PROTOCOL, "snapshot record %02X ends inside "
					 "identifier %u of %u", record, i + 1, ids);
		did = (uint16_t)uds_get_be(resp + *pos, 2);
		*pos += 2;
		if (map_len(lens, nlens, did) < 0)
			return error_set(e, ERR_UNSUPPORTED, "snapshot DID %04X has no known length",
					 did);
		if (take(map_len(lens, nlens, did), *pos, n, &len, "snapshot DID", did, e) < 0 ||
		    add_item(r->items, UDS_RECORDS_MAX, &r->count, record, did, resp + *pos, len,
			     e) < 0)
			return -(int)e->kind;
		*pos += len;
	}
	return 0;
}

/* 59 04 DTC status (record count (DID data)...)... */
int uds_dec_dtc_snapshot(const uint8_t *resp, size_t n, const struct uds_len_map *lens,
			 size_t nlens, struct uds_dtc_records *r, struct error *e)
{
	size_t pos = 6;

	if (dtc_record_head(resp, n, UDS_DTC_SNAPSHOT, r, e) < 0)
		return -(int)e->kind;
	while (pos < n) {
		if (n - pos < 2)
			return error_set(e, ERR_PROTOCOL, "snapshot record %02X has no identifier "
					 "count", resp[pos]);
		if (snapshot_record(resp, n, &pos, lens, nlens, r, e) < 0)
			return -(int)e->kind;
	}
	return 0;
}

/* 59 06 DTC status (record data)... */
int uds_dec_dtc_ext_data(const uint8_t *resp, size_t n, const struct uds_len_map *lens,
			 size_t nlens, struct uds_dtc_records *r, struct error *e)
{
	size_t pos = 6, len = 0;

	if (dtc_record_head(resp, n, UDS_DTC_EXT_DATA, r, e) < 0)
		return -(int)e->kind;
	while (pos < n) {
		uint8_t record = resp[pos++];
		long want = nlens == 0 ? UDS_LEN_REST : map_len(lens, nlens, record);
		if (want < 0)
			return error_set(e, ERR_UNSUPPORTED, "extended data record %02X has no known "
					 "length", record);
		if (take(want, pos, n, &len, "extended data record", record, e) < 0)
			return -(int)e->kind;
		if (len == 0)
			return error_set(e, ERR_PROTOCOL, "extended data record %02X carries no data",
					 record);
		if (add_item(r->items, UDS_RECORDS_MAX, &r->count, record, 0, resp + pos, len, e) < 0)
			return -(int)e->kind;
		pos += len;
	}
	return 0;
}

/* Index of did in expected[from..], or -1. */
static long find_did(const struct uds_len_map *expected, size_t nexp, size_t from, uint16_t did)
{
	size_t i;

	for (i = from; i < nexp; i++)
		if (expected[i].id == did)
			return (long)i;
	return -1;
}

/* 62 (DID data)... */
int uds_dec_read_dids(const uint8_t *resp, size_t n, const struct uds_len_map *expected,
		      size_t nexp, struct uds_item *out, size_t cap, size_t *count,
		      struct error *e)
{
	size_t pos = 1, next = 0, len = 0;

	*count = 0;
	if (uds_expect(resp, n, 0x22, 3, e) < 0)
		return -(int)e->kind;
	while (pos < n) {
		uint16_t did;
		long k;
		if (n - pos < 2)
			return error_set(e, ERR_PROTOCOL, "reply ends inside a DID after %zu records",
					 *count);
		did = (uint16_t)uds_get_be(resp + pos, 2);
		k = find_did(expected, nexp, next, did);
		if (k < 0)
			return error_set(e, ERR_PROTOCOL, "reply carries DID %04X, which was not asked "
					 "for at this place", did);
		pos += 2;
		if (take(expected[k].len, pos, n, &len, "DID", did, e) < 0 ||
		    add_item(out, cap, count, 0, did, resp + pos, len, e) < 0)
			return -(int)e->kind;
		pos += len;
		next = (size_t)k + 1;
	}
	return 0;
}
