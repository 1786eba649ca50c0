/* mkimage.c: makes flash images for the shell tests, without obdcon's own
 * code (so a bug there cannot hide in the test's expectations):
 *
 *   mkimage raw FILE SIZE SEED          SIZE bytes of deterministic noise
 *   mkimage put FILE OFFSET TEXT        TEXT's bytes written at OFFSET
 *   mkimage crc32 FILE FROM LEN AT      CRC-32 (IEEE, as zlib) of LEN bytes
 *                                       from FROM, stored big-endian at AT
 *   mkimage sum16 FILE FROM LEN AT      16-bit sum of the bytes, big-endian
 *   mkimage ihex IN OUT BASE            IN as Intel HEX records from BASE
 *   mkimage srec IN OUT BASE            IN as Motorola S3 records from BASE
 *
 * Numbers may be decimal or 0x-hex. Exit status 0, or 1 with a message. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints a message and exits with status 1. */
static void die(const char *what, const char *detail)
{
	fprintf(stderr, "mkimage: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

/* A number argument. */
static unsigned long num(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s)
		die("not a number", s);
	return v;
}

/* Reads a whole file; *n gets its length. */
static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("cannot read", path);
	p = malloc((size_t)len + 1);
	if (p == NULL || fread(p, 1, (size_t)len, f) != (size_t)len)
		die("cannot read", path);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* Writes n bytes as a whole file. */
static void spill(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		die("cannot write", path);
}

/* CRC-32 (reflected polynomial EDB88320, init and final xor FFFFFFFF). */
static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? c >> 1 ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

/* raw: SIZE bytes from a xorshift32 generator seeded with SEED. */
static void cmd_raw(char **av)
{
	size_t n = num(av[1]), i;
	uint32_t x = (uint32_t)num(av[2]) * 2654435761u + 1;
	uint8_t *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory", NULL);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 11);
	}
	spill(av[0], p, n);
	free(p);
}

/* put, crc32, sum16: change the file in place. */
static void cmd_patch(const char *what, char **av)
{
	size_t n, i;
	uint8_t *p = slurp(av[0], &n);
	unsigned long from = num(av[1]), len, at;
	uint32_t v = 0;

	if (strcmp(what, "put") == 0) {
		if (from + strlen(av[2]) > n)
			die("text past the end of", av[0]);
		memcpy(p + from, av[2], strlen(av[2]));
	} else {
		len = num(av[2]);
		at = num(av[3]);
		if (from + len > n || at + (strcmp(what, "crc32") == 0 ? 4 : 2) > n)
			die("range past the end of", av[0]);
		if (strcmp(what, "crc32") == 0) {
			v = crc32(p + from, len);
			for (i = 0; i < 4; i++)
				p[at + i] = (uint8_t)(v >> (24 - 8 * i));
		} else {
			for (i = 0; i < len; i++)
				v += p[from + i];
			p[at] = (uint8_t)(v >> 8);
			p[at + 1] = (uint8_t)v;
		}
	}
	spill(av[0], p, n);
	free(p);
}

/* One Intel HEX record. */
static void ihex_record(FILE *f, unsigned type, unsigned addr, const uint8_t *d, size_t n)
{
	unsigned sum = (unsigned)n + (addr >> 8 & 0xFF) + (addr & 0xFF) + type;
	size_t i;

	fprintf(f, ":%02X%04X%02X", (unsigned)n, addr & 0xFFFF, type);
	for (i = 0; i < n; i++) {
		fprintf(f, "%02X", d[i]);
		sum += d[i];
	}
	fprintf(f, "%02X\n", (0x100 - (sum & 0xFF)) & 0xFF);
}

/* ihex: 32-byte data records with extended linear address records. */
static void cmd_ihex(char **av)
{
	size_t n, off, k;
	uint8_t *p = slurp(av[0], &n), ela[2];
	unsigned long base = num(av[2]), upper = 0x10000;
	FILE *f = fopen(av[1], "w");

	if (f == NULL)
		die("cannot write", av[1]);
	for (off = 0; off < n; off += k) {
		unsigned long a = base + off;
		k = n - off < 32 ? n - off : 32;
		if (k > 0x10000 - (a & 0xFFFF))
			k = 0x10000 - (a & 0xFFFF);
		if (a >> 16 != upper) {
			upper = a >> 16;
			ela[0] = (uint8_t)(upper >> 8);
			ela[1] = (uint8_t)upper;
			ihex_record(f, 4, 0, ela, 2);
		}
		ihex_record(f, 0, (unsigned)(a & 0xFFFF), p + off, k);
	}
	ihex_record(f, 1, 0, NULL, 0);
	if (fclose(f) != 0)
		die("cannot write", av[1]);
	free(p);
}

/* srec: S3 records of 32 bytes, an S7 end record. */
static void cmd_srec(char **av)
{
	size_t n, off, k, i;
	uint8_t *p = slurp(av[0], &n);
	unsigned long base = num(av[2]);
	FILE *f = fopen(av[1], "w");

	if (f == NULL)
		die("cannot write", av[1]);
	for (off = 0; off < n; off += k) {
		unsigned long a = base + off;
		unsigned sum;
		k = n - off < 32 ? n - off : 32;
		sum = (unsigned)(k + 5) + (a >> 24 & 0xFF) + (a >> 16 & 0xFF) + (a >> 8 & 0xFF) +
		      (a & 0xFF);
		fprintf(f, "S3%02X%08lX", (unsigned)(k + 5), a);
		for (i = 0; i < k; i++) {
			fprintf(f, "%02X", p[off + i]);
			sum += p[off + i];
		}
		fprintf(f, "%02X\n", ~sum & 0xFF);
	}
	fprintf(f, "S70500000000FA\n");
	if (fclose(f) != 0)
		die("cannot write", av[1]);
	free(p);
}

/* Dispatches the sub-command. */
int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int args;
	} cmds[] = { { "raw", 3 }, { "put", 3 }, { "crc32", 4 }, { "sum16", 4 },
		     { "ihex", 3 }, { "srec", 3 } };
	size_t i;

	for (i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		if (argc - 2 != cmds[i].args)
			die("wrong number of arguments for", argv[1]);
		if (i == 0)
			cmd_raw(argv + 2);
		else if (i <= 3)
			cmd_patch(argv[1], argv + 2);
		else if (i == 4)
			cmd_ihex(argv + 2);
		else
			cmd_srec(argv + 2);
		return 0;
	}
	die("usage: mkimage raw|put|crc32|sum16|ihex|srec ARGS (see mkimage.c)", NULL);
	return 1;
}
