/* fuzz_obd.c: OBD-II decoding on arbitrary replies: mode 01 and 02 replies
 * split into PIDs and every PID's values decoded, supported-PID bitmaps,
 * DTC lists of modes 03, 07 and 0A formatted as text with their
 * descriptions, and every mode 09 info type (VIN, calibration IDs, CVNs,
 * ECU name). Each decoder runs on the input as it is and with the input's
 * first byte replaced by its own mode's reply byte. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/dtc.h"
#include "diag/obd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes the values of each PID of a split reply. */
static void decode_values(const struct obd_pid_data *items, size_t count)
{
	struct obd_value v[OBD_VALUES_MAX];
	size_t i, j, nv;
	struct error e;

	for (i = 0; i < count; i++) {
		if (items[i].len > OBD_REPLY_MAX)
			abort();
		if (obd_pid_decode(items[i].pid, items[i].data, items[i].len, v, &nv, &e) < 0)
			continue;
		if (nv > OBD_VALUES_MAX)
			abort();
		for (j = 0; j < nv; j++)
			if (v[j].valid && isnan(v[j].value))
				abort();
		if (items[i].len > 0) {
			obd_standard_name(items[i].data[0]);
			obd_fuel_type_name(items[i].data[0]);
			obd_fuel_system_name(items[i].data[0]);
		}
	}
}

/* Mode 01 and 02 replies, and the supported bitmaps. */
static void decode_pids(const uint8_t *d, size_t n)
{
	struct obd_pid_data items[OBD_MAX_PIDS];
	struct obd_pidset set;
	uint8_t list[256];
	size_t count;
	struct error e;

	if (obd_dec_current(d, n, items, OBD_MAX_PIDS, &count, &e) == 0)
		decode_values(items, count);
	if (obd_dec_freeze(d, n, items, OBD_MAX_PIDS, &count, &e) == 0)
		decode_values(items, count);
	obd_pidset_clear(&set);
	if (n > 0 && obd_dec_supported(d[0], d + 1, n - 1, &set, &e) == 0 &&
	    obd_pidset_list(&set, list, sizeof list) > 256)
		abort();
}

/* DTC lists of modes 03, 07 and 0A, as users see them. */
static void decode_dtcs(const uint8_t *d, size_t n)
{
	static const uint8_t modes[] = { OBD_MODE_STORED_DTCS, OBD_MODE_PENDING_DTCS,
					 OBD_MODE_PERMANENT_DTCS };
	char text[DTC_TEXT_MAX], hex[DTC_HEX_MAX];
	uint16_t codes[128];
	size_t i, k, count;
	struct error e;

	for (k = 0; k < sizeof modes; k++) {
		if (obd_dec_dtcs(modes[k], d, n, codes, 128, &count, &e) < 0)
			continue;
		if (count > 128)
			abort();
		for (i = 0; i < count; i++) {
			dtc_format_obd(codes[i], text);
			dtc_format_hex(codes[i], 2, hex);
			dtc_description(codes[i]);
			if (strlen(text) >= DTC_TEXT_MAX || strlen(hex) >= DTC_HEX_MAX)
				abort();
		}
	}
	obd_dec_clear(d, n, &e);
}

/* Mode 09 info types. */
static void decode_info(const uint8_t *d, size_t n)
{
	char vin[OBD_VIN_LEN + 1], name[OBD_ECU_NAME_LEN + 1];
	char ids[8][OBD_CALID_LEN + 1];
	uint32_t cvns[8];
	const uint8_t *p;
	size_t count, len, i;
	uint8_t items;
	struct error e;

	if (n > 1)
		obd_dec_info(d[1], d, n, &items, &p, &len, &e);
	if (obd_dec_vin(d, n, vin, &e) == 0 && strlen(vin) != OBD_VIN_LEN)
		abort();
	if (obd_dec_calids(d, n, ids, 8, &count, &e) == 0)
		for (i = 0; i < count; i++)
			if (strlen(ids[i]) > OBD_CALID_LEN)
				abort();
	obd_dec_cvns(d, n, cvns, 8, &count, &e);
	if (obd_dec_ecu_name(d, n, name, &e) == 0 && strlen(name) > OBD_ECU_NAME_LEN)
		abort();
}

/* Runs every decoder on one reply. */
static void decode_all(const uint8_t *d, size_t n)
{
	decode_pids(d, n);
	decode_dtcs(d, n);
	decode_info(d, n);
}

/* One input: a reply, also tried as a reply of each mode. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t replies[] = { 0x41, 0x42, 0x43, 0x44, 0x47, 0x49, 0x4A };
	uint8_t *copy;
	size_t k;

	decode_all(data, size);
	if (size == 0)
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	for (k = 0; k < sizeof replies; k++) {
		copy[0] = replies[k];
		decode_all(copy, size);
	}
	free(copy);
	return 0;
}
