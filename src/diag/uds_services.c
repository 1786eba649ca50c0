/* uds_services.c: UDS client calls: each encodes its request, runs it
 * through uds_request_opts() and decodes the reply. */
#include "config.h"
#include "diag/uds.h"

#include <string.h>

/* Runs one encoded request; n < 0 is the encoder's error. */
static int run(struct uds *u, const struct uds_target *t, const uint8_t *req, int n,
	       const struct uds_opts *o, uint8_t *resp, size_t cap, size_t *rlen, struct error *e)
{
	if (n < 0)
		return n;
	return uds_request_opts(u, t, req, (size_t)n, o, resp, cap, rlen, e);
}

/* Adds the module's name to a decoder's error. */
static int named(const struct uds_target *t, int rc, struct error *e)
{
	return rc < 0 ? error_wrap(e, "%s", t->name) : 0;
}

/* Copies a decoded record out, failing when it does not fit. */
static int copy_out(const struct uds_target *t, const uint8_t *data, size_t n, uint8_t *out,
		    size_t cap, size_t *len, const char *what, struct error *e)
{
	if (n > cap)
		return error_set(e, ERR_PROTOCOL, "%s: %s of %zu bytes, more than %zu", t->name,
				 what, n, cap);
	if (n > 0)
		memcpy(out, data, n);
	*len = n;
	return 0;
}

/* 0x14: clears DTCs of a group. */
int uds_clear_dtcs(struct uds *u, const struct uds_target *t, uint32_t group,
		   const struct uds_opts *o, struct error *e)
{
	uint8_t req[4], resp[16];
	size_t rlen;

	if (run(u, t, req, uds_enc_clear_dtcs(req, sizeof req, group, e), o, resp, sizeof resp,
		&rlen, e) < 0)
		return error_wrap(e, "clearing DTCs");
	return named(t, uds_dec_clear_dtcs(resp, rlen, e), e);
}

/* 0x19 01: counts DTCs matching a status mask. */
int uds_dtc_count(struct uds *u, const struct uds_target *t, uint8_t mask,
		  struct uds_dtc_count *c, struct error *e)
{
	uint8_t req[3], resp[16];
	size_t rlen;
	int n = uds_enc_dtc_by_mask(req, sizeof req, UDS_DTC_COUNT_BY_MASK, mask, e);

	if (run(u, t, req, n, NULL, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "counting DTCs");
	return named(t, uds_dec_dtc_count(resp, rlen, c, e), e);
}

/* Runs a 0x19 request whose reply is a DTC list. */
static int dtc_list(struct uds *u, const struct uds_target *t, const uint8_t *req, int n,
		    uint8_t *avail_mask, struct uds_dtc *out, size_t cap, size_t *count,
		    struct error *e)
{
	uint8_t resp[ISOTP_MAX_MSG];
	size_t rlen;

	*count = 0;
	if (run(u, t, req, n, NULL, resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "reading DTCs");
	return named(t, uds_dec_dtc_list(resp, rlen, req[1], avail_mask, out, cap, count, e), e);
}

/* 0x19 02: DTCs matching a status mask. */
int uds_dtcs_by_mask(struct uds *u, const struct uds_target *t, uint8_t mask,
		     uint8_t *avail_mask, struct uds_dtc *out, size_t cap, size_t *count,
		     struct error *e)
{
	uint8_t req[3];

	return dtc_list(u, t, req, uds_enc_dtc_by_mask(req, sizeof req, UDS_DTC_BY_MASK, mask, e),
			avail_mask, out, cap, count, e);
}

/* 0x19 0A: every DTC the module supports. */
int uds_supported_dtcs(struct uds *u, const struct uds_target *t, uint8_t *avail_mask,
		       struct uds_dtc *out, size_t cap, size_t *count, struct error *e)
{
	uint8_t req[2];

	return dtc_list(u, t, req, uds_enc_dtc_supported(req, sizeof req, e), avail_mask, out, cap,
			count, e);
}

/* 0x19 04: snapshot records of a DTC. */
int uds_dtc_snapshot(struct uds *u, const struct uds_target *t, uint32_t dtc, uint8_t record,
		     const struct uds_len_map *lens, size_t nlens, struct uds_dtc_reply *r,
		     struct error *e)
{
	uint8_t req[6];
	int n = uds_enc_dtc_record(req, sizeof req, UDS_DTC_SNAPSHOT, dtc, record, e);

	r->rec.count = 0;
	if (run(u, t, req, n, NULL, r->raw, sizeof r->raw, &r->rawlen, e) < 0)
		return error_wrap(e, "reading snapshot of DTC %06X", (unsigned)dtc);
	return named(t, uds_dec_dtc_snapshot(r->raw, r->rawlen, lens, nlens, &r->rec, e), e);
}

/* 0x19 06: extended data records of a DTC. */
int uds_dtc_ext_data(struct uds *u, const struct uds_target *t, uint32_t dtc, uint8_t record,
		     const struct uds_len_map *lens, size_t nlens, struct uds_dtc_reply *r,
		     struct error *e)
{
	uint8_t req[6];
	int n = uds_enc_dtc_record(req, sizeof req, UDS_DTC_EXT_DATA, dtc, record, e);

	r->rec.count = 0;
	if (run(u, t, req, n, NULL, r->raw, sizeof r->raw, &r->rawlen, e) < 0)
		return error_wrap(e, "reading extended data of DTC %06X", (unsigned)dtc);
	return named(t, uds_dec_dtc_ext_data(r->raw, r->rawlen, lens, nlens, &r->rec, e), e);
}

/* 0x22 of several DIDs. */
int uds_read_dids(struct uds *u, const struct uds_target *t, const struct uds_len_map *dids,
		  size_t n, struct uds_dids_reply *r, struct error *e)
{
	uint16_t ids[UDS_DIDS_MAX];
	uint8_t req[1 + 2 * UDS_DIDS_MAX];
	size_t i;

	r->count = 0;
	if (n == 0 || n > UDS_DIDS_MAX)
		return error_set(e, ERR_ARG, "%zu DIDs in one read (1 to %d)", n, UDS_DIDS_MAX);
	for (i = 0; i < n; i++)
		ids[i] = dids[i].id;
	if (run(u, t, req, uds_enc_read_dids(req, sizeof req, ids, n, e), NULL, r->raw,
		sizeof r->raw, &r->rawlen, e) < 0)
		return error_wrap(e, "reading %zu DIDs", n);
	return named(t, uds_dec_read_dids(r->raw, r->rawlen, dids, n, r->items, UDS_DIDS_MAX,
					  &r->count, e), e);
}

/* 0x22 of one DID: the record without SID and DID. */
int uds_read_did(struct uds *u, const struct uds_target *t, uint16_t did, uint8_t *out,
		 size_t cap, size_t *len, struct error *e)
{
	const struct uds_len_map want = { did, UDS_LEN_REST };
	uint8_t req[3], resp[ISOTP_MAX_MSG];
	struct uds_item item;
	size_t rlen, count;

	if (run(u, t, req, uds_enc_read_dids(req, sizeof req, &did, 1, e), NULL, resp, sizeof resp,
		&rlen, e) < 0)
		return error_wrap(e, "reading DID %04X", did);
	if (uds_dec_read_dids(resp, rlen, &want, 1, &item, 1, &count, e) < 0)
		return error_wrap(e, "%s: DID %04X", t->name, did);
	return copy_out(t, item.data, item.len, out, cap, len, "DID record", e);
}

/* 0x23: reads memory. */
int uds_read_memory(struct uds *u, const struct uds_target *t, const struct uds_mem *m,
		    uint8_t *out, size_t cap, size_t *len, struct error *e)
{
	uint8_t req[16], resp[ISOTP_MAX_MSG];
	const uint8_t *data;
	size_t rlen, n;

	if (run(u, t, req, uds_enc_read_memory(req, sizeof req, m, e), NULL, resp, sizeof resp,
		&rlen, e) < 0)
		return error_wrap(e, "reading memory at %X", (unsigned)m->addr);
	if (uds_dec_read_memory(resp, rlen, m->size, &data, &n, e) < 0)
		return error_wrap(e, "%s", t->name);
	return copy_out(t, data, n, out, cap, len, "memory block", e);
}

/* True if every byte of a seed is zero (the level is already open). */
static bool zero_seed(const uint8_t *seed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seed[i])
			return false;
	return true;
}

/* Sends the key for a seed at the level after the seed's. */
static int send_key(struct uds *u, const struct uds_target *t, uint8_t level, const uint8_t *key,
		    size_t keylen, struct error *e)
{
	uint8_t req[2 + UDS_KEY_MAX], resp[16];
	uint8_t key_level = (uint8_t)(level + 1);
	size_t rlen;

	if (run(u, t, req, uds_enc_send_key(req, sizeof req, key_level, key, keylen, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "sending the key for level %02X", level);
	return named(t, uds_dec_send_key(resp, rlen, key_level, e), e);
}

/* 0x27: seed, key from key_fn, key. */
int uds_security_access(struct uds *u, const struct uds_target *t, uint8_t level,
			uds_key_fn key_fn, void *arg, bool *was_open, struct error *e)
{
	uint8_t req[2], resp[ISOTP_MAX_MSG], key[UDS_KEY_MAX];
	size_t rlen, n, keylen = sizeof key;
	const uint8_t *seed;

	if (was_open)
		*was_open = false;
	if (run(u, t, req, uds_enc_seed_request(req, sizeof req, level, NULL, 0, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "requesting the seed of level %02X", level);
	if (uds_dec_seed(resp, rlen, level, &seed, &n, e) < 0)
		return error_wrap(e, "%s", t->name);
	if (zero_seed(seed, n)) {
		if (was_open)
			*was_open = true;
		return 0;
	}
	if (key_fn == NULL)
		return error_set(e, ERR_ARG, "%s: no key function for level %02X", t->name, level);
	if (key_fn(arg, level, seed, n, key, &keylen, e) < 0)
		return error_wrap(e, "%s: computing the key for level %02X", t->name, level);
	if (keylen == 0 || keylen > sizeof key)
		return error_set(e, ERR_SCRIPT, "%s: key of %zu bytes for level %02X (1 to %zu)",
				 t->name, keylen, level, sizeof key);
	return send_key(u, t, level, key, keylen, e);
}

/* 0x28: communication control. */
int uds_comm_control(struct uds *u, const struct uds_target *t, uint8_t control, uint8_t type,
		     bool suppress, struct error *e)
{
	struct uds_opts o = { .suppress = suppress };
	uint8_t req[5], resp[16];
	size_t rlen;

	if (run(u, t, req, uds_enc_comm_control(req, sizeof req, control, type, 0, suppress, e), &o,
		resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "communication control %02X", control);
	return rlen == 0 ? 0 : named(t, uds_dec_comm_control(resp, rlen, control, e), e);
}

/* 0x2E of one DID. */
int uds_write_did(struct uds *u, const struct uds_target *t, uint16_t did, const uint8_t *data,
		  size_t len, struct error *e)
{
	uint8_t req[ISOTP_MAX_MSG], resp[16];
	size_t rlen;

	if (run(u, t, req, uds_enc_write_did(req, sizeof req, did, data, len, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "writing DID %04X", did);
	return named(t, uds_dec_write_did(resp, rlen, did, e), e);
}

/* 0x31: routine control with its status record. */
int uds_routine(struct uds *u, const struct uds_target *t, uint8_t type, uint16_t rid,
		const uint8_t *opt, size_t nopt, const struct uds_opts *o, uint8_t *status,
		size_t cap, size_t *len, struct error *e)
{
	uint8_t req[ISOTP_MAX_MSG], resp[ISOTP_MAX_MSG];
	const uint8_t *rec;
	size_t rlen, n;

	*len = 0;
	if (run(u, t, req, uds_enc_routine(req, sizeof req, type, rid, opt, nopt, e), o, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "routine %04X", rid);
	if (uds_dec_routine(resp, rlen, type, rid, &rec, &n, e) < 0)
		return error_wrap(e, "%s", t->name);
	return copy_out(t, rec, n, status, cap, len, "routine status", e);
}

/* Starts a transfer from a 0x74/0x75 reply. */
static void transfer_begin(struct uds_transfer *x, size_t max_block, uint32_t size)
{
	x->max_block = max_block;
	x->seq = 0x01;
	x->left = size;
	x->blocks = 0;
}

/* 0x34: request download. */
int uds_request_download(struct uds *u, const struct uds_target *t, uint8_t dfi,
			 const struct uds_mem *m, struct uds_transfer *x, struct error *e)
{
	uint8_t req[16], resp[32];
	size_t rlen, max_block;

	if (run(u, t, req, uds_enc_request_download(req, sizeof req, dfi, m, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "requesting a download of %u bytes to %X", (unsigned)m->size,
				  (unsigned)m->addr);
	if (uds_dec_request_download(resp, rlen, &max_block, e) < 0)
		return error_wrap(e, "%s", t->name);
	transfer_begin(x, max_block, m->size);
	return 0;
}

/* 0x35: request upload. */
int uds_request_upload(struct uds *u, const struct uds_target *t, uint8_t dfi,
		       const struct uds_mem *m, struct uds_transfer *x, struct error *e)
{
	uint8_t req[16], resp[32];
	size_t rlen, max_block;

	if (run(u, t, req, uds_enc_request_upload(req, sizeof req, dfi, m, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "requesting an upload of %u bytes from %X", (unsigned)m->size,
				  (unsigned)m->addr);
	if (uds_dec_request_upload(resp, rlen, &max_block, e) < 0)
		return error_wrap(e, "%s", t->name);
	transfer_begin(x, max_block, m->size);
	return 0;
}

/* Data bytes one 0x36 block may carry. */
size_t uds_transfer_chunk(const struct uds_transfer *x)
{
	size_t whole = x->max_block < ISOTP_MAX_MSG ? x->max_block : ISOTP_MAX_MSG;

	/* cppcheck-suppress knownConditionTrueFalse ; max_block comes from the ECU */
	return whole > 2 ? whole - 2 : 0;
}

/* Moves the counter on after a block of n bytes was accepted. */
static void transfer_advance(struct uds_transfer *x, size_t n)
{
	x->seq = uds_next_seq(x->seq);
	x->left = n < x->left ? x->left - (uint32_t)n : 0;
	x->blocks++;
}

/* 0x36 of a download: one block. */
int uds_transfer_data(struct uds *u, const struct uds_target *t, struct uds_transfer *x,
		      const uint8_t *data, size_t n, const struct uds_opts *o, struct error *e)
{
	uint8_t req[ISOTP_MAX_MSG], resp[64];
	const uint8_t *echo;
	size_t rlen, elen;

	if (n == 0 || n > uds_transfer_chunk(x))
		return error_set(e, ERR_ARG, "block of %zu bytes (1 to %zu)", n,
				 uds_transfer_chunk(x));
	if (run(u, t, req, uds_enc_transfer_data(req, sizeof req, x->seq, data, n, e), o, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "transferring block %02X", x->seq);
	if (uds_dec_transfer_data(resp, rlen, x->seq, &echo, &elen, e) < 0)
		return error_wrap(e, "%s", t->name);
	transfer_advance(x, n);
	return 0;
}

/* 0x36 of an upload: one block into out. */
int uds_transfer_upload(struct uds *u, const struct uds_target *t, struct uds_transfer *x,
			uint8_t *out, size_t cap, size_t *len, struct error *e)
{
	uint8_t req[2], resp[ISOTP_MAX_MSG];
	const uint8_t *data;
	size_t rlen, n;

	*len = 0;
	if (run(u, t, req, uds_enc_transfer_data(req, sizeof req, x->seq, NULL, 0, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "uploading block %02X", x->seq);
	if (uds_dec_transfer_data(resp, rlen, x->seq, &data, &n, e) < 0)
		return error_wrap(e, "%s", t->name);
	if (n == 0 || n > x->left)
		return error_set(e, ERR_PROTOCOL, "%s: upload block %02X of %zu bytes with %u left",
				 t->name, x->seq, n, (unsigned)x->left);
	if (copy_out(t, data, n, out, cap, len, "upload block", e) < 0)
		return -(int)e->kind;
	transfer_advance(x, n);
	return 0;
}

/* 0x37: request transfer exit. */
int uds_transfer_exit(struct uds *u, const struct uds_target *t, const uint8_t *rec, size_t n,
		      uint8_t *out, size_t cap, size_t *len, struct error *e)
{
	uint8_t req[ISOTP_MAX_MSG], resp[ISOTP_MAX_MSG];
	const uint8_t *data;
	size_t rlen, dlen, ignored;

	if (run(u, t, req, uds_enc_transfer_exit(req, sizeof req, rec, n, e), NULL, resp,
		sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "ending the transfer");
	if (uds_dec_transfer_exit(resp, rlen, &data, &dlen, e) < 0)
		return error_wrap(e, "%s", t->name);
	if (out == NULL)
		return 0;
	return copy_out(t, data, dlen, out, cap, len ? len : &ignored, "transfer exit record", e);
}

/* 0x85: DTC setting on or off. */
int uds_dtc_setting(struct uds *u, const struct uds_target *t, uint8_t type, bool suppress,
		    struct error *e)
{
	struct uds_opts o = { .suppress = suppress };
	uint8_t req[2], resp[16];
	size_t rlen;

	if (run(u, t, req, uds_enc_dtc_setting(req, sizeof req, type, NULL, 0, suppress, e), &o,
		resp, sizeof resp, &rlen, e) < 0)
		return error_wrap(e, "DTC setting %02X", type);
	return rlen == 0 ? 0 : named(t, uds_dec_dtc_setting(resp, rlen, type, e), e);
}
