/* test_image.c: flash images: Intel HEX and S-record fixtures and generated
 * files, every malformed case with its line, overlaps, flattening, SHA-256,
 * CRC and sum check values, checksum patching, hostile input. */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/image.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#define FIXTURES OBDCON_SRCDIR "/tests/images"
#define CHECK "123456789"

/* Per-test state: a private temporary directory. */
struct fixture {
	char tmp[PATH_MAX];
};

/* Creates the temporary directory for one test. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/obdcon-image-XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

/* Removes one file or directory during the tree walk. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the temporary directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* A path inside the test's temporary directory. */
static void tmp_path(const struct fixture *f, const char *name, char out[PATH_MAX])
{
	assert_int_equal(fs_join(out, PATH_MAX, f->tmp, name), 0);
}

/* Parses text held in memory (format detected) under a file name. */
static int parse_text(struct image *img, const char *name, const char *text, struct error *e)
{
	image_init(img);
	return image_parse(img, name, (const uint8_t *)text, strlen(text), NULL, e);
}

/* Asserts that text is refused as malformed with exactly this message. */
static void expect_format_error(const char *name, const char *text, const char *msg)
{
	struct image img;
	struct error e = { 0 };

	assert_int_equal(parse_text(&img, name, text, &e), -ERR_FORMAT);
	assert_int_equal(e.kind, ERR_FORMAT);
	assert_string_equal(e.text, msg);
	image_free(&img);
}

/* Asserts that segment i has this address and these bytes. */
static void expect_segment(const struct image *img, size_t i, uint32_t addr, const void *data,
			   size_t len)
{
	assert_true(i < img->nseg);
	assert_int_equal(img->seg[i].addr, addr);
	assert_int_equal(img->seg[i].len, len);
	assert_memory_equal(img->seg[i].data, data, len);
}

/* Appends one Intel HEX record with its checksum. */
static void ihex_rec(struct buf *b, unsigned type, unsigned addr, const uint8_t *d, size_t n,
		     const char *nl)
{
	unsigned sum = (unsigned)n + (addr >> 8) + (addr & 0xFF) + type;
	size_t i;

	assert_int_equal(buf_printf(b, ":%02zX%04X%02X", n, addr & 0xFFFF, type), 0);
	for (i = 0; i < n; i++) {
		sum += d[i];
		assert_int_equal(buf_printf(b, "%02X", d[i]), 0);
	}
	assert_int_equal(buf_printf(b, "%02X%s", (0x100 - (sum & 0xFF)) & 0xFF, nl), 0);
}

/* Appends one S-record with alen address bytes and its checksum. */
static void srec_rec(struct buf *b, unsigned type, uint32_t addr, unsigned alen,
		     const uint8_t *d, size_t n)
{
	unsigned sum = (unsigned)(n + alen + 1);
	unsigned i;

	assert_int_equal(buf_printf(b, "S%u%02zX", type, n + alen + 1), 0);
	for (i = 0; i < alen; i++) {
		unsigned byte = addr >> (8 * (alen - 1 - i)) & 0xFF;
		sum += byte;
		assert_int_equal(buf_printf(b, "%02X", byte), 0);
	}
	for (i = 0; i < n; i++) {
		sum += d[i];
		assert_int_equal(buf_printf(b, "%02X", d[i]), 0);
	}
	assert_int_equal(buf_printf(b, "%02X\n", ~sum & 0xFF), 0);
}

/* Fills a buffer with reproducible pseudo-random bytes. */
static void random_bytes(uint8_t *d, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		d[i] = (uint8_t)(seed >> 16);
	}
}

/* Writes bytes to a file, failing the test if it cannot. */
static void write_file(const char *path, const void *d, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(d, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Expects the three segments of the small fixtures at the given addresses. */
static void expect_small(const struct image *img, uint32_t dead, uint32_t counting)
{
	static const uint8_t beef[] = { 0xDE, 0xAD, 0xBE, 0xEF };
	uint8_t count[32];
	size_t i;

	for (i = 0; i < sizeof count; i++)
		count[i] = (uint8_t)i;
	assert_int_equal(img->nseg, 3);
	expect_segment(img, 0, dead, beef, 4);
	expect_segment(img, 1, counting, count, 32);
	expect_segment(img, 2, counting + 0x100, "obdcon!!", 8);
	assert_int_equal(img->total, 44);
	assert_true(img->has_start);
	assert_int_equal(img->start, counting + 0x101);
}

/* Format detection from the first bytes. */
static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(image_detect((const uint8_t *)":00000001FF", 11), IMAGE_IHEX);
	assert_int_equal(image_detect((const uint8_t *)"S0030000FC", 10), IMAGE_SREC);
	assert_int_equal(image_detect((const uint8_t *)"Sx", 2), IMAGE_RAW);
	assert_int_equal(image_detect((const uint8_t *)"S", 1), IMAGE_RAW);
	assert_int_equal(image_detect((const uint8_t *)"\x7f" "ELF", 4), IMAGE_RAW);
	assert_int_equal(image_detect(NULL, 0), IMAGE_RAW);
	assert_string_equal(image_format_name(IMAGE_IHEX), "Intel HEX");
	assert_string_equal(image_format_name(IMAGE_SREC), "S-record");
	assert_string_equal(image_format_name(IMAGE_RAW), "raw");
}

/* The Intel HEX fixture (CRLF, 04, 02 and 05 records) reads as three segments. */
static void test_ihex_fixture(void **state)
{
	struct image img;
	struct error e = { 0 };
	struct image_range r;

	(void)state;
	image_init(&img);
	assert_int_equal(image_read(&img, FIXTURES "/small.hex", NULL, &e), 0);
	assert_int_equal(img.format, IMAGE_IHEX);
	expect_small(&img, 0x00010000, 0x08000000);
	assert_int_equal(image_gap_count(&img), 2);
	r = image_gap(&img, 0);
	assert_int_equal(r.addr, 0x00010004);
	assert_int_equal(r.len, 0x08000000 - 0x00010004);
	r = image_gap(&img, 1);
	assert_int_equal(r.addr, 0x08000020);
	assert_int_equal(r.len, 0xE0);
	assert_int_equal(image_gap(&img, 2).len, 0);
	r = image_span(&img);
	assert_int_equal(r.addr, 0x00010000);
	assert_int_equal(r.len, 0x08000108 - 0x00010000);
	image_free(&img);
}

/* The S19, S28 and S37 fixtures read with their header, data and start. */
static void test_srec_fixtures(void **state)
{
	struct image a, b;
	struct error e = { 0 };
	char ha[65], hb[65];

	(void)state;
	image_init(&a);
	assert_int_equal(image_read(&a, FIXTURES "/small.s19", NULL, &e), 0);
	assert_int_equal(a.format, IMAGE_SREC);
	assert_string_equal(a.header, "small");
	expect_small(&a, 0x0100, 0x1000);
	image_free(&a);
	assert_int_equal(image_read(&a, FIXTURES "/small.s28", NULL, &e), 0);
	expect_small(&a, 0x010000, 0x080000);
	image_free(&a);
	/* CR line ends; the same memory as the Intel HEX fixture */
	assert_int_equal(image_read(&a, FIXTURES "/small.s37", NULL, &e), 0);
	expect_small(&a, 0x00010000, 0x08000000);
	image_init(&b);
	assert_int_equal(image_read(&b, FIXTURES "/small.hex", NULL, &e), 0);
	image_sha256(&a, ha);
	image_sha256(&b, hb);
	assert_string_equal(ha, hb);
	image_free(&a);
	image_free(&b);
}

/* Broken fixture files are reported with their path and line. */
static void test_bad_fixtures(void **state)
{
	struct image img;
	struct error e = { 0 };

	(void)state;
	image_init(&img);
	assert_int_equal(image_read(&img, FIXTURES "/bad-checksum.hex", NULL, &e), -ERR_FORMAT);
	assert_string_equal(e.text, FIXTURES "/bad-checksum.hex:3: checksum 0x00, expected 0x68");
	assert_int_equal(error_exit_code(&e), 2);
	image_free(&img);
	assert_int_equal(image_read(&img, FIXTURES "/truncated.s19", NULL, &e), -ERR_FORMAT);
	assert_string_equal(e.text, FIXTURES "/truncated.s19:2: file ends without an S7, S8 or "
				    "S9 termination record");
	image_free(&img);
	assert_int_equal(image_read(&img, FIXTURES "/no-such.hex", NULL, &e), -ERR_NOT_FOUND);
	image_free(&img);
	assert_int_equal(image_read(&img, FIXTURES, NULL, &e), -ERR_FORMAT); /* a directory */
	assert_string_equal(e.text, FIXTURES " is a directory, not an image file");
	image_free(&img);
}

/* Writes 64 KiB as Intel HEX with 04 records across a 64 KiB boundary. */
static void write_ihex64k(struct buf *b, uint32_t base, const uint8_t *d, size_t n,
			  const char *nl)
{
	uint32_t upper = 0xFFFFFFFF, a;
	uint8_t ext[2];
	size_t off;

	for (off = 0; off < n; off += 32) {
		a = base + (uint32_t)off;
		if (a >> 16 != upper) {
			upper = a >> 16;
			ext[0] = (uint8_t)(upper >> 8);
			ext[1] = (uint8_t)upper;
			ihex_rec(b, 4, 0, ext, 2, nl);
		}
		ihex_rec(b, 0, a & 0xFFFF, d + off, n - off < 32 ? n - off : 32, nl);
	}
	ihex_rec(b, 1, 0, NULL, 0, nl);
}

/* Writes bytes as S-records of one type with a count record and a termination. */
static void write_srec(struct buf *b, unsigned type, uint32_t base, const uint8_t *d, size_t n)
{
	unsigned alen = type + 1;
	size_t off, records = 0;

	srec_rec(b, 0, 0, 2, (const uint8_t *)"gen", 3);
	for (off = 0; off < n; off += 32, records++)
		srec_rec(b, type, base + (uint32_t)off, alen, d + off, n - off < 32 ? n - off : 32);
	if (records > 0xFFFF)
		srec_rec(b, 6, (uint32_t)records, 3, NULL, 0);
	else
		srec_rec(b, 5, (uint32_t)records, 2, NULL, 0);
	srec_rec(b, 10 - type, base, alen, NULL, 0);
}

/* Reads a generated file back and compares it with the raw bytes. */
static void expect_file_equals(const char *path, uint32_t base, const uint8_t *d, size_t n,
			       enum image_format f)
{
	struct image img;
	struct error e = { 0 };
	char h1[65], h2[65];

	image_init(&img);
	assert_int_equal(image_read(&img, path, NULL, &e), 0);
	assert_int_equal(img.format, f);
	assert_int_equal(img.nseg, 1);
	expect_segment(&img, 0, base, d, n);
	image_sha256(&img, h1);
	sha256_hex(d, n, h2);
	assert_string_equal(h1, h2);
	image_free(&img);
}

/* 64 KiB written as .hex (04 records), .s28 and .s37 reads back byte for byte. */
static void test_generated_64k(void **state)
{
	struct fixture *f = *state;
	enum { N = 64 << 10 };
	uint8_t *d = malloc(N);
	struct buf b = { 0 };
	char path[PATH_MAX];

	assert_non_null(d);
	random_bytes(d, N, 42);
	write_ihex64k(&b, 0x0800F000, d, N, "\r\n");
	tmp_path(f, "fw.hex", path);
	write_file(path, b.data, b.len);
	assert_non_null(strstr(buf_str(&b), ":020000040801F1\r\n"));
	expect_file_equals(path, 0x0800F000, d, N, IMAGE_IHEX);
	buf_reset(&b);
	write_srec(&b, 2, 0x00F000, d, N);
	tmp_path(f, "fw.s28", path);
	write_file(path, b.data, b.len);
	expect_file_equals(path, 0x00F000, d, N, IMAGE_SREC);
	buf_reset(&b);
	write_srec(&b, 3, 0x0800F000, d, N);
	tmp_path(f, "fw.s37", path);
	write_file(path, b.data, b.len);
	expect_file_equals(path, 0x0800F000, d, N, IMAGE_SREC);
	/* a raw binary forced at a load address */
	tmp_path(f, "fw.bin", path);
	write_file(path, d, N);
	expect_file_equals(path, 0, d, N, IMAGE_RAW);
	buf_free(&b);
	free(d);
}

/* Files read in blocks: a CRLF split across two blocks is still one line end. */
static void test_crlf_across_blocks(void **state)
{
	struct fixture *f = *state;
	enum { N = 20 << 10 };
	uint8_t *d = malloc(N);
	struct buf b = { 0 };
	char path[PATH_MAX];
	bool split_seen = false;
	size_t first;

	assert_non_null(d);
	random_bytes(d, N, 7);
	tmp_path(f, "split.hex", path);
	for (first = 1; first <= 77; first++) {
		buf_reset(&b);
		ihex_rec(&b, 0, 0, d, first, "\r\n");
		write_ihex64k(&b, (uint32_t)first, d + first, N - first, "\r\n");
		if (b.data[16383] == '\r' && b.data[16384] == '\n')
			split_seen = true;
		write_file(path, b.data, b.len);
		expect_file_equals(path, 0, d, N, IMAGE_IHEX);
	}
	assert_true(split_seen);
	buf_free(&b);
	free(d);
}

/* LF, CR, CRLF, a missing last line end and trailing blank lines are all fine. */
static void test_line_ends(void **state)
{
	static const char *const texts[] = {
		":0400000001020304F2\n:00000001FF\n",
		":0400000001020304F2\r:00000001FF\r",
		":0400000001020304F2\r\n:00000001FF\r\n",
		":0400000001020304F2\n:00000001FF",
		":0400000001020304f2\n:00000001ff\n\n\r\n  \n\x1a",
		"S107000001020304EE\nS9030000FC\n\n",
	};
	struct image img;
	struct error e = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		assert_int_equal(parse_text(&img, "fw", texts[i], &e), 0);
		expect_segment(&img, 0, 0, "\x01\x02\x03\x04", 4);
		image_free(&img);
	}
}

/* Every malformed Intel HEX file is refused with its line. */
static void test_ihex_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ ":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F79\n:00000001FF\n",
		  "fw.hex:2: checksum 0x79, expected 0x78" },
		{ ":10000000000102030405060708090A0B0C0D0E0G78\n:00000001FF\n",
		  "fw.hex:1: bad hex digit 'G' in column 41" },
		{ ":0400000001020304F2\n:00 000001FF\n",
		  "fw.hex:2: bad hex digit 0x20 in column 4" },
		{ ":10000000000102030405060708090A0B0C0D0E0F7\n:00000001FF\n",
		  "fw.hex:1: odd number of hex digits (41)" },
		{ ":000000FF\n", "fw.hex:1: record of 4 bytes, the shortest is 5" },
		{ ":\n", "fw.hex:1: record of 0 bytes, the shortest is 5" },
		{ ":0400000001020304F2\n:11000000000102030405060708090A0B0C0D0E0F77\n:00000001FF\n",
		  "fw.hex:2: record length 0x11 but 0x10 bytes" },
		{ ":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F78\n",
		  "fw.hex:2: file ends without an end-of-file record" },
		{ ":020000040800F2\n:10000000000102030405060708090A0B0C0D0E0F78\n\n\n",
		  "fw.hex:2: file ends without an end-of-file record" },
		{ ":0400000001020304F2\n:00000001FF\n:0400000001020304F2\n",
		  "fw.hex:3: data after the end-of-file record" },
		{ ":0400000001020304F2\n10000000000102030405060708090A0B0C0D0E0F78\n",
		  "fw.hex:2: record does not start with ':'" },
		{ ":0400000001020304F2\n:00000006FA\n:00000001FF\n",
		  "fw.hex:2: unknown record type 0x06" },
		{ ":0100000408F3\n:00000001FF\n",
		  "fw.hex:1: extended linear address record with 1 data bytes, expected 2" },
		{ ":03000002100000EB\n", "fw.hex:1: extended segment address record with 3 data "
					 "bytes, expected 2" },
		{ ":020000051234B3\n", "fw.hex:1: start linear address record with 2 data bytes, "
				       "expected 4" },
		{ ":0400000001020304F2\n:01000001FFFF\n",
		  "fw.hex:2: end-of-file record with 1 data bytes" },
		{ ":02000004FFFFFC\n:10FFF800000102030405060708090A0B0C0D0E0F81\n:00000001FF\n",
		  "fw.hex:2: 16 bytes at 0xFFFFFFF8 run past the 4 GiB address space" },
		{ ":020000040800F2\n\n:10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n",
		  "fw.hex:2: blank line inside the file" },
		{ ":00000001FF\n", "fw.hex: no data records" },
		{ ":0000000000\n:00000001FF\n", "fw.hex: no data records" },
		{ ":0400000001020304F2\n:040000000102FF04F6\n:00000001FF\n",
		  "fw.hex:2: 0x00000002 is 0xFF here but 0x03 on line 1" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_format_error("fw.hex", cases[i].text, cases[i].msg);
}

/* A line longer than any record, and an empty file forced to Intel HEX. */
static void test_ihex_sizes(void **state)
{
	struct image img;
	struct error e = { 0 };
	struct image_opts o = { .format = IMAGE_IHEX };
	char line[702];

	(void)state;
	line[0] = ':';
	memset(line + 1, '0', 700);
	line[701] = 0;
	expect_format_error("fw.hex", line, "fw.hex:1: line of 701 characters, longer than any "
					    "record");
	image_init(&img);
	assert_int_equal(image_parse(&img, "fw.hex", (const uint8_t *)"", 0, &o, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "fw.hex: no records");
	image_free(&img);
	assert_int_equal(image_parse(&img, "fw.hex", (const uint8_t *)"\n\n", 2, &o, &e),
			 -ERR_FORMAT);
	assert_string_equal(e.text, "fw.hex: no records");
	image_free(&img);
}

/* Intel HEX start records and segment addressing. */
static void test_ihex_records(void **state)
{
	struct image img;
	struct error e = { 0 };

	(void)state;
	/* 03: CS 0x1234, IP 0x0005 -> 0x12345; 02: segment 0x1000 -> base 0x10000 */
	assert_int_equal(parse_text(&img, "fw.hex", ":0400000312340005AE\n:020000021000EC\n"
						     ":0400000001020304F2\n:00000001FF\n", &e), 0);
	assert_true(img.has_start);
	assert_int_equal(img.start, 0x12345);
	expect_segment(&img, 0, 0x10000, "\x01\x02\x03\x04", 4);
	image_free(&img);
}

/* Every malformed S-record file is refused with its line. */
static void test_srec_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "S0080000736D616C6CDE\nS1131000000102030405060708090A0B0C0D0E0F64\n"
		  "S1131010101112131415161718191A1B1C1D1E1F54\n"
		  "S1131010101112131415161718191A1B1C1D1E54\nS9030000FC\n",
		  "fw.s19:4: record length 0x13 but 0x12 bytes" },
		{ "S1131000000102030405060708090A0B0C0D0E0F65\nS9030000FC\n",
		  "fw.s19:1: checksum 0x65, expected 0x64" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS4030000FC\n",
		  "fw.s19:2: unknown record type S4" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\n"
		  "S1131010101112131415161718191A1B1C1D1E1F54\nS5030003F9\nS9030000FC\n",
		  "fw.s19:3: record count 3, but 2 data records before it" },
		{ "S0080000736D616C6CDE\nS1131000000102030405060708090A0B0C0D0E0F64\n",
		  "fw.s19:2: file ends without an S7, S8 or S9 termination record" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS9030000FC\n"
		  "S1131010101112131415161718191A1B1C1D1E1F54\n",
		  "fw.s19:3: data after the S9 termination record" },
		{ "S10200FD\nS9030000FC\n",
		  "fw.s19:1: S1 record length 0x02 is too short for a 2-byte address" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS0080000736D616C6CDE\nS9030000FC\n",
		  "fw.s19:2: S0 header after data records" },
		{ "S315FFFFFFF8000102030405060708090A0B0C0D0E0F7D\nS70500000000FA\n",
		  "fw.s19:1: 16 bytes at 0xFFFFFFF8 run past the 4 GiB address space" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS9050000AABB95\n",
		  "fw.s19:2: S9 termination record with 2 data bytes" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS1\n", "fw.s19:2: record without a length" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nX9030000FC\n",
		  "fw.s19:2: record does not start with 'S' and a type digit" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS9030000FC \n",
		  "fw.s19:2: bad hex digit 0x20 in column 11" },
		{ "S1131000000102030405060708090A0B0C0D0E0F64\nS5040001\n",
		  "fw.s19:2: record length 0x04 but 0x02 bytes" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_format_error("fw.s19", cases[i].text, cases[i].msg);
}

/* S5 and S6 record counts are checked when present. */
static void test_srec_counts(void **state)
{
	struct image img;
	struct error e = { 0 };

	(void)state;
	assert_int_equal(parse_text(&img, "fw.s37", "S107000001020304EE\nS604000001FA\n"
						     "S9030000FC\n", &e), 0);
	expect_segment(&img, 0, 0, "\x01\x02\x03\x04", 4);
	assert_int_equal(img.header[0], 0);
	image_free(&img);
	/* a count record may come before the end, counting what precedes it */
	assert_int_equal(parse_text(&img, "fw.s19", "S5030000FC\nS107000001020304EE\n"
						     "S5030001FB\nS9030000FC\n", &e), 0);
	image_free(&img);
	expect_format_error("fw.s37", "S107000001020304EE\nS604000002F9\nS9030000FC\n",
			    "fw.s37:2: record count 2, but 1 data records before it");
	expect_format_error("fw.s37", "S107000001020304EE\nS60500000100F9\nS9030000FC\n",
			    "fw.s37:2: S6 count record with 1 data bytes");
}

/* Identical duplicates merge; out-of-order records sort; conflicts name both lines. */
static void test_overlaps(void **state)
{
	struct image img;
	struct error e = { 0 };
	uint8_t want[16];
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++)
		want[i] = (uint8_t)i;
	assert_int_equal(parse_text(&img, "fw.hex", ":0400080008090A0BCE\n"
			 ":10000000000102030405060708090A0B0C0D0E0F78\n:0400080008090A0BCE\n"
			 ":00000001FF\n", &e), 0);
	assert_int_equal(img.nseg, 1);
	expect_segment(&img, 0, 0, want, 16);
	image_free(&img);
	/* a later line conflicting with an earlier, lower-addressed one */
	expect_format_error("fw.hex", ":10000000000102030405060708090A0B0C0D0E0F78\n"
				      ":0400080008090A0BCE\n:040008000809550B83\n:00000001FF\n",
			    "fw.hex:3: 0x0000000A is 0x55 here but 0x0A on line 2");
	/* the conflicting record comes first in the file */
	expect_format_error("fw.hex", ":040008000809550B83\n"
				      ":10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n",
			    "fw.hex:2: 0x0000000A is 0x0A here but 0x55 on line 1");
	/* records in reverse order: touching ones merge, one stands apart */
	assert_int_equal(parse_text(&img, "fw.hex", ":04002800AAAAAAAA2C\n"
			 ":10001000000102030405060708090A0B0C0D0E0F68\n"
			 ":10000000000102030405060708090A0B0C0D0E0F78\n:00000001FF\n", &e), 0);
	assert_int_equal(img.nseg, 2);
	assert_int_equal(img.seg[0].addr, 0);
	assert_int_equal(img.seg[0].len, 32);
	assert_memory_equal(img.seg[0].data + 16, want, 16);
	expect_segment(&img, 1, 0x28, "\xAA\xAA\xAA\xAA", 4);
	assert_int_equal(image_gap_count(&img), 1);
	assert_int_equal(image_gap(&img, 0).addr, 0x20);
	assert_int_equal(image_gap(&img, 0).len, 8);
	image_free(&img);
}

/* image_add: insert, extend, bridge several segments, conflicts, 4 GiB. */
static void test_add(void **state)
{
	struct image img;
	struct error e = { 0 };
	uint8_t d[0x200];

	(void)state;
	memset(d, 0x11, sizeof d);
	image_init(&img);
	assert_int_equal(image_add(&img, 0x100, d, 4, &e), 0);
	assert_int_equal(image_add(&img, 0x200, d, 4, &e), 0);
	assert_int_equal(image_add(&img, 0x000, d, 4, &e), 0);
	assert_int_equal(img.nseg, 3);
	assert_int_equal(image_add(&img, 0x104, d, 4, &e), 0); /* touching: extends */
	assert_int_equal(img.nseg, 3);
	assert_int_equal(img.seg[1].len, 8);
	assert_int_equal(image_add(&img, 0x0FE, d, 4, &e), 0); /* before and into */
	assert_int_equal(img.seg[1].addr, 0xFE);
	assert_int_equal(img.seg[1].len, 10);
	assert_int_equal(img.total, 18);
	assert_int_equal(image_add(&img, 0x002, d, 0x200, &e), 0); /* bridges all three */
	assert_int_equal(img.nseg, 1);
	assert_int_equal(img.seg[0].len, 0x204);
	assert_int_equal(img.total, 0x204);
	assert_true(image_covers(&img, 0, 0x204));
	assert_false(image_covers(&img, 0, 0x205));
	assert_int_equal(image_add(&img, 0x10, "\x11\x22", 2, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "0x00000011 already holds 0x11, not 0x22");
	assert_int_equal(img.total, 0x204);
	assert_int_equal(image_add(&img, 0xFFFFFFFC, d, 4, &e), 0);
	assert_int_equal(image_span(&img).len, (uint64_t)1 << 32);
	assert_int_equal(image_add(&img, 0xFFFFFFFD, d, 4, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "4 bytes at 0xFFFFFFFD run past 4 GiB");
	assert_int_equal(image_add(&img, 0x1000, d, 0, &e), 0);
	assert_int_equal(img.nseg, 2);
	image_free(&img);
	assert_int_equal(img.nseg, 0);
}

/* The size limit: raw, text and image_add. */
static void test_limit(void **state)
{
	struct image img;
	struct error e = { 0 };
	struct image_opts o = { .limit = 16 };
	uint8_t d[17] = { 0 };
	const char *hex = ":10000000000102030405060708090A0B0C0D0E0F78\n"
			  ":0400200001020304D2\n:00000001FF\n";

	(void)state;
	image_init(&img);
	assert_int_equal(image_parse(&img, "fw.bin", d, 16, &o, &e), 0);
	image_free(&img);
	image_init(&img);
	assert_int_equal(image_parse(&img, "fw.bin", d, 17, &o, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "fw.bin: larger than the limit of 16 bytes");
	image_free(&img);
	image_init(&img);
	o.format = IMAGE_IHEX;
	assert_int_equal(image_parse(&img, "fw.hex", (const uint8_t *)hex, strlen(hex), &o, &e),
			 -ERR_FORMAT);
	assert_string_equal(e.text, "fw.hex: more than 16 bytes of data");
	image_free(&img);
	image_init(&img);
	img.limit = 4;
	assert_int_equal(image_add(&img, 0, d, 4, &e), 0);
	assert_int_equal(image_add(&img, 2, d, 2, &e), 0); /* duplicate: no growth */
	assert_int_equal(image_add(&img, 9, d, 1, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "image larger than the limit of 4 bytes");
	image_free(&img);
	image_init(&img);
	o.format = IMAGE_RAW;
	assert_int_equal(image_parse(&img, "fw.bin", d, 0, &o, &e), -ERR_FORMAT);
	assert_string_equal(e.text, "fw.bin: empty file");
	image_free(&img);
}

/* A raw file over the limit is refused while reading. */
static void test_raw_file_limit(void **state)
{
	struct fixture *f = *state;
	struct image_opts o = { .limit = 1000, .base = 0x8000 };
	struct image img;
	struct error e = { 0 };
	char path[PATH_MAX], msg[PATH_MAX + 64];
	uint8_t d[1001];

	random_bytes(d, sizeof d, 3);
	tmp_path(f, "big.bin", path);
	write_file(path, d, sizeof d);
	image_init(&img);
	assert_int_equal(image_read(&img, path, &o, &e), -ERR_FORMAT);
	snprintf(msg, sizeof msg, "%s: larger than the limit of 1000 bytes", path);
	assert_string_equal(e.text, msg);
	image_free(&img);
	write_file(path, d, 1000);
	image_init(&img);
	assert_int_equal(image_read(&img, path, &o, &e), 0);
	expect_segment(&img, 0, 0x8000, d, 1000);
	image_free(&img);
}

/* Flattening fills gaps and the outside of the image with the fill byte. */
static void test_flatten(void **state)
{
	struct image img;
	struct error e = { 0 };
	uint8_t out[12];

	(void)state;
	image_init(&img);
	assert_int_equal(image_add(&img, 0x10, "\x01\x02", 2, &e), 0);
	assert_int_equal(image_add(&img, 0x14, "\x03\x04", 2, &e), 0);
	assert_int_equal(image_flatten(&img, 0x0E, 10, out, &e), 0);
	assert_memory_equal(out, "\xFF\xFF\x01\x02\xFF\xFF\x03\x04\xFF\xFF", 10);
	img.fill = 0x00;
	assert_int_equal(image_flatten(&img, 0x11, 4, out, &e), 0);
	assert_memory_equal(out, "\x02\x00\x00\x03", 4);
	assert_int_equal(image_flatten(&img, 0x20, 3, out, &e), 0);
	assert_memory_equal(out, "\x00\x00\x00", 3);
	assert_int_equal(image_flatten(&img, 0xFFFFFFFF, 2, out, &e), -ERR_ARG);
	assert_int_equal(image_flatten(&img, 0xFFFFFFFF, 1, out, &e), 0);
	image_free(&img);
}

/* SHA-256 of the flattened span, and saving it as a raw file. */
static void test_sha_and_write(void **state)
{
	struct fixture *f = *state;
	struct image img, back;
	struct error e = { 0 };
	char path[PATH_MAX], h1[65], h2[65];
	uint64_t size = 0;

	image_init(&img);
	image_sha256(&img, h1);
	assert_string_equal(h1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	tmp_path(f, "out.bin", path);
	assert_int_equal(image_write_raw(&img, path, &e), -ERR_ARG);
	assert_int_equal(image_add(&img, 0x1000, "abc", 3, &e), 0);
	image_sha256(&img, h1);
	assert_string_equal(h1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(image_add(&img, 0x1005, "d", 1, &e), 0);
	image_sha256(&img, h1);
	sha256_hex("abc\xFF\xFF" "d", 6, h2);
	assert_string_equal(h1, h2);
	assert_int_equal(image_write_raw(&img, path, &e), 0);
	assert_int_equal(sha256_file_hex(path, h2, &size), 0);
	assert_int_equal(size, 6);
	assert_string_equal(h1, h2);
	image_init(&back);
	assert_int_equal(image_read(&back, path, NULL, &e), 0);
	expect_segment(&back, 0, 0, "abc\xFF\xFF" "d", 6);
	image_free(&back);
	img.limit = 5;
	assert_int_equal(image_write_raw(&img, path, &e), -ERR_NOMEM);
	image_free(&img);
}

/* Check values of the standard CRCs ("123456789"). */
static void test_crc_check_values(void **state)
{
	static const struct {
		struct image_crc p;
		uint32_t check;
	} presets[] = {
		{ { 32, 0x04C11DB7, 0xFFFFFFFF, true, true, 0xFFFFFFFF }, 0xCBF43926 },  /* IEEE */
		{ { 32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0xFFFFFFFF }, 0xFC891918 }, /* BZIP2 */
		{ { 32, 0x04C11DB7, 0xFFFFFFFF, false, false, 0 }, 0x0376E6E7 },         /* MPEG-2 */
		{ { 32, 0x1EDC6F41, 0xFFFFFFFF, true, true, 0xFFFFFFFF }, 0xE3069283 },  /* C */
		{ { 16, 0x1021, 0xFFFF, false, false, 0 }, 0x29B1 },                     /* CCITT-FALSE */
		{ { 16, 0x8005, 0, true, true, 0 }, 0xBB3D },                            /* ARC */
		{ { 16, 0x1021, 0, false, false, 0 }, 0x31C3 },                          /* XMODEM */
		{ { 16, 0x1021, 0, true, true, 0 }, 0x2189 },                            /* KERMIT */
		{ { 16, 0x8005, 0xFFFF, true, true, 0 }, 0x4B37 },                       /* MODBUS */
		{ { 8, 0x07, 0, false, false, 0 }, 0xF4 },                               /* SMBUS */
		{ { 7, 0x09, 0, false, false, 0 }, 0x75 },                               /* MMC */
		{ { 5, 0x05, 0x1F, true, true, 0x1F }, 0x19 },                           /* USB */
		{ { 6, 0x2F, 0, false, false, 0x3F }, 0x13 },                            /* GSM */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof presets / sizeof presets[0]; i++)
		assert_int_equal(image_crc(&presets[i].p, CHECK, 9), presets[i].check);
	assert_int_equal(image_crc32(CHECK, 9), 0xCBF43926);
	assert_int_equal(image_crc16_ccitt(CHECK, 9), 0x29B1);
	assert_int_equal(image_crc16(CHECK, 9), 0xBB3D);
	assert_int_equal(image_crc32("", 0), 0);
	assert_int_equal(image_crc(&(struct image_crc){ 33, 1, 0, false, false, 0 }, CHECK, 9), 0);
}

/* Additive sums of bytes and of words in both byte orders. */
static void test_sums(void **state)
{
	static const struct {
		struct image_sum p;
		uint32_t want;
	} cases[] = {
		{ { 8, 1, false }, 0xDD },       { { 16, 1, false }, 0x01DD },
		{ { 32, 1, true }, 0x01DD },     { { 16, 2, true }, 0x09D4 },
		{ { 32, 2, true }, 0x109D4 },    { { 16, 2, false }, 0xD509 },
		{ { 32, 4, true }, 0x9F686A6C }, { { 32, 4, false }, 0x6C6A689F },
		{ { 16, 4, true }, 0x6A6C },     { { 8, 2, true }, 0xD4 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(image_sum(&cases[i].p, CHECK, 9), cases[i].want);
	assert_int_equal(image_sum(&(struct image_sum){ 24, 1, false }, CHECK, 9), 0);
	assert_int_equal(image_sum(&(struct image_sum){ 16, 3, false }, CHECK, 9), 0);
}

/* CRCs and sums over image ranges see the fill byte in gaps. */
static void test_range_checksums(void **state)
{
	struct image img;
	struct error e = { 0 };
	struct image_sum s16 = { 16, 2, true };
	uint8_t flat[0x40];
	uint32_t v = 0;

	(void)state;
	image_init(&img);
	assert_int_equal(image_add(&img, 0x100, CHECK, 9, &e), 0);
	assert_int_equal(image_add(&img, 0x120, CHECK, 9, &e), 0);
	assert_int_equal(image_range_crc(&img, &image_crc32_ieee, 0x100, 9, &v, &e), 0);
	assert_int_equal(v, 0xCBF43926);
	assert_int_equal(image_flatten(&img, 0x100, 0x40, flat, &e), 0);
	assert_int_equal(image_range_crc(&img, &image_crc16_arc, 0x100, 0x40, &v, &e), 0);
	assert_int_equal(v, image_crc16(flat, 0x40));
	/* a word straddling data and fill */
	assert_int_equal(image_range_sum(&img, &s16, 0x100, 0x40, &v, &e), 0);
	assert_int_equal(v, image_sum(&s16, flat, 0x40));
	assert_int_equal(image_range_sum(&img, &s16, 0x108, 2, &v, &e), 0);
	assert_int_equal(v, 0x39FF);
	assert_int_equal(image_range_crc(&img, &image_crc32_ieee, 0xFFFFFFF0, 0x20, &v, &e),
			 -ERR_ARG);
	assert_int_equal(image_range_crc(&img, &(struct image_crc){ 0 }, 0, 1, &v, &e), -ERR_ARG);
	assert_int_equal(image_range_sum(&img, &(struct image_sum){ 0 }, 0, 1, &v, &e), -ERR_ARG);
	image_free(&img);
}

/* Patching a CRC-32: stored big- or little-endian, 1 when changed, 0 when right. */
static void test_patch_crc32(void **state)
{
	struct image img;
	struct error e = { 0 };
	uint32_t old = 1, now = 1;
	uint8_t d[13];

	(void)state;
	memcpy(d, CHECK "\0\0\0\0", 13);
	image_init(&img);
	assert_int_equal(image_add(&img, 0x2000, d, 13, &e), 0);
	assert_int_equal(image_patch_crc32(&img, 0x2000, 9, 0x2009, true, &old, &now, &e), 1);
	assert_int_equal(old, 0);
	assert_int_equal(now, 0xCBF43926);
	assert_memory_equal(img.seg[0].data + 9, "\xCB\xF4\x39\x26", 4);
	assert_int_equal(image_patch_crc32(&img, 0x2000, 9, 0x2009, true, &old, &now, &e), 0);
	assert_int_equal(old, 0xCBF43926);
	assert_int_equal(image_patch_crc32(&img, 0x2000, 9, 0x2009, false, &old, &now, &e), 1);
	assert_int_equal(old, 0x2639F4CB);
	assert_memory_equal(img.seg[0].data + 9, "\x26\x39\xF4\xCB", 4);
	/* the store address inside the range, outside the image, half outside */
	assert_int_equal(image_patch_crc32(&img, 0x2000, 10, 0x2009, true, &old, &now, &e), -ERR_ARG);
	assert_string_equal(e.text, "checksum address 0x00002009 lies inside the range it covers");
	assert_int_equal(image_patch_crc32(&img, 0x2000, 9, 0x3000, true, &old, &now, &e), -ERR_ARG);
	assert_string_equal(e.text, "checksum address 0x00003000 (4 bytes) is not in the image");
	assert_int_equal(image_patch_crc32(&img, 0x2000, 9, 0x200B, true, NULL, NULL, &e), -ERR_ARG);
	assert_memory_equal(img.seg[0].data + 9, "\x26\x39\xF4\xCB", 4);
	image_free(&img);
}

/* Patching CRC-16 and additive sums, and a CRC in front of its range. */
static void test_patch_crc16_and_sum(void **state)
{
	struct image img;
	struct error e = { 0 };
	struct image_sum s8 = { 8, 1, false }, s32 = { 32, 2, true };
	uint32_t old = 0, now = 0;
	uint8_t d[16] = { 0x12, 0x34 };

	(void)state;
	memcpy(d + 2, CHECK, 9);
	image_init(&img);
	assert_int_equal(image_add(&img, 0, d, 16, &e), 0);
	assert_int_equal(image_patch_crc16_ccitt(&img, 2, 9, 0, true, &old, &now, &e), 1);
	assert_int_equal(old, 0x1234);
	assert_int_equal(now, 0x29B1);
	assert_memory_equal(img.seg[0].data, "\x29\xB1", 2);
	assert_int_equal(image_patch_crc(&img, &image_crc16_arc, 2, 9, 0, false, &old, &now, &e), 1);
	assert_memory_equal(img.seg[0].data, "\x3D\xBB", 2);
	assert_int_equal(image_patch_sum(&img, &s8, 2, 9, 11, false, &old, &now, &e), 1);
	assert_int_equal(now, 0xDD);
	assert_int_equal(img.seg[0].data[11], 0xDD);
	assert_int_equal(image_patch_sum(&img, &s8, 2, 9, 11, false, &old, &now, &e), 0);
	assert_int_equal(image_patch_sum(&img, &s32, 2, 9, 12, true, &old, &now, &e), 1);
	assert_int_equal(now, 0x109D4);
	assert_memory_equal(img.seg[0].data + 12, "\x00\x01\x09\xD4", 4);
	assert_int_equal(image_patch_sum(&img, &s32, 2, 9, 12, false, &old, &now, &e), 1);
	assert_int_equal(old, 0xD4090100);
	assert_memory_equal(img.seg[0].data + 12, "\xD4\x09\x01\x00", 4);
	assert_int_equal(image_patch_sum(&img, &s32, 2, 9, 13, false, &old, &now, &e), -ERR_ARG);
	image_free(&img);
}

/* Mutated files never crash: every byte flip is read or refused as malformed. */
static void test_hostile_input(void **state)
{
	static const char *const seeds[] = {
		":020000040800F2\r\n:10000000000102030405060708090A0B0C0D0E0F78\r\n"
		":0400000508000101ED\r\n:00000001FF\r\n",
		"S0080000736D616C6CDE\nS1131000000102030405060708090A0B0C0D0E0F64\n"
		"S5030001FB\nS9030000FC\n",
	};
	struct image img;
	struct error e = { 0 };
	uint8_t text[256];
	uint32_t rnd = 99;
	size_t s, i, n, ok = 0;

	(void)state;
	for (s = 0; s < 2; s++) {
		n = strlen(seeds[s]);
		for (i = 0; i < 4000; i++) {
			memcpy(text, seeds[s], n);
			rnd = rnd * 1103515245u + 12345u;
			text[(rnd >> 8) % n] = (uint8_t)(rnd >> 20);
			rnd = rnd * 1103515245u + 12345u;
			text[(rnd >> 8) % n] ^= (uint8_t)(rnd >> 20);
			image_init(&img);
			if (image_parse(&img, "x", text, (rnd >> 3) % 2 ? n : (rnd >> 4) % n, NULL, &e) == 0)
				ok++;
			else
				assert_true(e.kind == ERR_FORMAT);
			image_free(&img);
		}
	}
	assert_true(ok > 0);
}

/* Thousands of records in reverse order merge quickly into one segment. */
static void test_reverse_order(void **state)
{
	enum { N = 1 << 20, RECORDS = N / 16 };
	uint8_t *d = malloc(N);
	struct buf b = { 0 };
	struct image img;
	struct error e = { 0 };
	uint8_t ext[2];
	size_t r;
	clock_t t0 = clock();

	(void)state;
	assert_non_null(d);
	random_bytes(d, N, 5);
	b.limit = 64 << 20;
	for (r = RECORDS; r-- > 0;) {
		ext[0] = 0;
		ext[1] = (uint8_t)(r * 16 >> 16);
		ihex_rec(&b, 4, 0, ext, 2, "\n");
		ihex_rec(&b, 0, (unsigned)(r * 16 & 0xFFFF), d + r * 16, 16, "\n");
	}
	ihex_rec(&b, 1, 0, NULL, 0, "\n");
	image_init(&img);
	assert_int_equal(image_parse(&img, "rev.hex", b.data, b.len, NULL, &e), 0);
	assert_int_equal(img.nseg, 1);
	expect_segment(&img, 0, 0, d, N);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 60.0);
	image_free(&img);
	buf_free(&b);
	free(d);
}

/* Runs every image test as one group. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_ihex_fixture),
		cmocka_unit_test(test_srec_fixtures),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test_setup_teardown(test_generated_64k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_across_blocks, setup, teardown),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_ihex_errors),
		cmocka_unit_test(test_ihex_sizes),
		cmocka_unit_test(test_ihex_records),
		cmocka_unit_test(test_srec_errors),
		cmocka_unit_test(test_srec_counts),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_limit),
		cmocka_unit_test_setup_teardown(test_raw_file_limit, setup, teardown),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test_setup_teardown(test_sha_and_write, setup, teardown),
		cmocka_unit_test(test_crc_check_values),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_range_checksums),
		cmocka_unit_test(test_patch_crc32),
		cmocka_unit_test(test_patch_crc16_and_sum),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_reverse_order),
	};

	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
