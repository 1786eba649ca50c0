/* ecu_flash.c: flash memory of a virtual ECU and the services that
 * program it (ISO 14229-1 0x31, 0x34-0x37) or read it out (0x23, 0x35).
 *
 * The memory is allocated on first use and starts as the profile's image:
 * a fill byte or deterministic noise, an optional block of data, and the
 * image's checksum in its last bytes (4 for CRC-32, 2 for the additive
 * sum), so the check routine passes on an untouched ECU.
 *
 * Routines (31 01 RID ..., results with 31 03 RID):
 *   erase  (erase_routine, default FF00): 31 01 FF00 ALFID ADDR SIZE; the
 *          range must be whole sectors; answers 71 01 FF00 00 after
 *          erase_ms (for the whole memory; a part takes its share), with
 *          0x78 response-pending meanwhile.
 *   check  (check_routine, default 0202): 31 01 0202 [ALFID ADDR SIZE];
 *          the block (default: the whole memory) holds its checksum in its
 *          last bytes, big-endian: CRC-32 (IEEE 802.3, as zlib) or a 16-bit
 *          additive sum of the bytes before; answers 71 01 0202 00 (good)
 *          or 01 (bad) after check_ms.
 * ALFID is the addressAndLengthFormatIdentifier: high nibble = bytes of
 * the size, low nibble = bytes of the address, 1..4 each.
 *
 * A download (34 00 ALFID ADDR SIZE) writes only into sectors erased and
 * not checked since (else 0x72); blocks count from 01, wrap FF to 00, a
 * repeated block is acknowledged without writing, any other counter is
 * 0x73; a block past the announced end is 0x71; 0x37 before every
 * announced byte came is 0x24. Leaving the programming session aborts a
 * transfer.
 *
 * The boot loader: an erase leaves the application broken until a check
 * routine passes over every sector erased since (the erased sectors and
 * this state are kept across sessions, resets and power-ups, as a boot
 * loader keeps them, so a download can resume into them). An ECU reset or
 * powered up with a broken application runs its boot loader: it answers
 * only 0x10 0x11 0x22 0x27 0x28 0x31 0x34 0x36 0x37 0x3E 0x85 (others
 * 0x11), no OBD-II request, and of the DIDs only the identification the
 * boot loader holds (F180 bootSoftwareIdentification, F186, F187, F18A,
 * F18B, F18C, F190, F191, F192, F193); the application's identification
 * (image_dids, and F189, F195, F197) and its other DIDs are gone (0x31).
 * When the application starts, it reads its image_dids from the memory,
 * so after a flash and a reset they show what the new image holds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define FLASH_MAX ((uint32_t)16 << 20) /* largest memory of one ECU */

/* Checksum kinds. */
enum { SUM_CRC32, SUM_ADD16 };

/* Negative response codes used here (ISO 14229-1 annex A.1). */
enum {
	NRC_SFNS = 0x12, NRC_IMLOIF = 0x13, NRC_CNC = 0x22, NRC_RSE = 0x24, NRC_ROOR = 0x31,
	NRC_TDS = 0x71, NRC_GPF = 0x72, NRC_WBSC = 0x73, NRC_VTL = 0x93,
};

/* CRC-32 (IEEE 802.3, reflected, as zlib) continued from crc (0 to start),
 * four bits at a time: a constant table, so threads never race on it. */
uint32_t sim_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	static const uint32_t nibble[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
		0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
		0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	size_t i;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= p[i];
		crc = nibble[crc & 0x0F] ^ crc >> 4;
		crc = nibble[crc & 0x0F] ^ crc >> 4;
	}
	return ~crc;
}

/* Mixes the bits of a word (a finaliser in the style of MurmurHash3). */
static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7FEB352Du;
	x ^= x >> 15;
	x *= 0x846CA68Bu;
	x ^= x >> 16;
	return x;
}

/* The initial image's byte at offset off. */
static uint8_t initial_byte(const struct sim_flash *f, uint32_t off)
{
	if (f->siglen && off >= f->size - f->siglen)
		return f->sig[off - (f->size - f->siglen)];
	if (f->ntext && off >= f->text_off && off - f->text_off < f->ntext)
		return f->text[off - f->text_off];
	if (f->noise)
		return (uint8_t)(mix32(f->noise_seed ^ (off / 4) * 0x9E3779B9u) >> (8 * (off % 4)));
	return f->fill;
}

/* Copies n bytes of the initial image from offset off. */
static void initial_copy(const struct sim_flash *f, uint32_t off, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = initial_byte(f, off + (uint32_t)i);
}

/* The checksum of n bytes at p, continued from acc (0 to start). */
static uint32_t checksum_add(const struct sim_flash *f, uint32_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	if (f->checksum == SUM_CRC32)
		return sim_crc32(acc, p, n);
	for (i = 0; i < n; i++)
		acc += p[i];
	return acc & 0xFFFF;
}

/* Bytes of the checksum kind at the end of a block. */
static uint8_t checksum_len(const struct sim_flash *f)
{
	return f->checksum == SUM_CRC32 ? 4 : 2;
}

/* Signs the initial image: its checksum into sig. */
static void sign_image(struct sim_flash *f)
{
	uint8_t chunk[4096];
	uint8_t len = checksum_len(f);
	uint32_t off, acc = 0, end = f->size - len;
	size_t n;

	for (off = 0; off < end; off += (uint32_t)n) {
		n = end - off < sizeof chunk ? end - off : sizeof chunk;
		initial_copy(f, off, chunk, n);
		acc = checksum_add(f, acc, chunk, n);
	}
	for (n = 0; n < len; n++)
		f->sig[n] = (uint8_t)(acc >> (8 * (len - 1 - n)));
	f->siglen = len;
}

/* Reads the image table: fill, noise, at, data, sign. */
static int load_image(const struct sdata *t, struct sim_flash *f, const char *where,
		      struct error *e)
{
	const struct sdata *data = sdata_get(t, "data");
	unsigned long fill, noise, at;

	if (t != NULL && t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: flash.image must be a table", where);
	if (sim_prof_field(t, "fill", 255, 0xFF, &fill, where, e) < 0 ||
	    sim_prof_field(t, "at", 0xFFFFFFFF, 0, &at, where, e) < 0)
		return -(int)e->kind;
	f->fill = (uint8_t)fill;
	if (sdata_get(t, "noise")) {
		if (sim_prof_field(t, "noise", 0xFFFFFFFF, -1, &noise, where, e) < 0)
			return -(int)e->kind;
		f->noise = true;
		f->noise_seed = (uint32_t)noise;
	}
	if (data && (data->type != SD_STR || at > f->size || data->len > f->size - at))
		return error_set(e, ERR_FORMAT, "%s: flash.image.data must be bytes inside the memory",
				 where);
	if (data && data->len) {
		if ((f->text = malloc(data->len)) == NULL)
			return error_set(e, ERR_NOMEM, "out of memory");
		memcpy(f->text, data->str, data->len);
		f->ntext = data->len;
		f->text_off = (uint32_t)at;
	}
	if (sdata_bool(t, "sign", true))
		sign_image(f);
	return 0;
}

/* Reads the geometry: addr, size, sector, max_block. */
static int load_geometry(const struct sdata *t, struct sim_flash *f, const char *where,
			 struct error *e)
{
	unsigned long addr, size, sector, block;

	if (sim_prof_field(t, "addr", 0xFFFFFFFF, 0, &addr, where, e) < 0 ||
	    sim_prof_field(t, "size", FLASH_MAX, -1, &size, where, e) < 0 ||
	    sim_prof_field(t, "sector", FLASH_MAX, 0x1000, &sector, where, e) < 0 ||
	    sim_prof_field(t, "max_block", SIM_MSG_MAX, 0x0FFF, &block, where, e) < 0)
		return -(int)e->kind;
	if (size < 16 || sector == 0 || size % sector != 0 || addr + size - 1 > 0xFFFFFFFFul)
		return error_set(e, ERR_FORMAT,
				 "%s: flash: size must be 16 bytes or more, whole sectors, inside "
				 "the 32-bit address space", where);
	if (block < 3)
		return error_set(e, ERR_FORMAT, "%s: flash.max_block must be 3..%d", where,
				 SIM_MSG_MAX);
	f->addr = (uint32_t)addr;
	f->size = (uint32_t)size;
	f->sector = (uint32_t)sector;
	f->max_block = (uint16_t)block;
	return 0;
}

/* Reads the routines: their ids and durations, and the checksum kind. */
static int load_routines(const struct sdata *t, struct sim_flash *f, const char *where,
			 struct error *e)
{
	const char *kind = sdata_str(t, "checksum", "crc32");
	unsigned long erase, check;

	if (sim_prof_field(t, "erase_routine", 0xFFFF, 0xFF00, &erase, where, e) < 0 ||
	    sim_prof_field(t, "check_routine", 0xFFFF, 0x0202, &check, where, e) < 0 ||
	    sim_prof_ms(t, "erase_ms", 2000, &f->erase_us, where, e) < 0 ||
	    sim_prof_ms(t, "check_ms", 500, &f->check_us, where, e) < 0)
		return -(int)e->kind;
	if (erase == check)
		return error_set(e, ERR_FORMAT, "%s: flash: two routines with id %04lX", where, erase);
	f->erase_rid = (uint16_t)erase;
	f->check_rid = (uint16_t)check;
	if (strcmp(kind, "crc32") == 0)
		f->checksum = SUM_CRC32;
	else if (strcmp(kind, "sum16") == 0)
		f->checksum = SUM_ADD16;
	else
		return error_set(e, ERR_FORMAT, "%s: flash.checksum must be \"crc32\" or \"sum16\"",
				 where);
	return 0;
}

/* Reads access (programming: default session 2) and readout (false, true
 * or an access table). */
static int load_access(const struct sdata *t, struct sim_flash *f, const char *where,
		       struct error *e)
{
	const struct sdata *ro = sdata_get(t, "readout");

	if (sim_prof_access(sdata_get(t, "access"), &f->prog, where, e) < 0)
		return -(int)e->kind;
	if (f->prog.sessions == 0)
		f->prog.sessions = 0x04;
	memset(&f->read, 0, sizeof f->read);
	f->readout = ro != NULL && !(ro->type == SD_BOOL && !ro->b);
	if (ro && ro->type == SD_TABLE)
		return sim_prof_access(ro, &f->read, where, e);
	if (ro && ro->type != SD_BOOL)
		return error_set(e, ERR_FORMAT, "%s: flash.readout must be a boolean or a table",
				 where);
	return 0;
}

/* Reads boot (DID F180 of the boot loader) and image_dids ([DID] = offset
 * of its value in the memory; the ECU's dids give its length). */
static int load_boot(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		     struct error *e)
{
	struct sim_flash *f = &ecu->m.flash;
	const struct sdata *d = sdata_get(t, "image_dids");
	const char *boot = sdata_str(t, "boot", "BOOT");
	const struct sim_did *did;
	unsigned long id, off;
	size_t i;

	if (strlen(boot) == 0 || strlen(boot) >= sizeof f->boot_id)
		return error_set(e, ERR_FORMAT, "%s: flash.boot must be 1..%zu characters", where,
				 sizeof f->boot_id - 1);
	snprintf(f->boot_id, sizeof f->boot_id, "%s", boot);
	if (d == NULL)
		return 0;
	if (d->type != SD_TABLE || d->len > SIM_IMAGE_DIDS_MAX)
		return error_set(e, ERR_FORMAT, "%s: flash.image_dids must be a table of at most %d "
				 "[DID] = offset", where, SIM_IMAGE_DIDS_MAX);
	for (i = 0; i < d->len; i++) {
		if (sim_prof_uint(&d->items[i].key, 0xFFFF, &id) < 0 ||
		    sim_prof_uint(&d->items[i].val, 0xFFFFFFFF, &off) < 0 ||
		    (did = sim_ecu_did(ecu, (uint16_t)id)) == NULL || off > f->size ||
		    did->len > f->size - off)
			return error_set(e, ERR_FORMAT, "%s: flash.image_dids: each [DID] = offset "
					 "names a DID of the ECU and a place inside the memory", where);
		f->image_dids[i].did = (uint16_t)id;
		f->image_dids[i].off = (uint32_t)off;
		f->image_dids[i].len = did->len;
		if ((f->image_dids[i].val = malloc(did->len)) == NULL)
			return error_set(e, ERR_NOMEM, "out of memory");
		f->nimage_dids = i + 1;
	}
	return 0;
}

/* Reads the flash table. */
int sim_flash_load(const struct sdata *t, struct sim_ecu *ecu, const char *where, struct error *e)
{
	struct sim_flash *f = &ecu->m.flash;
	char sub[200];

	f->last_status = -1;
	if (t == NULL)
		return 0;
	snprintf(sub, sizeof sub, "%s: flash", where);
	if (t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s must be a table", sub);
	if (load_geometry(t, f, sub, e) < 0 || load_routines(t, f, sub, e) < 0 ||
	    load_access(t, f, sub, e) < 0 || load_image(sdata_get(t, "image"), f, sub, e) < 0 ||
	    load_boot(t, ecu, sub, e) < 0)
		return -(int)e->kind;
	f->present = true;
	return 0;
}

/* Frees the flash memory. */
void sim_flash_free(struct sim_flash *f)
{
	size_t i;

	for (i = 0; i < f->nimage_dids; i++)
		free(f->image_dids[i].val);
	f->nimage_dids = 0;
	free(f->mem);
	free(f->erased);
	free(f->text);
	f->mem = f->erased = f->text = NULL;
}

/* The contents, allocated and filled with the initial image on first use. */
uint8_t *sim_flash_mem(struct sim_flash *f)
{
	if (!f->present)
		return NULL;
	if (f->mem == NULL) {
		f->mem = malloc(f->size);
		f->erased = calloc(f->size / f->sector, 1);
		if (f->mem == NULL || f->erased == NULL) {
			free(f->mem);
			free(f->erased);
			f->mem = f->erased = NULL;
			return NULL;
		}
		initial_copy(f, 0, f->mem, f->size);
	}
	return f->mem;
}

/* True if [addr, addr + n) lies inside the memory (n > 0). */
static bool inside(const struct sim_flash *f, uint32_t addr, uint32_t n)
{
	return n > 0 && addr >= f->addr && addr - f->addr <= f->size && n <= f->size - (addr - f->addr);
}

/* Copies n bytes at addr of the contents (initial image if untouched). */
int sim_flash_read(const struct sim_flash *f, uint32_t addr, uint8_t *out, size_t n)
{
	if (!f->present || n > f->size || !inside(f, addr, (uint32_t)n))
		return -1;
	if (f->mem)
		memcpy(out, f->mem + (addr - f->addr), n);
	else
		initial_copy(f, addr - f->addr, out, n);
	return 0;
}

/* Leaving the programming session: a transfer in progress is aborted. */
void sim_flash_end_programming(struct sim_flash *f)
{
	f->xfer = 0;
}

/* Power-up or reset: the boot loader runs while the application is
 * broken; else the application starts and reads its identification. */
void sim_flash_power_up(struct sim_flash *f)
{
	size_t i;

	f->boot = f->present && f->invalid;
	for (i = 0; i < f->nimage_dids && !f->boot; i++)
		sim_flash_read(f, f->addr + f->image_dids[i].off, f->image_dids[i].val,
			       f->image_dids[i].len);
}

/* True if the boot loader answers the service. */
bool sim_flash_boot_service(uint8_t sid)
{
	static const uint8_t boot_services[] = { 0x10, 0x11, 0x22, 0x27, 0x28, 0x31,
						 0x34, 0x36, 0x37, 0x3E, 0x85 };

	return memchr(boot_services, sid, sizeof boot_services) != NULL;
}

/* True for the identification DIDs a boot loader keeps (ISO 14229-1 C.1). */
static bool boot_did(uint16_t id)
{
	static const uint16_t kept[] = { 0xF180, 0xF186, 0xF187, 0xF18A, 0xF18B,
					 0xF18C, 0xF190, 0xF191, 0xF192, 0xF193 };
	size_t i;

	for (i = 0; i < sizeof kept / sizeof kept[0]; i++)
		if (kept[i] == id)
			return true;
	return false;
}

/* A DID the flash model answers: F180 and F186 in the boot loader, the
 * image DIDs from the memory while the application runs. */
size_t sim_flash_did(const struct sim_ecu *ecu, uint16_t id, uint8_t *out, size_t cap,
		     bool *hidden)
{
	const struct sim_flash *f = &ecu->m.flash;
	size_t i;

	*hidden = false;
	if (f->boot) {
		*hidden = !boot_did(id);
		if (id == 0xF180 && strlen(f->boot_id) <= cap) {
			memcpy(out, f->boot_id, strlen(f->boot_id));
			return strlen(f->boot_id);
		}
		if (id == 0xF186 && cap >= 1) {
			out[0] = ecu->m.session;
			return 1;
		}
		return 0;
	}
	for (i = 0; i < f->nimage_dids; i++) {
		if (f->image_dids[i].did != id || f->image_dids[i].len > cap)
			continue;
		memcpy(out, f->image_dids[i].val, f->image_dids[i].len);
		return f->image_dids[i].len;
	}
	return 0;
}

/* Parses ALFID ADDR SIZE at p (avail bytes, exactly); -1 if malformed,
 * -2 if the identifier is out of range. */
static int parse_range(const uint8_t *p, size_t avail, uint32_t *addr, uint32_t *size)
{
	unsigned al, sl, i;

	if (avail < 1)
		return -1;
	al = p[0] & 0x0F;
	sl = p[0] >> 4;
	if (al < 1 || al > 4 || sl < 1 || sl > 4)
		return -2;
	if (avail != 1 + al + sl)
		return -1;
	*addr = *size = 0;
	for (i = 0; i < al; i++)
		*addr = *addr << 8 | p[1 + i];
	for (i = 0; i < sl; i++)
		*size = *size << 8 | p[1 + al + i];
	return 0;
}

/* NRC of a malformed range: 0x13 for a length, 0x31 for an identifier. */
static size_t range_nrc(struct sim_req *r, int rc)
{
	return sim_nrc(r, rc == -1 ? NRC_IMLOIF : NRC_ROOR);
}

/* The programming conditions: access of the profile, and the voltage. */
static uint8_t prog_nrc(struct sim_req *r, uint8_t session_nrc)
{
	uint8_t code = sim_access_nrc(r->s, r->ecu, &r->ecu->m.flash.prog, session_nrc);

	if (code == 0 && sim_live_value(r->s, SIM_Q_VOLTAGE) < r->ecu->m.min_volts)
		code = NRC_CNC;
	return code;
}

/* A duration scaled by the part of the memory it concerns (1 ms at least). */
static uint64_t share(const struct sim_flash *f, uint64_t whole_us, uint32_t n)
{
	uint64_t us = whole_us / f->size * n + whole_us % f->size * n / f->size;

	return us ? us : 1000;
}

/* The erase routine: whole sectors inside the memory. */
static size_t routine_erase(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	uint32_t addr, size, off;
	int rc = parse_range(r->req + 4, r->n - 4, &addr, &size);

	if (rc < 0)
		return range_nrc(r, rc);
	if (!inside(f, addr, size) || (addr - f->addr) % f->sector || size % f->sector)
		return sim_nrc(r, NRC_ROOR);
	if (f->xfer)
		return sim_nrc(r, NRC_CNC);
	if (sim_flash_mem(f) == NULL)
		return sim_nrc(r, NRC_GPF);
	off = addr - f->addr;
	memset(f->mem + off, 0xFF, size);
	memset(f->erased + off / f->sector, 1, size / f->sector);
	f->invalid = true;
	f->gen++;
	r->ecu->writes++;
	r->busy_us = share(f, f->erase_us, size);
	return 0;
}

/* A check passed over [off, off + n): the sectors in it are no longer
 * erased; the application is whole again once no erased sector is left. */
static void checked(struct sim_ecu *ecu, uint32_t off, uint32_t n)
{
	struct sim_flash *f = &ecu->m.flash;
	uint32_t s, first = off / f->sector, end = (off + n - 1) / f->sector, count = f->size / f->sector;
	bool was = f->invalid;

	for (s = first; s <= end; s++)
		f->erased[s] = 0;
	f->invalid = memchr(f->erased, 1, count) != NULL;
	if (was != f->invalid)
		ecu->writes++;
}

/* The check routine: the block's checksum against its last bytes; the
 * routine status (0 good, 1 bad) goes into *status. */
static size_t routine_check(struct sim_req *r, uint8_t *status)
{
	struct sim_flash *f = &r->ecu->m.flash;
	uint32_t addr = f->addr, size = f->size, want = 0, got;
	uint8_t len = checksum_len(f), i;
	int rc = r->n == 4 ? 0 : parse_range(r->req + 4, r->n - 4, &addr, &size);
	const uint8_t *p;

	if (rc < 0)
		return range_nrc(r, rc);
	if (!inside(f, addr, size) || size <= len)
		return sim_nrc(r, NRC_ROOR);
	if (sim_flash_mem(f) == NULL)
		return sim_nrc(r, NRC_GPF);
	p = f->mem + (addr - f->addr);
	got = checksum_add(f, 0, p, size - len);
	for (i = 0; i < len; i++)
		want = want << 8 | p[size - len + i];
	*status = got == want ? 0x00 : 0x01;
	if (got == want)
		checked(r->ecu, addr - f->addr, size);
	r->busy_us = share(f, f->check_us, size);
	return 0;
}

/* 0x31 RoutineControl: start (01) the erase or check routine, or ask for
 * the result (03) of the last one. */
size_t sim_svc_routine(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	uint8_t sf, code, status = 0;
	uint16_t rid;
	size_t rc;

	if (r->n < 4)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	rid = (uint16_t)(r->req[2] << 8 | r->req[3]);
	if (rid != f->erase_rid && rid != f->check_rid)
		return sim_nrc(r, NRC_ROOR);
	if (sf != 0x01 && sf != 0x03)
		return sim_nrc(r, NRC_SFNS);
	if ((code = prog_nrc(r, NRC_ROOR)) != 0)
		return sim_nrc(r, code);
	if (sf == 0x03) {
		if (r->n != 4 || f->last_rid != rid || f->last_status < 0)
			return sim_nrc(r, r->n != 4 ? NRC_IMLOIF : NRC_RSE);
		status = (uint8_t)f->last_status;
	} else {
		rc = rid == f->erase_rid ? routine_erase(r) : routine_check(r, &status);
		if (rc)
			return rc;
		f->last_rid = rid;
		f->last_status = status;
	}
	r->suppress = (r->req[1] & 0x80) != 0;
	memcpy(r->resp, r->req, 4);
	r->resp[0] = 0x71;
	r->resp[1] = sf;
	r->resp[4] = status;
	return 5;
}

/* 0x34 RequestDownload and 0x35 RequestUpload: 3x 00 ALFID ADDR SIZE;
 * answers the maximum block length (2 bytes). */
size_t sim_svc_request_transfer(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	bool up = r->req[0] == 0x35;
	uint32_t addr, size;
	uint8_t code;
	int rc;

	if (r->n < 3)
		return sim_nrc(r, NRC_IMLOIF);
	if ((rc = parse_range(r->req + 2, r->n - 2, &addr, &size)) < 0)
		return range_nrc(r, rc);
	if (r->req[1] != 0x00 || !inside(f, addr, size) || (up && !f->readout))
		return sim_nrc(r, NRC_ROOR);
	code = up ? sim_access_nrc(r->s, r->ecu, &f->read, NRC_ROOR) : prog_nrc(r, NRC_CNC);
	if (code == 0 && f->xfer)
		code = NRC_CNC;
	if (code == 0 && sim_flash_mem(f) == NULL)
		code = NRC_GPF;
	if (code)
		return sim_nrc(r, code);
	f->xfer = up ? 'U' : 'D';
	f->xpos = f->xprev = addr - f->addr;
	f->xend = f->xpos + size;
	f->bsc = 0;
	f->xany = false;
	r->resp[0] = (uint8_t)(r->req[0] + 0x40);
	r->resp[1] = 0x20; /* lengthFormatIdentifier: 2 bytes */
	r->resp[2] = (uint8_t)(f->max_block >> 8);
	r->resp[3] = (uint8_t)f->max_block;
	return 4;
}

/* True if every sector of [off, off + n) was erased in this session. */
static bool erased(const struct sim_flash *f, uint32_t off, size_t n)
{
	uint32_t s;

	for (s = off / f->sector; s <= (off + (uint32_t)n - 1) / f->sector; s++)
		if (!f->erased[s])
			return false;
	return true;
}

/* One block of a download. */
static size_t download_block(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	size_t n = r->n - 2;

	if (n == 0 || r->n > f->max_block)
		return sim_nrc(r, NRC_IMLOIF);
	if (n > f->xend - f->xpos)
		return sim_nrc(r, NRC_TDS);
	if (sim_live_value(r->s, SIM_Q_VOLTAGE) < r->ecu->m.min_volts)
		return sim_nrc(r, NRC_VTL);
	if (!erased(f, f->xpos, n))
		return sim_nrc(r, NRC_GPF);
	memcpy(f->mem + f->xpos, r->req + 2, n);
	f->gen++; /* the block is in the flash memory now: the state file keeps it */
	f->xprev = f->xpos;
	f->xpos += (uint32_t)n;
	return 0;
}

/* One block of an upload, as much as a block holds; returns its data
 * length (in resp + 2), 0 after an NRC. */
static size_t upload_block(struct sim_req *r, bool again)
{
	struct sim_flash *f = &r->ecu->m.flash;
	uint32_t from = again ? f->xprev : f->xpos, n;

	if (r->n != 2 || from >= f->xend) {
		r->len = sim_nrc(r, r->n != 2 ? NRC_IMLOIF : NRC_RSE);
		return 0;
	}
	n = f->xend - from < f->max_block - 2u ? f->xend - from : f->max_block - 2u;
	memcpy(r->resp + 2, f->mem + from, n);
	f->xprev = from;
	f->xpos = from + n;
	return n;
}

/* 0x36 TransferData: the next block (counter + 1, FF wraps to 00); the
 * same counter again repeats the last block. */
size_t sim_svc_transfer(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	bool again;
	size_t n = 0, rc;

	if (r->n < 2)
		return sim_nrc(r, NRC_IMLOIF);
	if (!f->xfer)
		return sim_nrc(r, NRC_RSE);
	again = f->xany && r->req[1] == f->bsc;
	if (!again && r->req[1] != (uint8_t)(f->bsc + 1))
		return sim_nrc(r, NRC_WBSC);
	if (f->xfer == 'U') {
		if ((n = upload_block(r, again)) == 0)
			return r->len;
	} else if (!again && (rc = download_block(r)) != 0) {
		return rc;
	}
	f->bsc = r->req[1];
	f->xany = true;
	r->resp[0] = 0x76;
	r->resp[1] = f->bsc;
	return 2 + n;
}

/* 0x37 RequestTransferExit: ends a transfer once every byte moved. */
size_t sim_svc_transfer_exit(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;

	if (!f->xfer || (f->xfer == 'D' && f->xpos != f->xend))
		return sim_nrc(r, NRC_RSE);
	if (f->xfer == 'D') {
		f->gen++;
		r->ecu->writes++;
	}
	f->xfer = 0;
	r->resp[0] = 0x77;
	return 1;
}

/* 0x23 ReadMemoryByAddress: 23 ALFID ADDR SIZE, where read-out is allowed. */
size_t sim_svc_read_memory(struct sim_req *r)
{
	struct sim_flash *f = &r->ecu->m.flash;
	uint32_t addr, size;
	uint8_t code;
	int rc;

	if ((rc = parse_range(r->req + 1, r->n - 1, &addr, &size)) < 0)
		return range_nrc(r, rc);
	if (!f->readout || size > SIM_MSG_MAX - 1 || !inside(f, addr, size))
		return sim_nrc(r, NRC_ROOR);
	if ((code = sim_access_nrc(r->s, r->ecu, &f->read, NRC_ROOR)) != 0)
		return sim_nrc(r, code);
	if (sim_flash_read(f, addr, r->resp + 1, size) < 0)
		return sim_nrc(r, NRC_ROOR);
	r->resp[0] = 0x63;
	return 1 + size;
}

/* Copies n bytes of an ECU's flash memory at addr; -1 if the ECU, its
 * memory or the range does not exist. Safe while a thread serves s. */
int sim_get_memory(const struct sim *s, const char *ecu_id, uint32_t addr, uint8_t *out, size_t n)
{
	const struct sim_ecu *ecu;
	int rc = -1;

	pthread_mutex_lock(s->lock);
	ecu = sim_vehicle_ecu(&s->vehicle, ecu_id);
	if (ecu)
		rc = sim_flash_read(&ecu->m.flash, addr, out, n);
	pthread_mutex_unlock(s->lock);
	return rc;
}
