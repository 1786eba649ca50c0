/* fuzz_uds.c: UDS and OBD-II reply decoders on arbitrary replies. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "diag/obd.h"
#include "diag/uds_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the decoders that take a variable reply. */
static void decode_uds(const uint8_t *d, size_t n)
{
	static const struct uds_len_map lens[] = { { 0xF190, 17 }, { 0x0600, 24 } };
	struct uds_item items[8];
	struct uds_dtc dtcs[64];
	struct uds_timing tm;
	const uint8_t *p;
	size_t count, len;
	uint8_t avail, nrc;
	struct error e;

	uds_dec_session(d, n, 0x03, &tm, &e);
	uds_dec_dtc_list(d, n, 0x02, &avail, dtcs, 64, &count, &e);
	uds_dec_read_dids(d, n, lens, 2, items, 8, &count, &e);
	uds_dec_seed(d, n, 0x01, &p, &len, &e);
	uds_dec_routine(d, n, 0x01, 0xFF00, &p, &len, &e);
	uds_dec_request_download(d, n, &count, &e);
	uds_dec_transfer_data(d, n, 1, &p, &len, &e);
	uds_check_response(0x22, d, n, &nrc);
}

/* Runs the OBD-II decoders. */
static void decode_obd(const uint8_t *d, size_t n)
{
	struct obd_pid_data items[OBD_MAX_PIDS];
	char vin[OBD_VIN_LEN + 1];
	uint16_t codes[64];
	size_t count;
	struct error e;

	obd_dec_current(d, n, items, OBD_MAX_PIDS, &count, &e);
	obd_dec_dtcs(0x03, d, n, codes, 64, &count, &e);
	obd_dec_vin(d, n, vin, &e);
}

/* One input: a reply. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_uds(data, size);
	decode_obd(data, size);
	return 0;
}
