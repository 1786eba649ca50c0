/* test_obd.c: OBD-II PID scaling against values worked out by hand from
 * the SAE J1979 formulas, supported bitmaps, multi-PID requests and
 * replies, freeze frames, DTC lists, vehicle information, and the client
 * calls over a scripted transport. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diag/obd.h"
#include "util/hex.h"

/* Fails unless got is want (within rounding of the last bits). */
static void near(double got, double want, int line)
{
	if (fabs(got - want) > 1e-9 * (1.0 + fabs(want)))
		fail_msg("line %d: got %.12g, want %.12g", line, got, want);
}
#define assert_near(got, want) near((got), (want), __LINE__)

/* Decodes hex text into a buffer; the test fails on bad text. */
static size_t hx(const char *text, uint8_t *out, size_t cap)
{
	long n = hex_decode(text, out, cap);

	assert_true(n >= 0);
	return (size_t)n;
}

/* The first value of a PID decoded from hex data. */
static double value1(uint8_t pid, const char *data)
{
	struct obd_value v[OBD_VALUES_MAX];
	uint8_t b[8];
	size_t n = hx(data, b, sizeof b), count = 0;
	struct error e;

	assert_int_equal(obd_pid_decode(pid, b, n, v, &count, &e), 0);
	assert_true(count >= 1);
	return v[0].value;
}

/* Single-value PIDs: each expected value worked out by hand. */
static void test_pid_scaling(void **state)
{
	(void)state;
	assert_near(value1(0x0C, "1A F8"), 1726.0);   /* (256*26+248)/4 = 6904/4 = 1726 rpm */
	assert_near(value1(0x0C, "00 00"), 0.0);      /* 0/4 = 0 rpm */
	assert_near(value1(0x0C, "FF FF"), 16383.75); /* 65535/4 = 16383.75 rpm */
	assert_near(value1(0x0D, "64"), 100.0);       /* A = 100 km/h */
	assert_near(value1(0x05, "7B"), 83.0);        /* 123-40 = 83 °C */
	assert_near(value1(0x05, "00"), -40.0);       /* 0-40 = -40 °C */
	assert_near(value1(0x42, "31 2D"), 12.589);   /* (256*49+45)/1000 = 12589/1000 V */
	assert_near(value1(0x04, "FF"), 100.0);       /* 100*255/255 = 100 % */
	assert_near(value1(0x04, "80"), 12800.0 / 255.0); /* 100*128/255 = 50.196... % */
	assert_near(value1(0x0F, "28"), 0.0);         /* 40-40 = 0 °C */
	assert_near(value1(0x10, "01 F4"), 5.0);      /* (256*1+244)/100 = 500/100 = 5 g/s */
	assert_near(value1(0x11, "33"), 20.0);        /* 100*51/255 = 20 % */
	assert_near(value1(0x1F, "02 58"), 600.0);    /* 256*2+88 = 600 s */
	assert_near(value1(0x2F, "BF"), 19100.0 / 255.0); /* 100*191/255 = 74.90... % */
	assert_near(value1(0x46, "3C"), 20.0);        /* 60-40 = 20 °C */
	assert_near(value1(0x5C, "82"), 90.0);        /* 130-40 = 90 °C */
	assert_near(value1(0x06, "80"), 0.0);         /* 100*128/128-100 = 0 % */
	assert_near(value1(0x07, "00"), -100.0);      /* 100*0/128-100 = -100 % */
	assert_near(value1(0x08, "FF"), 99.21875);    /* 100*255/128-100 = 199.21875-100 % */
	assert_near(value1(0x0E, "90"), 8.0);         /* 144/2-64 = 72-64 = 8 ° */
	assert_near(value1(0x0A, "64"), 300.0);       /* 3*100 = 300 kPa */
	assert_near(value1(0x0B, "65"), 101.0);       /* A = 101 kPa */
	assert_near(value1(0x21, "00 0A"), 10.0);     /* 256*0+10 = 10 km */
	assert_near(value1(0x22, "03 E8"), 79.0);     /* 0.079*(256*3+232) = 0.079*1000 = 79 kPa */
	assert_near(value1(0x23, "01 2C"), 3000.0);   /* 10*(256+44) = 10*300 = 3000 kPa */
	assert_near(value1(0x32, "FF F0"), -4.0);     /* signed 0xFFF0 = -16; -16/4 = -4 Pa */
	assert_near(value1(0x32, "00 64"), 25.0);     /* 100/4 = 25 Pa */
	assert_near(value1(0x3C, "11 94"), 410.0);    /* (256*17+148)/10-40 = 4500/10-40 = 410 °C */
	assert_near(value1(0x43, "01 00"), 25600.0 / 255.0); /* 100*256/255 = 100.39... % */
	assert_near(value1(0x44, "80 00"), 1.0);      /* 2*32768/65536 = 1 */
	assert_near(value1(0x4D, "01 00"), 256.0);    /* 256*1+0 = 256 min */
	assert_near(value1(0x50, "0A 00 00 00"), 100.0); /* 10*10 = 100 g/s */
	assert_near(value1(0x53, "4E 20"), 100.0);    /* (256*78+32)/200 = 20000/200 = 100 kPa */
	assert_near(value1(0x54, "80 00"), -32768.0); /* signed 0x8000 = -32768 Pa */
	assert_near(value1(0x59, "00 64"), 1000.0);   /* 10*100 = 1000 kPa */
	assert_near(value1(0x5D, "69 00"), 0.0);      /* (256*105)/128-210 = 26880/128-210 = 0 ° */
	assert_near(value1(0x5E, "00 C8"), 10.0);     /* 200/20 = 10 L/h */
	assert_near(value1(0x61, "7D"), 0.0);         /* 125-125 = 0 % */
	assert_near(value1(0x62, "FF"), 130.0);       /* 255-125 = 130 % */
	assert_near(value1(0x63, "01 2C"), 300.0);    /* 256*1+44 = 300 Nm */
	assert_near(value1(0xA6, "00 01 E2 40"), 12345.6); /* 0x01E240 = 123456; /10 km */
	assert_near(value1(0x51, "04"), 4.0);         /* fuel type 4: diesel */
	assert_near(value1(0x01, "81 07 65 04"), (double)0x81076504u); /* bits kept as is */
}

/* Two-value and four-value PIDs, and the 0xFF "unused" trim. */
static void test_pid_multi_value(void **state)
{
	struct obd_value v[OBD_VALUES_MAX];
	uint8_t b[8];
	size_t n, count;
	struct error e;

	(void)state;
	n = hx("5A 80", b, sizeof b);
	assert_int_equal(obd_pid_decode(0x14, b, n, v, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_near(v[0].value, 0.45); /* 90/200 = 0.45 V */
	assert_string_equal(v[0].unit, "V");
	assert_near(v[1].value, 0.0);  /* 100*128/128-100 = 0 % */
	assert_true(v[1].valid);
	b[1] = 0xFF; /* B = FF: the sensor is not used for trim */
	assert_int_equal(obd_pid_decode(0x14, b, n, v, &count, &e), 0);
	assert_false(v[1].valid);
	assert_true(v[0].valid);

	n = hx("80 00 40 00", b, sizeof b);
	assert_int_equal(obd_pid_decode(0x24, b, n, v, &count, &e), 0);
	assert_near(v[0].value, 1.0); /* 2*(256*128+0)/65536 = 65536/65536 = 1 */
	assert_near(v[1].value, 2.0); /* 8*(256*64+0)/65536 = 131072/65536 = 2 V */

	n = hx("80 00 81 00", b, sizeof b);
	assert_int_equal(obd_pid_decode(0x34, b, n, v, &count, &e), 0);
	assert_near(v[1].value, 1.0); /* (256*129+0)/256-128 = 129-128 = 1 mA */
	assert_string_equal(v[1].unit, "mA");

	n = hx("02 08 80 0A", b, sizeof b);
	assert_int_equal(obd_pid_decode(0x4F, b, n, v, &count, &e), 0);
	assert_int_equal(count, 4);
	assert_near(v[0].value, 2.0);   /* A = 2 */
	assert_near(v[1].value, 8.0);   /* B = 8 V */
	assert_near(v[2].value, 128.0); /* C = 128 mA */
	assert_near(v[3].value, 100.0); /* 10*D = 10*10 = 100 kPa */

	n = hx("00 FF", b, sizeof b);
	assert_int_equal(obd_pid_decode(0x55, b, n, v, &count, &e), 0);
	assert_near(v[0].value, -100.0);   /* 100*0/128-100 */
	assert_near(v[1].value, 99.21875); /* 100*255/128-100 */
	assert_string_equal(v[1].label, "bank 3");
}

/* Wrong lengths and unknown PIDs are errors, not values. */
static void test_pid_decode_errors(void **state)
{
	struct obd_value v[OBD_VALUES_MAX];
	const uint8_t b[4] = { 1, 2, 3, 4 };
	size_t count = 9;
	struct error e;

	(void)state;
	assert_int_equal(obd_pid_decode(0x0C, b, 1, v, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "PID 0C carries 1 bytes, expected 2");
	assert_int_equal(count, 0);
	assert_int_equal(obd_pid_decode(0x0D, b, 2, v, &count, &e), -ERR_PROTOCOL);
	assert_int_equal(obd_pid_decode(0x70, b, 4, v, &count, &e), -ERR_UNSUPPORTED);
	assert_string_equal(e.text, "PID 70 is not in the PID table");
}

/* Every table entry is found by its PID, 00-63 are all there, and no
 * field reads past the PID's data. */
static void test_pid_table(void **state)
{
	unsigned pid, found = 0, i;

	(void)state;
	for (pid = 0; pid < 256; pid++) {
		const struct obd_pid *p = obd_pid_info((uint8_t)pid);
		if (pid <= 0x63)
			assert_non_null(p);
		if (p == NULL)
			continue;
		found++;
		assert_int_equal(p->pid, pid);
		assert_true(p->nfields >= 1 && p->nfields <= OBD_VALUES_MAX);
		assert_true(strlen(p->name) > 0);
		for (i = 0; i < p->nfields; i++)
			assert_true(p->fields[i].offset + obd_formula_width(p->fields[i].formula) <=
				    p->bytes);
	}
	assert_true(found >= 0x64);
	assert_string_equal(obd_pid_info(0x0C)->name, "Engine speed");
	assert_string_equal(obd_pid_info(0x0C)->fields[0].unit, "rpm");
	assert_int_equal(obd_pid_len(0x0C), 2);
	assert_int_equal(obd_pid_len(0xE0), 4);
	assert_int_equal(obd_pid_len(0x70), 0);
}

/* Enumerations of PIDs 03, 1C and 51. */
static void test_enum_names(void **state)
{
	(void)state;
	assert_string_equal(obd_standard_name(0x06), "EOBD (Europe)");
	assert_string_equal(obd_standard_name(0x01), "OBD-II as defined by the CARB");
	assert_null(obd_standard_name(0x00));
	assert_null(obd_standard_name(0xFE));
	assert_string_equal(obd_fuel_type_name(0x04), "Diesel");
	assert_string_equal(obd_fuel_type_name(0x01), "Gasoline");
	assert_null(obd_fuel_type_name(0x80));
	assert_string_equal(obd_fuel_system_name(0x02), "Closed loop, using oxygen sensor feedback");
	assert_null(obd_fuel_system_name(0x03));
}

/* The J1979 example bitmap BE 1F A8 13 for PID 00. */
static void test_supported_bitmap(void **state)
{
	static const uint8_t want[] = { 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0C, 0x0D, 0x0E,
					0x0F, 0x10, 0x11, 0x13, 0x15, 0x1C, 0x1F, 0x20 };
	const uint8_t map[4] = { 0xBE, 0x1F, 0xA8, 0x13 };
	const uint8_t map40[4] = { 0x80, 0x00, 0x00, 0x01 };
	struct obd_pidset s;
	uint8_t list[256];
	struct error e;

	(void)state;
	obd_pidset_clear(&s);
	assert_int_equal(obd_dec_supported(0x00, map, 4, &s, &e), 0);
	assert_int_equal(obd_pidset_list(&s, list, sizeof list), sizeof want);
	assert_memory_equal(list, want, sizeof want);
	assert_false(obd_pidset_has(&s, 0x02));
	assert_true(obd_pidset_has(&s, 0x20));
	assert_int_equal(obd_dec_supported(0x40, map40, 4, &s, &e), 0);
	assert_true(obd_pidset_has(&s, 0x41)); /* first bit of the 40 map */
	assert_true(obd_pidset_has(&s, 0x60)); /* last bit of the 40 map */
	assert_int_equal(obd_pidset_list(&s, list, 2), sizeof want + 2);
	assert_int_equal(obd_dec_supported(0x00, map, 3, &s, &e), -ERR_PROTOCOL);
	assert_int_equal(obd_dec_supported(0x10, map, 4, &s, &e), -ERR_ARG);
}

/* Mode 01 requests carry 1 to 6 PIDs. */
static void test_enc_current(void **state)
{
	const uint8_t pids[7] = { 0x00, 0x0C, 0x0D, 0x05, 0x0F, 0x10, 0x11 };
	uint8_t out[16];
	struct error e;

	(void)state;
	assert_int_equal(obd_enc_current(out, sizeof out, pids + 1, 1, &e), 2);
	assert_memory_equal(out, "\x01\x0C", 2);
	assert_int_equal(obd_enc_current(out, sizeof out, pids, 6, &e), 7);
	assert_memory_equal(out, "\x01\x00\x0C\x0D\x05\x0F\x10", 7);
	assert_int_equal(obd_enc_current(out, sizeof out, pids, 7, &e), -ERR_ARG);
	assert_int_equal(obd_enc_current(out, sizeof out, pids, 0, &e), -ERR_ARG);
	assert_int_equal(obd_enc_current(out, 3, pids, 3, &e), -ERR_ARG);
}

/* One-byte modes and mode 09 with its info type. */
static void test_enc_simple(void **state)
{
	uint8_t out[4];
	struct error e;

	(void)state;
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x03, -1, &e), 1);
	assert_int_equal(out[0], 0x03);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x04, -1, &e), 1);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x0A, -1, &e), 1);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x09, 0x02, &e), 2);
	assert_memory_equal(out, "\x09\x02", 2);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x09, -1, &e), -ERR_ARG);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x03, 0x00, &e), -ERR_ARG);
	assert_int_equal(obd_enc_simple(out, sizeof out, 0x22, -1, &e), -ERR_ARG);
	assert_int_equal(obd_enc_simple(out, 0, 0x03, -1, &e), -ERR_ARG);
}

/* A reply with three PIDs splits by their lengths and each decodes. */
static void test_dec_current_multi(void **state)
{
	struct obd_pid_data items[OBD_MAX_PIDS];
	struct obd_value v[OBD_VALUES_MAX];
	uint8_t r[32];
	size_t n = hx("41 0C 1A F8 0D 64 05 7B 42 31 2D", r, sizeof r), count = 0, vc;
	struct error e;

	(void)state;
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), 0);
	assert_int_equal(count, 4);
	assert_int_equal(items[0].pid, 0x0C);
	assert_int_equal(items[0].len, 2);
	assert_ptr_equal(items[0].data, r + 2);
	assert_int_equal(items[1].pid, 0x0D);
	assert_int_equal(items[2].pid, 0x05);
	assert_int_equal(items[3].pid, 0x42);
	assert_int_equal(obd_pid_decode(items[0].pid, items[0].data, items[0].len, v, &vc, &e), 0);
	assert_near(v[0].value, 1726.0); /* (256*26+248)/4 */
	assert_int_equal(obd_pid_decode(items[2].pid, items[2].data, items[2].len, v, &vc, &e), 0);
	assert_near(v[0].value, 83.0);   /* 123-40 */
	assert_int_equal(obd_pid_decode(items[3].pid, items[3].data, items[3].len, v, &vc, &e), 0);
	assert_near(v[0].value, 12.589); /* (256*49+45)/1000 */
}

/* Short, unknown, negative, foreign and overfull mode 01 replies. */
static void test_dec_current_errors(void **state)
{
	struct obd_pid_data items[OBD_MAX_PIDS];
	uint8_t r[32];
	size_t n, count;
	struct error e;

	(void)state;
	n = hx("41 0C 1A", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "PID 0C record needs 3 bytes, the reply has 2 left");
	n = hx("41 0D 64 0C", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	n = hx("41 70 01 02", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_UNSUPPORTED);
	n = hx("7F 01 12", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x12);
	n = hx("42 0D 64", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	n = hx("41", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	assert_int_equal(obd_dec_current(r, 0, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	n = hx("41 0D 01 0D 02 0D 03", r, sizeof r);
	assert_int_equal(obd_dec_current(r, n, items, 2, &count, &e), -ERR_NOMEM);
}

/* Freeze frame requests and replies carry the frame number per PID. */
static void test_freeze(void **state)
{
	const uint8_t pids[4] = { 0x02, 0x0C, 0x0D, 0x05 };
	struct obd_pid_data items[OBD_MAX_PIDS];
	uint8_t out[16], r[32];
	size_t n, count;
	struct error e;

	(void)state;
	assert_int_equal(obd_enc_freeze(out, sizeof out, pids, 3, 0x00, &e), 7);
	assert_memory_equal(out, "\x02\x02\x00\x0C\x00\x0D\x00", 7);
	assert_int_equal(obd_enc_freeze(out, sizeof out, pids, 4, 0x00, &e), -ERR_ARG);
	n = hx("42 02 00 01 43 0C 00 1A F8", r, sizeof r);
	assert_int_equal(obd_dec_freeze(r, n, items, OBD_MAX_PIDS, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_int_equal(items[0].pid, 0x02);
	assert_int_equal(items[0].frame, 0);
	assert_memory_equal(items[0].data, "\x01\x43", 2); /* the DTC P0143 */
	assert_int_equal(items[1].pid, 0x0C);
	assert_memory_equal(items[1].data, "\x1A\xF8", 2);
	n = hx("42 0C 00 1A", r, sizeof r);
	assert_int_equal(obd_dec_freeze(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
	n = hx("42 0C", r, sizeof r);
	assert_int_equal(obd_dec_freeze(r, n, items, OBD_MAX_PIDS, &count, &e), -ERR_PROTOCOL);
}

/* Mode 03/07/0A: a count byte, then 2-byte codes. */
static void test_dtc_lists(void **state)
{
	uint16_t dtcs[8];
	uint8_t r[32];
	size_t n, count = 9;
	struct error e;

	(void)state;
	n = hx("43 02 01 43 C1 55", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 8, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_int_equal(dtcs[0], 0x0143); /* P0143 */
	assert_int_equal(dtcs[1], 0xC155); /* U0155 */
	n = hx("47 01 03 00", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x07, r, n, dtcs, 8, &count, &e), 0);
	assert_int_equal(count, 1);
	assert_int_equal(dtcs[0], 0x0300);
	n = hx("4A 00", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x0A, r, n, dtcs, 8, &count, &e), 0);
	assert_int_equal(count, 0);
	n = hx("43 02 01 43", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 8, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "DTC reply announces 2 codes but carries 2 bytes");
	n = hx("43 01 01 43 00", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 8, &count, &e), -ERR_PROTOCOL);
	n = hx("43", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 8, &count, &e), -ERR_PROTOCOL);
	n = hx("47 00", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 8, &count, &e), -ERR_PROTOCOL);
	n = hx("43 02 01 43 C1 55", r, sizeof r);
	assert_int_equal(obd_dec_dtcs(0x03, r, n, dtcs, 1, &count, &e), -ERR_NOMEM);
	assert_int_equal(obd_dec_dtcs(0x01, r, n, dtcs, 8, &count, &e), -ERR_ARG);
	n = hx("44", r, sizeof r);
	assert_int_equal(obd_dec_clear(r, n, &e), 0);
	n = hx("44 00", r, sizeof r);
	assert_int_equal(obd_dec_clear(r, n, &e), -ERR_PROTOCOL);
	n = hx("7F 04 22", r, sizeof r);
	assert_int_equal(obd_dec_clear(r, n, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x22);
}

/* VIN: count byte 01 and 17 characters. */
static void test_vin(void **state)
{
	char vin[OBD_VIN_LEN + 1];
	uint8_t r[64];
	size_t n;
	struct error e;

	(void)state;
	n = hx("49 02 01 57 56 57 5A 5A 5A 31 4B 5A 41 57 30 30 30 30 30 31", r, sizeof r);
	assert_int_equal(obd_dec_vin(r, n, vin, &e), 0);
	assert_string_equal(vin, "WVWZZZ1KZAW000001");
	assert_int_equal(obd_dec_vin(r, n - 1, vin, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "info type 02 announces 1 items of 17 bytes but carries 16 bytes");
	r[2] = 0x02;
	assert_int_equal(obd_dec_vin(r, n, vin, &e), -ERR_PROTOCOL);
	r[2] = 0x01;
	r[10] = 0x07;
	assert_int_equal(obd_dec_vin(r, n, vin, &e), -ERR_PROTOCOL);
	assert_non_null(strstr(e.text, "non-printable"));
	r[10] = 'K';
	r[19] = 0x00; /* a 16-character VIN padded with NUL */
	assert_int_equal(obd_dec_vin(r, n, vin, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "VIN of 16 characters");
	r[1] = 0x04;
	assert_int_equal(obd_dec_vin(r, n, vin, &e), -ERR_PROTOCOL);
	assert_string_equal(vin, "");
}

/* Calibration IDs: 16-byte items padded with NUL. */
static void test_calids(void **state)
{
	char ids[4][OBD_CALID_LEN + 1];
	uint8_t r[64];
	size_t n, count = 9;
	struct error e;

	(void)state;
	n = hx("49 04 02"
	       " 30 36 4B 39 30 37 34 32 35 42 00 00 00 00 00 00"  /* 06K907425B */
	       " 43 41 4C 2D 31 32 33 34 35 36 37 38 39 30 41 42", /* CAL-1234567890AB */
	       r, sizeof r);
	assert_int_equal(obd_dec_calids(r, n, ids, 4, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_string_equal(ids[0], "06K907425B");
	assert_string_equal(ids[1], "CAL-1234567890AB");
	assert_int_equal(obd_dec_calids(r, n, ids, 1, &count, &e), -ERR_NOMEM);
	assert_int_equal(obd_dec_calids(r, n - 1, ids, 4, &count, &e), -ERR_PROTOCOL);
	r[3 + 12] = 'X'; /* data after the padding of the first ID */
	assert_int_equal(obd_dec_calids(r, n, ids, 4, &count, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "calibration ID has data after its padding");
	n = hx("49 04 00", r, sizeof r);
	assert_int_equal(obd_dec_calids(r, n, ids, 4, &count, &e), 0);
	assert_int_equal(count, 0);
}

/* CVNs are 4-byte numbers; the ECU name an acronym, a dash and a name. */
static void test_cvns_and_ecu_name(void **state)
{
	char name[OBD_ECU_NAME_LEN + 1];
	uint32_t cvns[4];
	uint8_t r[64];
	size_t n, count;
	struct error e;

	(void)state;
	n = hx("49 06 02 12 34 56 78 9A BC DE F0", r, sizeof r);
	assert_int_equal(obd_dec_cvns(r, n, cvns, 4, &count, &e), 0);
	assert_int_equal(count, 2);
	assert_int_equal(cvns[0], 0x12345678u);
	assert_int_equal(cvns[1], 0x9ABCDEF0u);
	assert_int_equal(obd_dec_cvns(r, n - 2, cvns, 4, &count, &e), -ERR_PROTOCOL);
	n = hx("49 0A 01 45 43 4D 00 2D 45 6E 67 69 6E 65 43 6F 6E 74 72 6F 6C 00 00", r, sizeof r);
	assert_int_equal(obd_dec_ecu_name(r, n, name, &e), 0);
	assert_string_equal(name, "ECM-EngineControl");
	r[7] = '_';
	assert_int_equal(obd_dec_ecu_name(r, n, name, &e), -ERR_PROTOCOL);
	assert_int_equal(obd_dec_ecu_name(r, n - 1, name, &e), -ERR_PROTOCOL);
}

/* --- A scripted transport: the replies an ECU would give, in order --- */

struct script {
	const char *replies[8]; /* hex; NULL: no reply (timeout) */
	size_t next;
	uint8_t sent[8][16];
	size_t sent_len[8];
};

/* Records the request and answers with the next scripted reply. */
static int script_request(void *ctx, const struct can_target *t, const uint8_t *req, size_t n,
			  int timeout_ms, struct isotp_msg *reply, struct error *e)
{
	struct script *s = ctx;
	const char *r = s->next < 8 ? s->replies[s->next] : NULL;

	(void)t, (void)timeout_ms;
	assert_true(n <= sizeof s->sent[0] && s->next < 8);
	memcpy(s->sent[s->next], req, n);
	s->sent_len[s->next++] = n;
	if (r == NULL)
		return error_set(e, ERR_TIMEOUT, "no reply");
	reply->len = hx(r, reply->data, sizeof reply->data);
	return 0;
}

/* No further replies. */
static int script_receive(void *ctx, const struct can_target *t, int timeout_ms,
			  struct isotp_msg *reply, struct error *e)
{
	(void)ctx, (void)t, (void)timeout_ms, (void)reply;
	return error_set(e, ERR_TIMEOUT, "no further reply");
}

static const struct uds_transport script_ops = { script_request, script_receive, NULL, NULL,
						 NULL };
static const struct uds_target engine = { "engine", { 0x7E0, 0x7E8, false } };

/* Reading several PIDs: one request, each PID checked against it. */
static void test_client_read_current(void **state)
{
	static struct obd_pids_reply r;
	struct script s = { { "41 0C 1A F8 0D 64", "41 0C 1A F8 11 33" }, 0, { { 0 } }, { 0 } };
	const uint8_t pids[2] = { 0x0C, 0x0D };
	struct uds *u = uds_new_transport(&script_ops, &s);
	struct error e;

	(void)state;
	assert_int_equal(obd_read_current(u, &engine, pids, 2, &r, &e), 0);
	assert_int_equal(s.sent_len[0], 3);
	assert_memory_equal(s.sent[0], "\x01\x0C\x0D", 3);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.items[1].pid, 0x0D);
	assert_int_equal(r.items[1].data[0], 0x64);
	assert_int_equal(obd_read_current(u, &engine, pids, 2, &r, &e), -ERR_PROTOCOL);
	assert_string_equal(e.text, "engine: reply carries PID 11, which was not asked for");
	uds_free(u);
}

/* The supported walk follows the "next map supported" bit. */
static void test_client_supported(void **state)
{
	struct script s = { { "41 00 BE 1F A8 13", "41 20 80 00 00 01", "41 40 40 00 00 00" },
			    0, { { 0 } }, { 0 } };
	struct uds *u = uds_new_transport(&script_ops, &s);
	struct obd_pidset set;
	struct error e;

	(void)state;
	assert_int_equal(obd_read_supported(u, &engine, 0x01, &set, &e), 0);
	assert_int_equal(s.next, 3);
	assert_memory_equal(s.sent[1], "\x01\x20", 2);
	assert_memory_equal(s.sent[2], "\x01\x40", 2);
	assert_true(obd_pidset_has(&set, 0x21));
	assert_true(obd_pidset_has(&set, 0x42));
	assert_false(obd_pidset_has(&set, 0x41));
	uds_free(u);
}

/* DTCs, clearing and the VIN through the client. */
static void test_client_dtcs_vin(void **state)
{
	struct script s = { { "43 01 04 20", "44",
			      "49 02 01 57 56 57 5A 5A 5A 31 4B 5A 41 57 30 30 30 30 30 31",
			      "7F 09 31" }, 0, { { 0 } }, { 0 } };
	struct uds *u = uds_new_transport(&script_ops, &s);
	char vin[OBD_VIN_LEN + 1];
	uint16_t dtcs[4];
	size_t count;
	struct error e;

	(void)state;
	assert_int_equal(obd_read_dtcs(u, &engine, 0x03, dtcs, 4, &count, &e), 0);
	assert_int_equal(count, 1);
	assert_int_equal(dtcs[0], 0x0420);
	assert_int_equal(obd_clear_dtcs(u, &engine, &e), 0);
	assert_int_equal(s.sent[1][0], 0x04);
	assert_int_equal(obd_read_vin(u, &engine, vin, &e), 0);
	assert_memory_equal(s.sent[2], "\x09\x02", 2);
	assert_string_equal(vin, "WVWZZZ1KZAW000001");
	assert_int_equal(obd_read_ecu_name(u, &engine, vin, &e), -ERR_NEGATIVE);
	assert_int_equal(e.detail, 0x31);
	uds_free(u);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pid_scaling),
		cmocka_unit_test(test_pid_multi_value),
		cmocka_unit_test(test_pid_decode_errors),
		cmocka_unit_test(test_pid_table),
		cmocka_unit_test(test_enum_names),
		cmocka_unit_test(test_supported_bitmap),
		cmocka_unit_test(test_enc_current),
		cmocka_unit_test(test_enc_simple),
		cmocka_unit_test(test_dec_current_multi),
		cmocka_unit_test(test_dec_current_errors),
		cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_dtc_lists),
		cmocka_unit_test(test_vin),
		cmocka_unit_test(test_calids),
		cmocka_unit_test(test_cvns_and_ecu_name),
		cmocka_unit_test(test_client_read_current),
		cmocka_unit_test(test_client_supported),
		cmocka_unit_test(test_client_dtcs_vin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
