/* ecu_security.c: SecurityAccess (0x27) of a virtual ECU. Each level has
 * a seed/key algorithm written in the profile as a list of operations on a
 * 32-bit word: the seed (seed_len bytes, big-endian) goes in, the key is
 * the low key_len bytes of the result, big-endian. Operations:
 *   {"xor", K}  x = x XOR K         {"add", K}  x = x + K (mod 2^32)
 *   {"sub", K}  x = x - K           {"mul", K}  x = x * K (mod 2^32)
 *   {"rol", N}  rotate left N bits  {"ror", N}  rotate right N bits (0..31)
 *   {"not"}     x = NOT x           {"swap"}    reverse the four bytes
 * An odd sub-function requests the seed of its level (all zero when the
 * level is unlocked already), the next even one sends the key. Wrong keys
 * count: the attempts-th wrong key answers 0x36 and starts a lock-out of
 * lockout_ms during which seeds are refused with 0x37. Seeds differ per
 * request (a counter and the modelled time), so tests compute keys from
 * the seed they got. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Operations of a seed/key algorithm. */
enum { OP_XOR, OP_ADD, OP_SUB, OP_MUL, OP_ROL, OP_ROR, OP_NOT, OP_SWAP };

/* Names of the operations, by enum value, and whether they take a number. */
static const struct {
	const char *name;
	bool arg;
} op_names[] = {
	{ "xor", true }, { "add", true }, { "sub", true }, { "mul", true },
	{ "rol", true }, { "ror", true }, { "not", false }, { "swap", false },
};

/* Negative response codes of 0x27 (ISO 14229-1 annex A.1). */
enum {
	NRC_SFNS = 0x12, NRC_IMLOIF = 0x13, NRC_RSE = 0x24, NRC_IK = 0x35, NRC_ENOA = 0x36,
	NRC_RTDNE = 0x37, NRC_SFNSIAS = 0x7E,
};

/* Reads one operation {"name", number}. */
static int load_op(const struct sdata *t, struct sim_sec_op *op, const char *where,
		   struct error *e)
{
	const struct sdata *name = sdata_at(t, 1);
	unsigned long arg = 0;
	size_t i;

	if (t == NULL || t->type != SD_TABLE || name == NULL || name->type != SD_STR)
		return error_set(e, ERR_FORMAT, "%s: an algo step must be {\"op\", number}", where);
	for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
		if (strcmp(name->str, op_names[i].name) == 0)
			break;
	if (i == sizeof op_names / sizeof op_names[0])
		return error_set(e, ERR_FORMAT,
				 "%s: unknown algo step \"%s\" (xor add sub mul rol ror not swap)",
				 where, name->str);
	if (op_names[i].arg &&
	    sim_prof_uint(sdata_at(t, 2), i == OP_ROL || i == OP_ROR ? 31 : 0xFFFFFFFF, &arg) < 0)
		return error_set(e, ERR_FORMAT, "%s: algo step \"%s\" needs a number%s", where,
				 name->str, i == OP_ROL || i == OP_ROR ? " 0..31" : "");
	if (t->len != (op_names[i].arg ? 2u : 1u))
		return error_set(e, ERR_FORMAT, "%s: algo step \"%s\" has extra values", where,
				 name->str);
	op->op = (uint8_t)i;
	op->arg = (uint32_t)arg;
	return 0;
}

/* Reads the algo list of a level. */
static int load_algo(const struct sdata *t, struct sim_sec_level *l, const char *where,
		     struct error *e)
{
	size_t i, n = sdata_array_len(t);

	if (t == NULL || t->type != SD_TABLE || n != t->len || n > SIM_OPS_MAX)
		return error_set(e, ERR_FORMAT, "%s: algo must be a list of up to %d steps", where,
				 SIM_OPS_MAX);
	for (i = 0; i < n; i++)
		if (load_op(sdata_at(t, (long)i + 1), &l->ops[i], where, e) < 0)
			return -(int)e->kind;
	l->nops = n;
	return 0;
}

/* Reads one level table. */
static int load_level(const struct sdata *t, struct sim_sec_level *l, const char *where,
		      struct error *e)
{
	unsigned long level, seed_len, key_len, attempts;
	const struct sdata *v;
	char sub[200];

	if (t == NULL || t->type != SD_TABLE)
		return error_set(e, ERR_FORMAT, "%s: a security level must be a table", where);
	if (sim_prof_field(t, "level", 0x7D, -1, &level, where, e) < 0)
		return -(int)e->kind;
	snprintf(sub, sizeof sub, "%s: security level %lu", where, level);
	if (level % 2 == 0)
		return error_set(e, ERR_FORMAT, "%s: the level must be odd (the seed request)", sub);
	if (sim_prof_field(t, "seed_len", 4, 4, &seed_len, sub, e) < 0 ||
	    sim_prof_field(t, "key_len", 4, (long)seed_len, &key_len, sub, e) < 0 ||
	    sim_prof_field(t, "attempts", 255, 3, &attempts, sub, e) < 0 ||
	    sim_prof_ms(t, "lockout_ms", 10000, &l->lockout_us, sub, e) < 0 ||
	    load_algo(sdata_get(t, "algo"), l, sub, e) < 0)
		return -(int)e->kind;
	if (seed_len == 0 || key_len == 0 || attempts == 0)
		return error_set(e, ERR_FORMAT, "%s: seed_len, key_len and attempts must be 1 or more",
				 sub);
	l->sessions = 0x0C;
	if ((v = sdata_get(t, "session")) != NULL && sim_prof_sessions(v, &l->sessions, sub, e) < 0)
		return -(int)e->kind;
	l->level = (uint8_t)level;
	l->seed_len = (uint8_t)seed_len;
	l->key_len = (uint8_t)key_len;
	l->attempts = (unsigned)attempts;
	return 0;
}

/* Reads the security table: one level or a list of levels. */
int sim_security_load(const struct sdata *t, struct sim_ecu *ecu, const char *where,
		      struct error *e)
{
	struct sim_security *sec = &ecu->m.sec;
	size_t i, j, n;

	if (t == NULL)
		return 0;
	if (t->type == SD_TABLE && sdata_get(t, "level") != NULL) {
		sec->nlevels = 1;
		return load_level(t, &sec->levels[0], where, e);
	}
	n = sdata_array_len(t);
	if (t->type != SD_TABLE || n == 0 || n != t->len || n > SIM_LEVELS_MAX)
		return error_set(e, ERR_FORMAT, "%s: security must be a level or a list of up to %d",
				 where, SIM_LEVELS_MAX);
	for (i = 0; i < n; i++) {
		sec->nlevels = i + 1;
		if (load_level(sdata_at(t, (long)i + 1), &sec->levels[i], where, e) < 0)
			return -(int)e->kind;
		for (j = 0; j < i; j++)
			if (sec->levels[j].level == sec->levels[i].level)
				return error_set(e, ERR_FORMAT, "%s: security level %u given twice",
						 where, sec->levels[i].level);
	}
	return 0;
}

/* Rotates left by n (0..31). */
static uint32_t rol32(uint32_t x, unsigned n)
{
	n &= 31;
	return n ? x << n | x >> (32 - n) : x;
}

/* The key of a seed by a level's algorithm (all 32 bits). */
uint32_t sim_security_key(const struct sim_sec_level *l, uint32_t seed)
{
	uint32_t x = seed;
	size_t i;

	for (i = 0; i < l->nops; i++) {
		uint32_t a = l->ops[i].arg;
		switch (l->ops[i].op) {
		case OP_XOR: x ^= a; break;
		case OP_ADD: x += a; break;
		case OP_SUB: x -= a; break;
		case OP_MUL: x *= a; break;
		case OP_ROL: x = rol32(x, a); break;
		case OP_ROR: x = rol32(x, 32 - (a & 31)); break;
		case OP_NOT: x = ~x; break;
		case OP_SWAP:
			x = x >> 24 | (x >> 8 & 0xFF00) | (x << 8 & 0xFF0000) | x << 24;
			break;
		}
	}
	return x;
}

/* A mask of the low n bytes. */
static uint32_t bytes_mask(unsigned n)
{
	return n >= 4 ? 0xFFFFFFFFu : (1u << (8 * n)) - 1;
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

/* A new seed, never zero: from a counter, the ECU, the level and the time. */
static uint32_t new_seed(const struct sim *s, struct sim_ecu *ecu, const struct sim_sec_level *l)
{
	uint32_t x = mix32(++ecu->m.sec.count * 0x9E3779B9u ^ ecu->tx ^ (uint32_t)l->level << 24 ^
			   (uint32_t)(s->now_us / 1000));

	x &= bytes_mask(l->seed_len);
	return x ? x : 1;
}

/* Writes n bytes of x big-endian. */
static void put_be(uint8_t *out, uint32_t x, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(x >> (8 * (n - 1 - i)));
}

/* The level with this number, or NULL. */
static struct sim_sec_level *find_level(struct sim_ecu *ecu, uint8_t level)
{
	size_t i;

	for (i = 0; i < ecu->m.sec.nlevels; i++)
		if (ecu->m.sec.levels[i].level == level)
			return &ecu->m.sec.levels[i];
	return NULL;
}

/* requestSeed: refused during a lock-out; zero when already unlocked. */
static size_t request_seed(struct sim_req *r, struct sim_sec_level *l)
{
	struct sim_security *sec = &r->ecu->m.sec;

	if (l->locked_until_us) {
		if (r->s->now_us < l->locked_until_us)
			return sim_nrc(r, NRC_RTDNE);
		l->locked_until_us = 0;
		l->failed = 0;
	}
	r->resp[0] = 0x67;
	r->resp[1] = l->level;
	if (sec->unlocked == l->level) {
		memset(r->resp + 2, 0, l->seed_len);
		return 2u + l->seed_len;
	}
	sec->seed = new_seed(r->s, r->ecu, l);
	sec->seed_level = l->level;
	put_be(r->resp + 2, sec->seed, l->seed_len);
	return 2u + l->seed_len;
}

/* sendKey: needs the seed of that level first; a wrong key counts. */
static size_t send_key(struct sim_req *r, struct sim_sec_level *l)
{
	struct sim_security *sec = &r->ecu->m.sec;
	uint32_t want, got = 0;
	size_t i;

	if (sec->seed_level != l->level)
		return sim_nrc(r, NRC_RSE);
	if (r->n != 2u + l->key_len)
		return sim_nrc(r, NRC_IMLOIF);
	for (i = 0; i < l->key_len; i++)
		got = got << 8 | r->req[2 + i];
	want = sim_security_key(l, sec->seed) & bytes_mask(l->key_len);
	sec->seed_level = 0;
	if (got != want) {
		if (++l->failed < l->attempts)
			return sim_nrc(r, NRC_IK);
		l->locked_until_us = r->s->now_us + l->lockout_us;
		if (l->locked_until_us == 0)
			l->locked_until_us = 1;
		return sim_nrc(r, NRC_ENOA);
	}
	l->failed = 0;
	sec->unlocked = l->level;
	r->suppress = (r->req[1] & 0x80) != 0;
	r->resp[0] = 0x67;
	r->resp[1] = (uint8_t)(l->level + 1);
	return 2;
}

/* 0x27 SecurityAccess: odd sub-functions request a seed, even ones send
 * the key of the level below. */
size_t sim_svc_security(struct sim_req *r)
{
	struct sim_sec_level *l;
	uint8_t sf;

	if (r->n < 2)
		return sim_nrc(r, NRC_IMLOIF);
	sf = r->req[1] & 0x7F;
	l = sf ? find_level(r->ecu, (uint8_t)(sf % 2 ? sf : sf - 1)) : NULL;
	if (l == NULL)
		return sim_nrc(r, NRC_SFNS);
	if (!(l->sessions & (1u << r->ecu->m.session)))
		return sim_nrc(r, NRC_SFNSIAS);
	return sf % 2 ? request_seed(r, l) : send_key(r, l);
}
