/* image.h: memory images for flashing: reading raw binary, Intel HEX and
 * Motorola S-record files into sorted, merged segments; flattening a range
 * with a fill byte; SHA-256; CRC and additive checksums computed over a
 * range and patched into the image before it is sent.
 *
 * Every input file is checked: record checksums, lengths, addresses, the
 * end record, overlaps. A malformed file is an ERR_FORMAT error that names
 * the file and line ("fw.hex:17: checksum 0x3C, expected 0x3D"). All sizes
 * are bounded by a limit (IMAGE_DEFAULT_LIMIT unless told otherwise) and
 * all address arithmetic is checked, so hostile input cannot crash us. */
#ifndef OBDCON_APP_IMAGE_H
#define OBDCON_APP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define IMAGE_DEFAULT_LIMIT ((size_t)16 << 20) /* bytes of data in one image */
#define IMAGE_DEFAULT_FILL 0xFF                 /* erased flash */
#define IMAGE_ADDR_END ((uint64_t)1 << 32)      /* addresses are 32-bit */
#define IMAGE_HEADER_MAX 64                     /* S0 text kept, printable only */

/* File formats; IMAGE_AUTO detects from the first bytes. */
enum image_format {
	IMAGE_AUTO = 0,
	IMAGE_RAW,
	IMAGE_IHEX,
	IMAGE_SREC,
};

/* One run of contiguous bytes. */
struct image_segment {
	uint32_t addr;
	size_t len;
	uint8_t *data;
	size_t cap; /* allocated bytes behind data */
};

/* A memory image: segments sorted by address, never overlapping or touching
 * (touching runs are merged); the space between two segments is a gap. */
struct image {
	struct image_segment *seg;
	size_t nseg;
	size_t segcap;
	size_t total;                      /* bytes in all segments */
	size_t limit;                      /* 0 = IMAGE_DEFAULT_LIMIT */
	uint8_t fill;                      /* byte for gaps when flattening */
	enum image_format format;          /* what the file was read as */
	bool has_start;                    /* the file named an entry point */
	uint32_t start;                    /* from IHEX 03/05 or S7/S8/S9 */
	char header[IMAGE_HEADER_MAX + 1]; /* S0 text, if any */
};

/* How to read a file. A zeroed struct (or NULL) means: detect the format,
 * raw data at address 0, the default limit. */
struct image_opts {
	enum image_format format;
	uint32_t base;   /* load address of a raw binary */
	size_t limit;    /* 0 = IMAGE_DEFAULT_LIMIT */
};

/* An address range [addr, addr + len). */
struct image_range {
	uint32_t addr;
	uint64_t len;
};

/* Empties an image and sets the defaults (fill 0xFF, default limit). */
void image_init(struct image *img);
/* Frees an image's memory and leaves it empty. */
void image_free(struct image *img);
/* Name of a format ("raw", "Intel HEX", "S-record"). */
const char *image_format_name(enum image_format f);
/* Format of file contents: ':' is Intel HEX, 'S' and a digit S-record, else raw. */
enum image_format image_detect(const uint8_t *data, size_t n);
/* Reads a file into img (which must be initialised and empty). */
int image_read(struct image *img, const char *path, const struct image_opts *opts,
	       struct error *e);
/* Parses file contents held in memory; name is used in error messages. */
int image_parse(struct image *img, const char *name, const uint8_t *data, size_t n,
		const struct image_opts *opts, struct error *e);
/* Adds bytes at addr, merging with touching segments; overlapping bytes must
 * be equal. ERR_FORMAT on a conflict, past 4 GiB or over the limit. */
int image_add(struct image *img, uint32_t addr, const void *data, size_t len,
	      struct error *e);
/* The span from the first byte to the end of the last; len 0 if empty. */
struct image_range image_span(const struct image *img);
/* Number of gaps (holes between segments). */
size_t image_gap_count(const struct image *img);
/* The i-th gap, in address order. */
struct image_range image_gap(const struct image *img, size_t i);
/* True if every byte of [addr, addr + len) is in a segment. */
bool image_covers(const struct image *img, uint32_t addr, uint64_t len);
/* Copies [start, start + len) into out, gaps filled with img->fill. */
int image_flatten(const struct image *img, uint32_t start, size_t len, uint8_t *out,
		  struct error *e);
/* SHA-256 of the flattened span, as 64 lower-case hex digits. */
void image_sha256(const struct image *img, char hex[65]);
/* Writes the flattened span to path atomically (a module read-out). */
int image_write_raw(const struct image *img, const char *path, struct error *e);

/* A CRC in the Rocksoft model: width 1..32 bits, polynomial (normal form),
 * initial register, input/output reflection, final XOR. */
struct image_crc {
	unsigned width;
	uint32_t poly;
	uint32_t init;
	bool refin;
	bool refout;
	uint32_t xorout;
};

extern const struct image_crc image_crc16_ccitt_false; /* 1021, init FFFF */
extern const struct image_crc image_crc16_arc;         /* 8005 reflected */
extern const struct image_crc image_crc32_ieee;        /* 04C11DB7 reflected, xor FFFFFFFF */

/* CRC of a buffer with any parameters. */
uint32_t image_crc(const struct image_crc *p, const void *data, size_t n);
/* CRC-16/CCITT-FALSE of a buffer ("123456789" gives 0x29B1). */
uint16_t image_crc16_ccitt(const void *data, size_t n);
/* CRC-16/ARC of a buffer ("123456789" gives 0xBB3D). */
uint16_t image_crc16(const void *data, size_t n);
/* CRC-32 (IEEE 802.3, zlib) of a buffer ("123456789" gives 0xCBF43926). */
uint32_t image_crc32(const void *data, size_t n);

/* An additive checksum: addends of word bytes (1, 2 or 4, read big- or
 * little-endian) summed modulo 2^width (width 8, 16 or 32). */
struct image_sum {
	unsigned width;
	unsigned word;
	bool big_endian;
};

/* Additive sum of a buffer; a trailing partial word is padded with zeros. */
uint32_t image_sum(const struct image_sum *p, const void *data, size_t n);
/* CRC over [start, start + len) of the flattened image. */
int image_range_crc(const struct image *img, const struct image_crc *p, uint32_t start,
		    size_t len, uint32_t *out, struct error *e);
/* Additive sum over [start, start + len) of the flattened image. */
int image_range_sum(const struct image *img, const struct image_sum *p, uint32_t start,
		    size_t len, uint32_t *out, struct error *e);
/* Computes a CRC over a range and stores it ((width + 7) / 8 bytes) at
 * store_addr, which must lie in the image and outside the range. Sets *old
 * and *new_value; returns 1 if the stored value changed, 0 if it was right. */
int image_patch_crc(struct image *img, const struct image_crc *p, uint32_t range_start,
		    size_t range_len, uint32_t store_addr, bool big_endian, uint32_t *old,
		    uint32_t *new_value, struct error *e);
/* image_patch_crc with CRC-32/IEEE. */
int image_patch_crc32(struct image *img, uint32_t range_start, size_t range_len,
		      uint32_t store_addr, bool big_endian, uint32_t *old, uint32_t *new_value,
		      struct error *e);
/* image_patch_crc with CRC-16/CCITT-FALSE. */
int image_patch_crc16_ccitt(struct image *img, uint32_t range_start, size_t range_len,
			    uint32_t store_addr, bool big_endian, uint32_t *old,
			    uint32_t *new_value, struct error *e);
/* Computes an additive sum over a range and stores it (width / 8 bytes) at
 * store_addr, like image_patch_crc. */
int image_patch_sum(struct image *img, const struct image_sum *p, uint32_t range_start,
		    size_t range_len, uint32_t store_addr, bool big_endian, uint32_t *old,
		    uint32_t *new_value, struct error *e);

#endif
