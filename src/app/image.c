/* image.c: memory images for flashing: raw, Intel HEX and S-record readers,
 * segment merging, flattening, SHA-256, CRCs and additive sums.
 *
 * Text formats are read line by line into chunks (address, bytes, line);
 * at the end the chunks are sorted by address and merged into segments, so
 * records may come in any order without quadratic copying, and a conflict
 * names both lines involved.
 *
 * Addresses are linear: a record's bytes run on past a 64 KiB boundary (no
 * wrap inside an Intel HEX segment), and bytes past 0xFFFFFFFF are an error
 * rather than wrapping to 0. */
#include "config.h"
#include "app/image.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/sha256.h"

#define LINE_MAX_CHARS 600 /* longest valid record is 521 characters */
#define RECORD_MAX 300     /* bytes of one decoded record (line cap / 2) */
#define CHUNK_MAX 255      /* data bytes of one record, at most */
#define READ_BLOCK 16384

/* Outcome of adding bytes to the segment list. */
enum add_result {
	ADD_OK = 0,
	ADD_CONFLICT, /* different bytes at an address already filled */
	ADD_PAST_END, /* runs past 4 GiB */
	ADD_LIMIT,    /* the image would exceed its limit */
	ADD_NOMEM,
};

/* One data record waiting to be merged. */
struct chunk {
	uint32_t addr;
	uint32_t len;
	size_t off;  /* into the pool */
	size_t line; /* where it came from */
};

/* Bytes of a file, from memory or pulled from a stream in blocks. */
struct src {
	FILE *f;
	const uint8_t *mem;
	size_t len;
	size_t pos;
	uint8_t block[READ_BLOCK];
};

/* State of one text file being parsed. */
struct parse {
	const char *name;
	struct image *img;
	struct error *e;
	size_t line;
	size_t blank_line; /* first blank line seen, 0 if none yet */
	bool ended;        /* end or termination record seen */
	char end_name[4];  /* how that record is called in messages */
	size_t ndata;      /* data records so far (for S5/S6) */
	struct chunk *chunks;
	size_t nchunks;
	size_t capchunks;
	struct buf pool;
};

/* Empties an image and sets the defaults. */
void image_init(struct image *img)
{
	memset(img, 0, sizeof *img);
	img->fill = IMAGE_DEFAULT_FILL;
}

/* Frees an image's memory; the limit and fill stay. */
void image_free(struct image *img)
{
	size_t limit = img->limit;
	uint8_t fill = img->fill;
	size_t i;

	for (i = 0; i < img->nseg; i++)
		free(img->seg[i].data);
	free(img->seg);
	image_init(img);
	img->limit = limit;
	img->fill = fill;
}

/* Name of a format. */
const char *image_format_name(enum image_format f)
{
	switch (f) {
	case IMAGE_RAW:
		return "raw";
	case IMAGE_IHEX:
		return "Intel HEX";
	case IMAGE_SREC:
		return "S-record";
	default:
		return "auto";
	}
}

/* Format of file contents from its first bytes. */
enum image_format image_detect(const uint8_t *data, size_t n)
{
	if (n >= 1 && data[0] == ':')
		return IMAGE_IHEX;
	if (n >= 2 && data[0] == 'S' && data[1] >= '0' && data[1] <= '9')
		return IMAGE_SREC;
	return IMAGE_RAW;
}

/* The image's limit in bytes. */
static size_t image_limit(const struct image *img)
{
	return img->limit ? img->limit : IMAGE_DEFAULT_LIMIT;
}

/* First address past a segment. */
static uint64_t seg_end(const struct image_segment *s)
{
	return (uint64_t)s->addr + s->len;
}

/* Index of the first segment whose end is at or past addr. */
static size_t first_reaching(const struct image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->nseg;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (seg_end(&img->seg[mid]) < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Finds the first address in [a, b) where s and the new bytes d differ. */
static bool seg_conflict(const struct image_segment *s, uint64_t a, uint64_t b,
			 const uint8_t *d, uint64_t *where)
{
	uint64_t lo = a > s->addr ? a : s->addr;
	uint64_t hi = b < seg_end(s) ? b : seg_end(s);
	uint64_t x;

	if (lo >= hi || memcmp(s->data + (lo - s->addr), d + (lo - a), hi - lo) == 0)
		return false;
	for (x = lo; s->data[x - s->addr] == d[x - a]; x++)
		;
	*where = x;
	return true;
}

/* Makes room for one more segment. */
static int seg_reserve(struct image *img)
{
	struct image_segment *p;
	size_t cap;

	if (img->nseg < img->segcap)
		return 0;
	cap = img->segcap ? img->segcap * 2 : 8;
	p = realloc(img->seg, cap * sizeof *p);
	if (p == NULL)
		return -1;
	img->seg = p;
	img->segcap = cap;
	return 0;
}

/* Inserts a new segment holding a copy of d at index i. */
static enum add_result seg_insert(struct image *img, size_t i, uint32_t a, const uint8_t *d,
				  size_t n)
{
	uint8_t *copy;

	if (seg_reserve(img) < 0 || (copy = malloc(n)) == NULL)
		return ADD_NOMEM;
	memcpy(copy, d, n);
	memmove(img->seg + i + 1, img->seg + i, (img->nseg - i) * sizeof *img->seg);
	img->seg[i] = (struct image_segment){ .addr = a, .len = n, .data = copy, .cap = n };
	img->nseg++;
	img->total += n;
	return ADD_OK;
}

/* Grows segment s at its end to reach b, copying from d (which starts at a). */
static enum add_result seg_extend(struct image *img, struct image_segment *s, uint64_t a,
				  const uint8_t *d, uint64_t b)
{
	size_t newlen = (size_t)(b - s->addr);
	size_t old = s->len;

	if (newlen > s->cap) {
		size_t cap = s->cap * 2 > newlen ? s->cap * 2 : newlen;
		uint8_t *p;
		if (cap > image_limit(img))
			cap = newlen;
		p = realloc(s->data, cap);
		if (p == NULL)
			return ADD_NOMEM;
		s->data = p;
		s->cap = cap;
	}
	memcpy(s->data + old, d + (seg_end(s) - a), newlen - old);
	s->len = newlen;
	img->total += newlen - old;
	return ADD_OK;
}

/* Replaces segments [i, j) with one covering them and [a, b). */
static enum add_result seg_join(struct image *img, size_t i, size_t j, uint64_t a,
				const uint8_t *d, uint64_t b)
{
	uint64_t lo = a < img->seg[i].addr ? a : img->seg[i].addr;
	uint64_t hi = b > seg_end(&img->seg[j - 1]) ? b : seg_end(&img->seg[j - 1]);
	size_t n = (size_t)(hi - lo), k, was = 0;
	uint8_t *p = malloc(n);

	if (p == NULL)
		return ADD_NOMEM;
	for (k = i; k < j; k++) {
		memcpy(p + (img->seg[k].addr - lo), img->seg[k].data, img->seg[k].len);
		was += img->seg[k].len;
		free(img->seg[k].data);
	}
	memcpy(p + (a - lo), d, (size_t)(b - a));
	img->seg[i] = (struct image_segment){ .addr = (uint32_t)lo, .len = n, .data = p, .cap = n };
	memmove(img->seg + i + 1, img->seg + j, (img->nseg - j) * sizeof *img->seg);
	img->nseg -= j - i - 1;
	img->total = img->total - was + n;
	return ADD_OK;
}

/* Bytes a merge of segments [i, j) with [a, b) would add to the total. */
static uint64_t merge_growth(const struct image *img, size_t i, size_t j, uint64_t a, uint64_t b)
{
	uint64_t lo, hi, was = 0;
	size_t k;

	if (i == j)
		return b - a;
	lo = a < img->seg[i].addr ? a : img->seg[i].addr;
	hi = b > seg_end(&img->seg[j - 1]) ? b : seg_end(&img->seg[j - 1]);
	for (k = i; k < j; k++)
		was += img->seg[k].len;
	return hi - lo - was;
}

/* True if growing the image by n bytes would take it over its limit. */
static bool over_limit(const struct image *img, uint64_t n)
{
	size_t limit = image_limit(img);

	return n > 0 && (img->total >= limit || n > limit - img->total);
}

/* Adds bytes at addr; on a conflict *where is the first differing address. */
static enum add_result add_range(struct image *img, uint32_t addr, const uint8_t *d, size_t n,
				 uint64_t *where)
{
	uint64_t a = addr, b = (uint64_t)addr + n;
	size_t i, j;

	if (n == 0)
		return ADD_OK;
	if (n > IMAGE_ADDR_END - a)
		return ADD_PAST_END;
	i = first_reaching(img, a);
	for (j = i; j < img->nseg && img->seg[j].addr <= b; j++)
		if (seg_conflict(&img->seg[j], a, b, d, where))
			return ADD_CONFLICT;
	/* segments [i, j) touch or overlap [a, b) */
	if (over_limit(img, merge_growth(img, i, j, a, b)))
		return ADD_LIMIT;
	if (i == j)
		return seg_insert(img, i, addr, d, n);
	if (j == i + 1 && img->seg[i].addr <= a && b <= seg_end(&img->seg[i]))
		return ADD_OK;
	if (j == i + 1 && img->seg[i].addr <= a)
		return seg_extend(img, &img->seg[i], a, d, b);
	return seg_join(img, i, j, a, d, b);
}

/* The byte at addr, or the fill byte where there is none. */
static uint8_t byte_at(const struct image *img, uint32_t addr)
{
	size_t i = first_reaching(img, (uint64_t)addr + 1);

	if (i < img->nseg && img->seg[i].addr <= addr)
		return img->seg[i].data[addr - img->seg[i].addr];
	return img->fill;
}

/* Adds bytes at addr, merging with touching segments. */
int image_add(struct image *img, uint32_t addr, const void *data, size_t len, struct error *e)
{
	uint64_t where = 0;
	const uint8_t *d = data;

	switch (add_range(img, addr, d, len, &where)) {
	case ADD_OK:
		return 0;
	case ADD_CONFLICT:
		return error_set(e, ERR_FORMAT, "0x%08" PRIX64 " already holds 0x%02X, not 0x%02X",
				 where, byte_at(img, (uint32_t)where), d[where - addr]);
	case ADD_PAST_END:
		return error_set(e, ERR_FORMAT, "%zu bytes at 0x%08" PRIX32 " run past 4 GiB", len,
				 addr);
	case ADD_LIMIT:
		return error_set(e, ERR_FORMAT, "image larger than the limit of %zu bytes",
				 image_limit(img));
	default:
		return error_set(e, ERR_NOMEM, "out of memory adding %zu bytes", len);
	}
}

/* Next byte of the source, or EOF; -2 on a read error. */
static int src_getc(struct src *s)
{
	size_t n;

	if (s->pos < s->len)
		return s->mem[s->pos++];
	if (s->f == NULL)
		return EOF;
	n = fread(s->block, 1, sizeof s->block, s->f);
	if (n == 0)
		return ferror(s->f) ? -2 : EOF;
	s->mem = s->block;
	s->len = n;
	s->pos = 1;
	return s->block[0];
}

/* Reads one line without its terminator (LF, CR or CRLF) into out. Returns
 * 1 for a line, 0 at the end, -2 on a read error. *len is the full length;
 * only the first cap bytes are stored. */
static int src_line(struct src *s, char *out, size_t cap, size_t *len)
{
	int c = src_getc(s);
	size_t n = 0;

	if (c < 0)
		return c == EOF ? 0 : -2;
	while (c >= 0 && c != '\n' && c != '\r') {
		if (n < cap)
			out[n] = (char)c;
		n++;
		c = src_getc(s);
	}
	if (c == -2)
		return -2;
	if (c == '\r' && (c = src_getc(s)) != '\n' && c >= 0)
		s->pos--; /* a lone CR: the byte read belongs to the next line */
	*len = n;
	return c == -2 ? -2 : 1;
}

/* Records a format error at the current line and returns its code. */
static int perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records a format error at the current line and returns its code. */
static int perr(struct parse *p, const char *fmt, ...)
{
	char msg[ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return error_set(p->e, ERR_FORMAT, "%s:%zu: %s", p->name, p->line, msg);
}

/* Describes a character for a message: 'G' or 0x00. */
static void describe_char(unsigned char c, char out[8])
{
	if (c >= 0x21 && c < 0x7F && c != '\'')
		snprintf(out, 8, "'%c'", c);
	else
		snprintf(out, 8, "0x%02X", c);
}

/* Decodes the hex digits of a line from column skip into out. */
static int record_bytes(struct parse *p, const char *s, size_t len, size_t skip, uint8_t *out,
			size_t *n)
{
	char what[8];
	size_t i;

	for (i = skip; i < len; i++) {
		if (hex_digit((unsigned char)s[i]) < 0) {
			describe_char((unsigned char)s[i], what);
			return perr(p, "bad hex digit %s in column %zu", what, i + 1);
		}
	}
	if ((len - skip) % 2)
		return perr(p, "odd number of hex digits (%zu)", len - skip);
	for (i = skip; i < len; i += 2)
		out[(i - skip) / 2] = (uint8_t)(hex_digit(s[i]) << 4 | hex_digit(s[i + 1]));
	*n = (len - skip) / 2;
	return 0;
}

/* Sum of bytes modulo 256. */
static uint8_t sum8(const uint8_t *d, size_t n)
{
	unsigned s = 0;

	while (n--)
		s += *d++;
	return (uint8_t)s;
}

/* Keeps one data record for the merge at the end. */
static int keep_chunk(struct parse *p, uint64_t addr, const uint8_t *d, size_t n)
{
	size_t limit = image_limit(p->img);

	p->ndata++;
	if (n == 0)
		return 0;
	if (addr + n > IMAGE_ADDR_END)
		return perr(p, "%zu bytes at 0x%08" PRIX64 " run past the 4 GiB address space", n,
			    addr);
	if (p->nchunks == p->capchunks) {
		size_t cap = p->capchunks ? p->capchunks * 2 : 256;
		struct chunk *c = realloc(p->chunks, cap * sizeof *c);
		if (c == NULL)
			return error_set(p->e, ERR_NOMEM, "%s: out of memory", p->name);
		p->chunks = c;
		p->capchunks = cap;
	}
	p->pool.limit = limit <= SIZE_MAX / 2 ? limit * 2 : SIZE_MAX;
	p->chunks[p->nchunks] = (struct chunk){ (uint32_t)addr, (uint32_t)n, p->pool.len, p->line };
	if (buf_append(&p->pool, d, n) < 0)
		return perr(p, "more than %zu bytes of data records (the limit is %zu)",
			    p->pool.limit, limit);
	p->nchunks++;
	return 0;
}

/* Checks the payload length of an Intel HEX address or start record. */
static int ihex_want(struct parse *p, const uint8_t *r, unsigned want, const char *what)
{
	if (r[0] != want)
		return perr(p, "%s record with %u data bytes, expected %u", what, r[0], want);
	return 0;
}

/* Acts on one decoded Intel HEX record r of n bytes. */
static int ihex_record(struct parse *p, const uint8_t *r, size_t n, uint64_t *base)
{
	unsigned offset = (unsigned)r[1] << 8 | r[2];
	uint32_t v16 = (uint32_t)r[4] << 8 | r[5];
	uint32_t v32 = v16 << 16 | (uint32_t)r[6] << 8 | r[7];

	switch (r[3]) {
	case 0x00:
		return keep_chunk(p, *base + offset, r + 4, n - 5);
	case 0x01:
		if (r[0] != 0)
			return perr(p, "end-of-file record with %u data bytes", r[0]);
		p->ended = true;
		return 0;
	case 0x02:
		if (ihex_want(p, r, 2, "extended segment address") < 0)
			return -ERR_FORMAT;
		*base = (uint64_t)v16 << 4;
		return 0;
	case 0x03:
	case 0x05:
		if (ihex_want(p, r, 4, r[3] == 3 ? "start segment address" : "start linear address") < 0)
			return -ERR_FORMAT;
		p->img->has_start = true;
		p->img->start = r[3] == 3 ? (v32 >> 16 << 4) + (v32 & 0xFFFF) : v32;
		return 0;
	case 0x04:
		if (ihex_want(p, r, 2, "extended linear address") < 0)
			return -ERR_FORMAT;
		*base = (uint64_t)v16 << 16;
		return 0;
	default:
		return perr(p, "unknown record type 0x%02X", r[3]);
	}
}

/* Parses one non-blank Intel HEX line. */
static int ihex_line(struct parse *p, const char *s, size_t len, uint64_t *base)
{
	uint8_t r[RECORD_MAX + 8] = { 0 };
	size_t n;
	uint8_t want;

	if (p->ended)
		return perr(p, "data after the end-of-file record");
	if (s[0] != ':')
		return perr(p, "record does not start with ':'");
	if (record_bytes(p, s, len, 1, r, &n) < 0)
		return -ERR_FORMAT;
	if (n < 5)
		return perr(p, "record of %zu bytes, the shortest is 5", n);
	if (r[0] != n - 5)
		return perr(p, "record length 0x%02X but 0x%02zX bytes", r[0], n - 5);
	want = (uint8_t)(0x100 - sum8(r, n - 1));
	if (r[n - 1] != want)
		return perr(p, "checksum 0x%02X, expected 0x%02X", r[n - 1], want);
	return ihex_record(p, r, n, base);
}

/* Address bytes of an S-record type, 0 for a type that does not exist. */
static unsigned srec_addr_len(int type)
{
	static const unsigned len[10] = { 2, 2, 3, 4, 0, 2, 3, 4, 3, 2 };

	return len[type];
}

/* Acts on one decoded S-record: type, address, data. */
static int srec_record(struct parse *p, int type, uint32_t addr, const uint8_t *d, size_t n)
{
	size_t i, k = 0;

	switch (type) {
	case 0:
		if (p->ndata > 0)
			return perr(p, "S0 header after data records");
		for (i = 0; i < n && k < IMAGE_HEADER_MAX; i++)
			if (d[i] >= 0x20 && d[i] < 0x7F)
				p->img->header[k++] = (char)d[i];
		p->img->header[k] = 0;
		return 0;
	case 1:
	case 2:
	case 3:
		return keep_chunk(p, addr, d, n);
	case 5:
	case 6:
		if (n != 0)
			return perr(p, "S%d count record with %zu data bytes", type, n);
		if (addr != p->ndata)
			return perr(p, "record count %" PRIu32 ", but %zu data records before it",
				    addr, p->ndata);
		return 0;
	default: /* 7, 8, 9 */
		if (n != 0)
			return perr(p, "S%d termination record with %zu data bytes", type, n);
		p->img->has_start = true;
		p->img->start = addr;
		p->ended = true;
		snprintf(p->end_name, sizeof p->end_name, "S%d", type);
		return 0;
	}
}

/* Parses one non-blank S-record line. */
static int srec_line(struct parse *p, const char *s, size_t len)
{
	uint8_t r[RECORD_MAX + 8] = { 0 };
	size_t n, i;
	unsigned alen;
	uint32_t addr = 0;
	uint8_t want;
	int type;

	if (p->ended)
		return perr(p, "data after the %s termination record", p->end_name);
	if (len < 2 || s[0] != 'S' || s[1] < '0' || s[1] > '9')
		return perr(p, "record does not start with 'S' and a type digit");
	type = s[1] - '0';
	if ((alen = srec_addr_len(type)) == 0)
		return perr(p, "unknown record type S%d", type);
	if (record_bytes(p, s, len, 2, r, &n) < 0)
		return -ERR_FORMAT;
	if (n == 0)
		return perr(p, "record without a length");
	if (r[0] != n - 1)
		return perr(p, "record length 0x%02X but 0x%02zX bytes", r[0], n - 1);
	if (r[0] < alen + 1)
		return perr(p, "S%d record length 0x%02X is too short for a %u-byte address", type,
			    r[0], alen);
	want = (uint8_t)~sum8(r, n - 1);
	if (r[n - 1] != want)
		return perr(p, "checksum 0x%02X, expected 0x%02X", r[n - 1], want);
	for (i = 0; i < alen; i++)
		addr = addr << 8 | r[1 + i];
	return srec_record(p, type, addr, r + 1 + alen, n - 2 - alen);
}

/* True if a line holds only spaces, tabs or a DOS end-of-file mark. */
static bool blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != 0x1A)
			return false;
	return true;
}

/* Reads every line of a text image through the format's line parser. */
static int parse_lines(struct parse *p, struct src *s, enum image_format f)
{
	char line[LINE_MAX_CHARS];
	uint64_t base = 0;
	size_t len;
	int rc;

	while ((rc = src_line(s, line, sizeof line, &len)) > 0) {
		p->line++;
		if (blank(line, len < sizeof line ? len : sizeof line)) {
			if (p->blank_line == 0)
				p->blank_line = p->line;
			continue;
		}
		if (p->blank_line) {
			p->line = p->blank_line;
			return perr(p, "blank line inside the file");
		}
		if (len > sizeof line)
			return perr(p, "line of %zu characters, longer than any record", len);
		rc = f == IMAGE_IHEX ? ihex_line(p, line, len, &base) : srec_line(p, line, len);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return error_set(p->e, ERR_IO, "%s: read error: %s", p->name, strerror(errno));
	if (p->blank_line)
		p->line = p->blank_line - 1;
	if (p->line == 0)
		return error_set(p->e, ERR_FORMAT, "%s: no records", p->name);
	if (!p->ended)
		return perr(p, "file ends without %s", f == IMAGE_IHEX ? "an end-of-file record" :
			    "an S7, S8 or S9 termination record");
	return 0;
}

/* Orders chunks by address, then by line. */
static int chunk_cmp(const void *x, const void *y)
{
	const struct chunk *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Reports a conflict at address x between sorted chunk k and an earlier one. */
static int conflict(struct parse *p, size_t k, uint64_t x)
{
	const struct chunk *c = &p->chunks[k], *o;
	uint8_t mine = p->pool.data[c->off + (x - c->addr)], theirs;
	size_t i = k;

	while (i-- > 0) {
		o = &p->chunks[i];
		if ((uint64_t)o->addr + CHUNK_MAX < x)
			break;
		if (x >= (uint64_t)o->addr + o->len)
			continue;
		theirs = p->pool.data[o->off + (x - o->addr)];
		if (theirs == mine)
			continue;
		if (o->line > c->line) {
			p->line = o->line;
			return perr(p, "0x%08" PRIX64 " is 0x%02X here but 0x%02X on line %zu", x,
				    theirs, mine, c->line);
		}
		p->line = c->line;
		return perr(p, "0x%08" PRIX64 " is 0x%02X here but 0x%02X on line %zu", x, mine,
			    theirs, o->line);
	}
	p->line = c->line;
	return perr(p, "0x%08" PRIX64 " is 0x%02X here but 0x%02X in the image", x, mine,
		    byte_at(p->img, (uint32_t)x));
}

/* Merges the kept chunks into the image's segments. */
static int build(struct parse *p)
{
	uint64_t where = 0;
	size_t k;

	if (p->nchunks > 0)
		qsort(p->chunks, p->nchunks, sizeof *p->chunks, chunk_cmp);
	for (k = 0; k < p->nchunks; k++) {
		const struct chunk *c = &p->chunks[k];
		switch (add_range(p->img, c->addr, p->pool.data + c->off, c->len, &where)) {
		case ADD_OK:
			break;
		case ADD_CONFLICT:
			return conflict(p, k, where);
		case ADD_LIMIT:
			return error_set(p->e, ERR_FORMAT, "%s: more than %zu bytes of data", p->name,
					 image_limit(p->img));
		default:
			return error_set(p->e, ERR_NOMEM, "%s: out of memory", p->name);
		}
	}
	if (p->img->nseg == 0)
		return error_set(p->e, ERR_FORMAT, "%s: no data records", p->name);
	return 0;
}

/* Parses a text image from a source. */
static int parse_text(struct image *img, const char *name, struct src *s, enum image_format f,
		      struct error *e)
{
	struct parse p = { .name = name, .img = img, .e = e };
	int rc;

	img->format = f;
	rc = parse_lines(&p, s, f);
	if (rc == 0)
		rc = build(&p);
	free(p.chunks);
	buf_free(&p.pool);
	return rc;
}

/* Loads a raw binary held in memory at the base address. */
static int parse_raw(struct image *img, const char *name, const uint8_t *d, size_t n,
		     uint32_t base, struct error *e)
{
	img->format = IMAGE_RAW;
	if (n == 0)
		return error_set(e, ERR_FORMAT, "%s: empty file", name);
	if (n > image_limit(img))
		return error_set(e, ERR_FORMAT, "%s: larger than the limit of %zu bytes", name,
				 image_limit(img));
	if (image_add(img, base, d, n, e) < 0)
		return error_wrap(e, "%s", name);
	return 0;
}

/* Applies reading options to an image; returns the format asked for. */
static enum image_format apply_opts(struct image *img, const struct image_opts *opts)
{
	if (opts && opts->limit)
		img->limit = opts->limit;
	return opts ? opts->format : IMAGE_AUTO;
}

/* Parses file contents held in memory. */
int image_parse(struct image *img, const char *name, const uint8_t *data, size_t n,
		const struct image_opts *opts, struct error *e)
{
	enum image_format f = apply_opts(img, opts);
	struct src *s;
	int rc;

	if (f == IMAGE_AUTO)
		f = image_detect(data, n);
	if (f == IMAGE_RAW)
		return parse_raw(img, name, data, n, opts ? opts->base : 0, e);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return error_set(e, ERR_NOMEM, "%s: out of memory", name);
	s->mem = data;
	s->len = n;
	rc = parse_text(img, name, s, f, e);
	free(s);
	return rc;
}

/* Reads the rest of a raw file into a buffer of at most limit bytes. */
static int slurp_raw(struct src *s, struct buf *b, size_t limit, const char *path,
		     struct error *e)
{
	b->limit = limit;
	for (;;) {
		if (s->len > s->pos && buf_append(b, s->mem + s->pos, s->len - s->pos) < 0)
			return error_set(e, ERR_FORMAT, "%s: larger than the limit of %zu bytes", path,
					 limit);
		s->pos = s->len;
		if (src_getc(s) < 0)
			break;
		s->pos = 0;
	}
	if (ferror(s->f))
		return error_set(e, ERR_IO, "%s: read error", path);
	return 0;
}

/* Reads a raw image from an open source. */
static int read_raw(struct image *img, const char *path, struct src *s, uint32_t base,
		    struct error *e)
{
	struct buf b = { 0 };
	int rc = slurp_raw(s, &b, image_limit(img), path, e);

	if (rc == 0)
		rc = parse_raw(img, path, b.data, b.len, base, e);
	buf_free(&b);
	return rc;
}

/* Reads an image file from an open stream. */
static int read_stream(struct image *img, const char *path, struct src *s,
		       const struct image_opts *opts, struct error *e)
{
	enum image_format f = apply_opts(img, opts);

	if (src_getc(s) >= 0)
		s->pos = 0;
	else if (ferror(s->f))
		return error_set(e, ERR_IO, "%s: read error", path);
	if (f == IMAGE_AUTO)
		f = image_detect(s->mem, s->len);
	if (f == IMAGE_RAW)
		return read_raw(img, path, s, opts ? opts->base : 0, e);
	return parse_text(img, path, s, f, e);
}

/* Reads a file into img. */
int image_read(struct image *img, const char *path, const struct image_opts *opts,
	       struct error *e)
{
	struct src *s = calloc(1, sizeof *s);
	int rc;

	if (s == NULL)
		return error_set(e, ERR_NOMEM, "%s: out of memory", path);
	if (fs_is_dir(path)) {
		free(s);
		return error_set(e, ERR_FORMAT, "%s is a directory, not an image file", path);
	}
	s->f = fopen(path, "rb");
	if (s->f == NULL) {
		rc = error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO, "%s: %s", path,
			       strerror(errno));
		free(s);
		return rc;
	}
	rc = read_stream(img, path, s, opts, e);
	fclose(s->f);
	free(s);
	return rc;
}

/* The span from the first byte to the end of the last. */
struct image_range image_span(const struct image *img)
{
	struct image_range r = { 0, 0 };

	if (img->nseg > 0) {
		r.addr = img->seg[0].addr;
		r.len = seg_end(&img->seg[img->nseg - 1]) - r.addr;
	}
	return r;
}

/* Number of gaps between segments. */
size_t image_gap_count(const struct image *img)
{
	return img->nseg > 1 ? img->nseg - 1 : 0;
}

/* The i-th gap in address order; len 0 if there is no such gap. */
struct image_range image_gap(const struct image *img, size_t i)
{
	struct image_range r = { 0, 0 };

	if (i + 1 < img->nseg) {
		r.addr = (uint32_t)seg_end(&img->seg[i]);
		r.len = img->seg[i + 1].addr - seg_end(&img->seg[i]);
	}
	return r;
}

/* True if every byte of [addr, addr + len) is in one segment. */
bool image_covers(const struct image *img, uint32_t addr, uint64_t len)
{
	size_t i = first_reaching(img, (uint64_t)addr + 1);

	if (len > IMAGE_ADDR_END - addr)
		return false;
	if (len == 0)
		return true;
	return i < img->nseg && img->seg[i].addr <= addr && addr + len <= seg_end(&img->seg[i]);
}

/* Receives the bytes of a range, in order. */
typedef void (*visit_fn)(void *ctx, const uint8_t *d, size_t n);

/* Feeds n fill bytes to fn. */
static void visit_fill(uint8_t fill, uint64_t n, visit_fn fn, void *ctx)
{
	uint8_t block[256];

	memset(block, fill, sizeof block);
	while (n > 0) {
		size_t take = n < sizeof block ? (size_t)n : sizeof block;
		fn(ctx, block, take);
		n -= take;
	}
}

/* Feeds the flattened bytes of [start, start + len) to fn. */
static void visit_range(const struct image *img, uint32_t start, uint64_t len, visit_fn fn,
			void *ctx)
{
	uint64_t pos = start, end = pos + len;
	size_t i = first_reaching(img, pos + 1);

	while (pos < end) {
		const struct image_segment *s = i < img->nseg ? &img->seg[i] : NULL;
		uint64_t stop;
		if (s && s->addr <= pos) {
			stop = seg_end(s) < end ? seg_end(s) : end;
			fn(ctx, s->data + (pos - s->addr), (size_t)(stop - pos));
			i++;
		} else {
			stop = s && s->addr < end ? s->addr : end;
			visit_fill(img->fill, stop - pos, fn, ctx);
		}
		pos = stop;
	}
}

/* Checks that [start, start + len) lies in the 32-bit address space. */
static int check_range(uint32_t start, uint64_t len, struct error *e)
{
	if (len > IMAGE_ADDR_END - start)
		return error_set(e, ERR_ARG, "range of %" PRIu64 " bytes at 0x%08" PRIX32
				 " runs past 4 GiB", len, start);
	return 0;
}

/* Copies bytes into the flatten cursor. */
static void copy_out(void *ctx, const uint8_t *d, size_t n)
{
	uint8_t **out = ctx;

	memcpy(*out, d, n);
	*out += n;
}

/* Copies [start, start + len) into out, gaps filled. */
int image_flatten(const struct image *img, uint32_t start, size_t len, uint8_t *out,
		  struct error *e)
{
	if (check_range(start, len, e) < 0)
		return -ERR_ARG;
	visit_range(img, start, len, copy_out, &out);
	return 0;
}

/* Feeds bytes to a SHA-256 context. */
static void sha_feed(void *ctx, const uint8_t *d, size_t n)
{
	sha256_update(ctx, d, n);
}

/* SHA-256 of the flattened span. */
void image_sha256(const struct image *img, char hex[65])
{
	struct image_range r = image_span(img);
	struct sha256 s;
	uint8_t digest[32];

	sha256_init(&s);
	visit_range(img, r.addr, r.len, sha_feed, &s);
	sha256_final(&s, digest);
	sha256_to_hex(digest, hex);
}

/* Writes the flattened span to path atomically. */
int image_write_raw(const struct image *img, const char *path, struct error *e)
{
	struct image_range r = image_span(img);
	uint8_t *data;
	int rc;

	if (r.len == 0)
		return error_set(e, ERR_ARG, "%s: the image is empty", path);
	if (r.len > image_limit(img))
		return error_set(e, ERR_NOMEM, "%s: flattened image of %" PRIu64
				 " bytes is over the limit of %zu", path, r.len, image_limit(img));
	data = malloc((size_t)r.len);
	if (data == NULL)
		return error_set(e, ERR_NOMEM, "%s: out of memory", path);
	image_flatten(img, r.addr, (size_t)r.len, data, e);
	rc = fs_write_atomic(path, data, (size_t)r.len, 0600, e);
	free(data);
	return rc;
}

const struct image_crc image_crc16_ccitt_false = { 16, 0x1021, 0xFFFF, false, false, 0 };
const struct image_crc image_crc16_arc = { 16, 0x8005, 0, true, true, 0 };
const struct image_crc image_crc32_ieee = { 32, 0x04C11DB7, 0xFFFFFFFF, true, true, 0xFFFFFFFF };

/* A CRC being computed: table and register. */
struct crc_ctx {
	const struct image_crc *p;
	uint32_t table[256];
	uint32_t reg;
};

/* The low width bits set. */
static uint32_t mask_of(unsigned width)
{
	return width >= 32 ? 0xFFFFFFFFu : ((uint32_t)1 << width) - 1;
}

/* Reverses the low width bits of v. */
static uint32_t reflect(uint32_t v, unsigned width)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < width; i++, v >>= 1)
		r = r << 1 | (v & 1);
	return r;
}

/* Prepares the table and register. Reflected CRCs shift right in the low
 * bits; the others shift left with the register aligned to bit 31. */
static void crc_begin(struct crc_ctx *c, const struct image_crc *p)
{
	uint32_t m = mask_of(p->width), r;
	unsigned i, k, up = 32 - p->width;

	c->p = p;
	for (i = 0; i < 256; i++) {
		if (p->refin) {
			for (r = i, k = 0; k < 8; k++)
				r = (r & 1) ? (r >> 1) ^ reflect(p->poly & m, p->width) : r >> 1;
		} else {
			for (r = (uint32_t)i << 24, k = 0; k < 8; k++)
				r = (r & 0x80000000u) ? (r << 1) ^ ((p->poly & m) << up) : r << 1;
		}
		c->table[i] = r;
	}
	c->reg = p->refin ? reflect(p->init & m, p->width) : (p->init & m) << up;
}

/* Feeds bytes to a CRC. */
static void crc_feed(void *ctx, const uint8_t *d, size_t n)
{
	struct crc_ctx *c = ctx;
	uint32_t reg = c->reg;

	if (c->p->refin) {
		while (n--)
			reg = (reg >> 8) ^ c->table[(reg ^ *d++) & 0xFF];
	} else {
		while (n--)
			reg = (reg << 8) ^ c->table[(reg >> 24) ^ *d++];
	}
	c->reg = reg;
}

/* Finishes a CRC: output reflection and final XOR. */
static uint32_t crc_end(const struct crc_ctx *c)
{
	const struct image_crc *p = c->p;
	uint32_t r = p->refin ? c->reg : c->reg >> (32 - p->width);

	if (p->refin != p->refout)
		r = reflect(r, p->width);
	return (r ^ p->xorout) & mask_of(p->width);
}

/* True if the CRC parameters can be computed. */
static bool crc_valid(const struct image_crc *p)
{
	return p->width >= 1 && p->width <= 32;
}

/* CRC of a buffer with any parameters; 0 for an invalid width. */
uint32_t image_crc(const struct image_crc *p, const void *data, size_t n)
{
	struct crc_ctx c;

	if (!crc_valid(p))
		return 0;
	crc_begin(&c, p);
	crc_feed(&c, data, n);
	return crc_end(&c);
}

/* CRC-16/CCITT-FALSE of a buffer. */
uint16_t image_crc16_ccitt(const void *data, size_t n)
{
	return (uint16_t)image_crc(&image_crc16_ccitt_false, data, n);
}

/* CRC-16/ARC of a buffer. */
uint16_t image_crc16(const void *data, size_t n)
{
	return (uint16_t)image_crc(&image_crc16_arc, data, n);
}

/* CRC-32/IEEE of a buffer. */
uint32_t image_crc32(const void *data, size_t n)
{
	return image_crc(&image_crc32_ieee, data, n);
}

/* An additive sum being computed, with a partial word carried over. */
struct sum_ctx {
	const struct image_sum *p;
	uint32_t sum;
	uint8_t part[4];
	unsigned npart;
};

/* Adds the collected word to the sum. */
static void sum_word(struct sum_ctx *c)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < c->p->word; i++)
		v = v << 8 | c->part[c->p->big_endian ? i : c->p->word - 1 - i];
	c->sum += v;
	c->npart = 0;
}

/* Feeds bytes to an additive sum. */
static void sum_feed(void *ctx, const uint8_t *d, size_t n)
{
	struct sum_ctx *c = ctx;

	while (n--) {
		c->part[c->npart++] = *d++;
		if (c->npart == c->p->word)
			sum_word(c);
	}
}

/* Finishes a sum: a partial word is padded with zeros. */
static uint32_t sum_end(struct sum_ctx *c)
{
	if (c->npart > 0) {
		memset(c->part + c->npart, 0, sizeof c->part - c->npart);
		sum_word(c);
	}
	return c->sum & mask_of(c->p->width);
}

/* True if the sum parameters are supported. */
static bool sum_valid(const struct image_sum *p)
{
	return (p->width == 8 || p->width == 16 || p->width == 32) &&
	       (p->word == 1 || p->word == 2 || p->word == 4);
}

/* Additive sum of a buffer; 0 for invalid parameters. */
uint32_t image_sum(const struct image_sum *p, const void *data, size_t n)
{
	struct sum_ctx c = { .p = p };

	if (!sum_valid(p))
		return 0;
	sum_feed(&c, data, n);
	return sum_end(&c);
}

/* CRC over a range of the flattened image. */
int image_range_crc(const struct image *img, const struct image_crc *p, uint32_t start,
		    size_t len, uint32_t *out, struct error *e)
{
	struct crc_ctx c;

	if (!crc_valid(p))
		return error_set(e, ERR_ARG, "CRC width %u is not 1 to 32", p->width);
	if (check_range(start, len, e) < 0)
		return -ERR_ARG;
	crc_begin(&c, p);
	visit_range(img, start, len, crc_feed, &c);
	*out = crc_end(&c);
	return 0;
}

/* Additive sum over a range of the flattened image. */
int image_range_sum(const struct image *img, const struct image_sum *p, uint32_t start,
		    size_t len, uint32_t *out, struct error *e)
{
	struct sum_ctx c = { .p = p };

	if (!sum_valid(p))
		return error_set(e, ERR_ARG, "sum of %u-byte words to %u bits is not supported",
				 p->word, p->width);
	if (check_range(start, len, e) < 0)
		return -ERR_ARG;
	visit_range(img, start, len, sum_feed, &c);
	*out = sum_end(&c);
	return 0;
}

/* Pointer to the image bytes at addr (which must be covered). */
static uint8_t *bytes_at(struct image *img, uint32_t addr)
{
	size_t i = first_reaching(img, (uint64_t)addr + 1);

	return img->seg[i].data + (addr - img->seg[i].addr);
}

/* Stores value (n bytes) at store_addr; returns 1 if it changed, 0 if not. */
static int store_value(struct image *img, uint32_t range_start, size_t range_len,
		       uint32_t store_addr, unsigned n, bool big_endian, uint32_t value,
		       uint32_t *old, struct error *e)
{
	uint64_t s = store_addr, rs = range_start;
	uint32_t was = 0;
	uint8_t *p;
	unsigned i;

	if (!image_covers(img, store_addr, n))
		return error_set(e, ERR_ARG, "checksum address 0x%08" PRIX32
				 " (%u bytes) is not in the image", store_addr, n);
	if (s < rs + range_len && rs < s + n)
		return error_set(e, ERR_ARG, "checksum address 0x%08" PRIX32
				 " lies inside the range it covers", store_addr);
	p = bytes_at(img, store_addr);
	for (i = 0; i < n; i++) {
		unsigned k = big_endian ? i : n - 1 - i;
		was = was << 8 | p[k];
	}
	for (i = 0; i < n; i++)
		p[big_endian ? n - 1 - i : i] = (uint8_t)(value >> (8 * i));
	if (old)
		*old = was;
	return was != value;
}

/* Computes a CRC over a range and stores it. */
int image_patch_crc(struct image *img, const struct image_crc *p, uint32_t range_start,
		    size_t range_len, uint32_t store_addr, bool big_endian, uint32_t *old,
		    uint32_t *new_value, struct error *e)
{
	uint32_t v;
	int rc = image_range_crc(img, p, range_start, range_len, &v, e);

	if (rc < 0)
		return rc;
	rc = store_value(img, range_start, range_len, store_addr, (p->width + 7) / 8, big_endian,
			 v, old, e);
	if (rc >= 0 && new_value)
		*new_value = v;
	return rc;
}

/* image_patch_crc with CRC-32/IEEE. */
int image_patch_crc32(struct image *img, uint32_t range_start, size_t range_len,
		      uint32_t store_addr, bool big_endian, uint32_t *old, uint32_t *new_value,
		      struct error *e)
{
	return image_patch_crc(img, &image_crc32_ieee, range_start, range_len, store_addr,
			       big_endian, old, new_value, e);
}

/* image_patch_crc with CRC-16/CCITT-FALSE. */
int image_patch_crc16_ccitt(struct image *img, uint32_t range_start, size_t range_len,
			    uint32_t store_addr, bool big_endian, uint32_t *old,
			    uint32_t *new_value, struct error *e)
{
	return image_patch_crc(img, &image_crc16_ccitt_false, range_start, range_len, store_addr,
			       big_endian, old, new_value, e);
}

/* Computes an additive sum over a range and stores it. */
int image_patch_sum(struct image *img, const struct image_sum *p, uint32_t range_start,
		    size_t range_len, uint32_t store_addr, bool big_endian, uint32_t *old,
		    uint32_t *new_value, struct error *e)
{
	uint32_t v;
	int rc = image_range_sum(img, p, range_start, range_len, &v, e);

	if (rc < 0)
		return rc;
	rc = store_value(img, range_start, range_len, store_addr, p->width / 8, big_endian, v,
			 old, e);
	if (rc >= 0 && new_value)
		*new_value = v;
	return rc;
}
