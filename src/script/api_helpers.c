/* api_helpers.c: the helpers scripts get besides the declarations: log()
 * and print() to the session's events, ask() to the user, and the obd
 * table (hex, byte access, bit fields, checksums, CRCs, packing, seed/key
 * building blocks). All of them are pure functions of their arguments
 * except log, print and ask. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/script_internal.h"
#include "util/hex.h"

#define MAX_ASK_CHOICES 16

/* Joins the arguments with spaces, as print() would. */
static const char *join_args(lua_State *L)
{
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, ' ');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	return lua_tostring(L, -1);
}

#define LOG_LINE_MAX 1024        /* bytes of one logged line kept */
#define LOG_TOTAL_MAX (1u << 20) /* text a host logs at the most */

/* Hands one line to the logger. */
static void log_line(struct script_host *h, const char *line)
{
	if (h->log)
		h->log(h->log_arg, line);
}

/* log(...) and print(...): one line to the session's events; a line is
 * cut at LOG_LINE_MAX bytes and a host logs LOG_TOTAL_MAX at the most. */
static int api_log(lua_State *L)
{
	struct script_host *h = script_host_of(L);
	const char *line = join_args(L);
	size_t n = strlen(line);
	char cut[LOG_LINE_MAX + 48];

	if (h->log_bytes >= LOG_TOTAL_MAX)
		return 0;
	if (n > LOG_LINE_MAX) {
		snprintf(cut, sizeof cut, "%.*s... (%zu bytes cut)", LOG_LINE_MAX, line,
			 n - LOG_LINE_MAX);
		line = cut;
		n = LOG_LINE_MAX;
	}
	h->log_bytes += n;
	log_line(h, line);
	if (h->log_bytes >= LOG_TOTAL_MAX)
		log_line(h, "log: the scripts logged more than 1 MiB; further lines are dropped");
	return 0;
}

/* ask(question, choices) -> the chosen string, through the console's asker. */
static int api_ask(lua_State *L)
{
	struct script_host *h = script_host_of(L);
	const char *question = luaL_checkstring(L, 1);
	const char *choices[MAX_ASK_CHOICES];
	lua_Integer i, n;
	int answer;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = (lua_Integer)lua_rawlen(L, 2);
	if (n < 1 || n > MAX_ASK_CHOICES)
		return luaL_error(L, "ask: give 1..%d choices", MAX_ASK_CHOICES);
	for (i = 1; i <= n; i++) {
		if (lua_rawgeti(L, 2, i) != LUA_TSTRING)
			return luaL_error(L, "ask: choice %I must be a string", i);
		choices[i - 1] = lua_tostring(L, -1);
	}
	if (h->pure)
		return luaL_error(L, "ask: not allowed in decode, encode or key functions "
				     "(they must be pure functions of their arguments)");
	if (h->ask == NULL)
		return luaL_error(L, "ask: there is no one to answer \"%s\" (no terminal and no "
				     "batch answer)",
				  question);
	answer = h->ask(h->ask_arg, question, choices, (size_t)n);
	if (answer < 0)
		return luaL_error(L, "ask: \"%s\" got no answer (cancelled, or no answer given "
				     "in batch mode)", question);
	if (answer >= n)
		return luaL_error(L, "ask: the console answered choice %d of %I", answer + 1, n);
	lua_pushstring(L, choices[answer]);
	return 1;
}

/* obd.hex(bytes) -> "0A FF" (upper case, one space between bytes). */
static int obd_hex(lua_State *L)
{
	size_t n, i;
	const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
	static const char digits[] = "0123456789ABCDEF";
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (i = 0; i < n; i++) {
		if (i)
			luaL_addchar(&b, ' ');
		luaL_addchar(&b, digits[s[i] >> 4]);
		luaL_addchar(&b, digits[s[i] & 15]);
	}
	luaL_pushresult(&b);
	return 1;
}

/* obd.unhex("0A FF") -> bytes; spaces between bytes are allowed. */
static int obd_unhex(lua_State *L)
{
	size_t n;
	const char *text = luaL_checklstring(L, 1, &n);
	uint8_t *out = lua_newuserdatauv(L, n / 2 + 1, 0);
	long len = hex_decode(text, out, n / 2 + 1);

	if (len < 0)
		return luaL_error(L, "obd.unhex: \"%s\" is not hex bytes", text);
	lua_pushlstring(L, (const char *)out, (size_t)len);
	return 1;
}

/* Checks a 0-based index into a string of n bytes. */
static size_t check_index(lua_State *L, const char *what, int arg, size_t n)
{
	lua_Integer i = luaL_checkinteger(L, arg);

	if (i < 0 || (size_t)i >= n)
		luaL_error(L, "%s: byte %I is outside a record of %d bytes", what, i, (int)n);
	return (size_t)i;
}

/* obd.byte(s, i) -> the byte at 0-based offset i. */
static int obd_byte(lua_State *L)
{
	size_t n;
	const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);

	lua_pushinteger(L, s[check_index(L, "obd.byte", 2, n)]);
	return 1;
}

/* obd.setbyte(s, i, v) -> a copy of s with byte i set to v (0..255). */
static int obd_setbyte(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	size_t i = check_index(L, "obd.setbyte", 2, n);
	lua_Integer v = luaL_checkinteger(L, 3);
	char *copy;

	if (v < 0 || v > 255)
		return luaL_error(L, "obd.setbyte: value %I is not a byte (0..255)", v);
	copy = lua_newuserdatauv(L, n, 0);
	memcpy(copy, s, n);
	copy[i] = (char)v;
	lua_pushlstring(L, copy, n);
	return 1;
}

/* The lowest set bit of a mask argument, checking the mask. */
static int mask_shift(lua_State *L, const char *what, lua_Integer mask)
{
	int shift = 0;

	if (mask <= 0)
		luaL_error(L, "%s: the mask must be a positive integer", what);
	while (!((mask >> shift) & 1))
		shift++;
	return shift;
}

/* obd.bits(v, mask) -> (v & mask) >> (lowest bit of mask). */
static int obd_bits(lua_State *L)
{
	lua_Integer v = luaL_checkinteger(L, 1), mask = luaL_checkinteger(L, 2);

	lua_pushinteger(L, (v & mask) >> mask_shift(L, "obd.bits", mask));
	return 1;
}

/* obd.setbits(v, mask, x) -> v with the bits under mask replaced by x. */
static int obd_setbits(lua_State *L)
{
	lua_Integer v = luaL_checkinteger(L, 1), mask = luaL_checkinteger(L, 2);
	lua_Integer x = luaL_checkinteger(L, 3);
	int shift = mask_shift(L, "obd.setbits", mask);

	if (x < 0 || x > (mask >> shift) || (((lua_Unsigned)x << shift) & ~(lua_Unsigned)mask) != 0)
		return luaL_error(L, "obd.setbits: %I does not fit under the mask %I", x, mask);
	lua_pushinteger(L, (lua_Integer)(((lua_Unsigned)v & ~(lua_Unsigned)mask) |
					 ((lua_Unsigned)x << shift)));
	return 1;
}

/* Reverses the low width bits of v. */
static uint32_t reflect(uint32_t v, unsigned width)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < width; i++)
		if (v & ((uint32_t)1 << i))
			r |= (uint32_t)1 << (width - 1 - i);
	return r;
}

/* A CRC of width 8, 16 or 32 bits, bit by bit, in the usual parameters
 * (Williams' model: poly, init, refin, refout, xorout). */
uint32_t script_crc(const uint8_t *p, size_t n, unsigned width, uint32_t poly, uint32_t init,
		    bool refin, bool refout, uint32_t xorout)
{
	uint32_t top = (uint32_t)1 << (width - 1);
	uint32_t mask = width == 32 ? 0xFFFFFFFFu : ((uint32_t)1 << width) - 1;
	uint32_t crc = init & mask;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		uint32_t byte = refin ? reflect(p[i], 8) : p[i];
		crc ^= byte << (width - 8);
		for (b = 0; b < 8; b++)
			crc = (crc & top) ? (crc << 1) ^ poly : crc << 1;
		crc &= mask;
	}
	if (refout)
		crc = reflect(crc, width);
	return (crc ^ xorout) & mask;
}

/* Named CRC parameters. */
struct crc_preset {
	const char *name;
	unsigned width;
	uint32_t poly, init;
	bool refin, refout;
	uint32_t xorout;
};

static const struct crc_preset crc_presets[] = {
	{ "smbus", 8, 0x07, 0x00, false, false, 0x00 },
	{ "sae-j1850", 8, 0x1D, 0xFF, false, false, 0xFF },
	{ "autosar", 8, 0x2F, 0xFF, false, false, 0xFF },
	{ "maxim", 8, 0x31, 0x00, true, true, 0x00 },
	{ "ccitt-false", 16, 0x1021, 0xFFFF, false, false, 0x0000 },
	{ "arc", 16, 0x8005, 0x0000, true, true, 0x0000 },
	{ "modbus", 16, 0x8005, 0xFFFF, true, true, 0x0000 },
	{ "xmodem", 16, 0x1021, 0x0000, false, false, 0x0000 },
	{ "kermit", 16, 0x1021, 0x0000, true, true, 0x0000 },
	{ "ieee", 32, 0x04C11DB7, 0xFFFFFFFF, true, true, 0xFFFFFFFF },
};

/* The preset of a width with the given name, or NULL. */
static const struct crc_preset *preset_named(const char *name, unsigned width)
{
	size_t i;

	for (i = 0; i < sizeof crc_presets / sizeof crc_presets[0]; i++)
		if (crc_presets[i].width == width && strcmp(crc_presets[i].name, name) == 0)
			return &crc_presets[i];
	return NULL;
}

/* The preset of a width named at argument arg, or a Lua error listing them. */
static const struct crc_preset *crc_preset(lua_State *L, const char *what, int arg,
					   unsigned width)
{
	const char *name = lua_tostring(L, arg);
	const struct crc_preset *p = preset_named(name, width);

	if (p)
		return p;
	luaL_error(L, "%s: unknown preset \"%s\" (%s)", what, name,
		   width == 8 ? "smbus, sae-j1850, autosar, maxim"
			      : "ccitt-false, arc, modbus, xmodem, kermit");
	return NULL;
}

/* Integer argument within width bits. */
static uint32_t width_arg(lua_State *L, int arg, unsigned width, lua_Integer def)
{
	lua_Integer v = luaL_optinteger(L, arg, def);
	lua_Integer max = width == 32 ? 0xFFFFFFFF : ((lua_Integer)1 << width) - 1;

	if (v < 0 || v > max)
		luaL_argerror(L, arg, "out of range for this CRC width");
	return (uint32_t)v;
}

/* obd.crc8(s [, preset | poly [, init [, xorout]]]): MSB first, no
 * reflection unless a preset says so; default preset "smbus". */
static int obd_crc8(lua_State *L)
{
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	struct crc_preset p = crc_presets[0];

	if (lua_type(L, 2) == LUA_TSTRING) {
		p = *crc_preset(L, "obd.crc8", 2, 8);
	} else if (!lua_isnoneornil(L, 2)) {
		p.poly = width_arg(L, 2, 8, 0x07);
		p.init = width_arg(L, 3, 8, 0x00);
		p.xorout = width_arg(L, 4, 8, 0x00);
	}
	lua_pushinteger(L, script_crc(s, n, 8, p.poly, p.init, p.refin, p.refout, p.xorout));
	return 1;
}

/* obd.crc16(s [, preset | poly, init, refin, refout, xorout]); default
 * preset "ccitt-false". */
static int obd_crc16(lua_State *L)
{
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);
	struct crc_preset p = *preset_named("ccitt-false", 16);

	if (lua_type(L, 2) == LUA_TSTRING) {
		p = *crc_preset(L, "obd.crc16", 2, 16);
	} else if (!lua_isnoneornil(L, 2)) {
		p.poly = width_arg(L, 2, 16, 0x1021);
		p.init = width_arg(L, 3, 16, 0xFFFF);
		p.refin = lua_toboolean(L, 4);
		p.refout = lua_toboolean(L, 5);
		p.xorout = width_arg(L, 6, 16, 0);
	}
	lua_pushinteger(L, script_crc(s, n, 16, p.poly, p.init, p.refin, p.refout, p.xorout));
	return 1;
}

/* obd.crc32(s): CRC-32 as in IEEE 802.3, zlib and PNG. */
static int obd_crc32(lua_State *L)
{
	size_t n;
	const uint8_t *s = (const uint8_t *)luaL_checklstring(L, 1, &n);

	lua_pushinteger(L, script_crc(s, n, 32, 0x04C11DB7, 0xFFFFFFFF, true, true, 0xFFFFFFFF));
	return 1;
}

/* Sum of the bytes of the string argument. */
static lua_Integer byte_sum(lua_State *L)
{
	size_t n, i;
	const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
	lua_Integer sum = 0;

	for (i = 0; i < n; i++)
		sum += s[i];
	return sum;
}

/* obd.sum8(s): the sum of the bytes modulo 256. */
static int obd_sum8(lua_State *L)
{
	lua_pushinteger(L, byte_sum(L) & 0xFF);
	return 1;
}

/* obd.sum16(s): the sum of the bytes modulo 65536. */
static int obd_sum16(lua_State *L)
{
	lua_pushinteger(L, byte_sum(L) & 0xFFFF);
	return 1;
}

/* Packs v into n bytes, or unpacks n bytes of a string at a 0-based
 * offset (upvalue 1: n, upvalue 2: big endian). */
static int obd_pack(lua_State *L)
{
	int n = (int)lua_tointeger(L, lua_upvalueindex(1));
	bool be = lua_toboolean(L, lua_upvalueindex(2));
	unsigned char buf[4];
	uint32_t v = 0;
	int k;

	if (lua_type(L, 1) == LUA_TSTRING) {
		size_t len;
		const unsigned char *s = (const unsigned char *)lua_tolstring(L, 1, &len);
		lua_Integer at = luaL_optinteger(L, 2, 0);
		if (at < 0 || (size_t)at + (size_t)n > len)
			return luaL_error(L, "obd.u%d%s: bytes %I..%I are outside a string of %d "
					     "bytes",
					  n * 8, be ? "be" : "le", at, at + n - 1, (int)len);
		for (k = 0; k < n; k++)
			v |= (uint32_t)s[at + k] << (8 * (be ? n - 1 - k : k));
		lua_pushinteger(L, v);
		return 1;
	}
	{
		lua_Integer x = luaL_checkinteger(L, 1);
		if (x < 0 || x > (n == 4 ? 0xFFFFFFFF : 0xFFFF))
			return luaL_error(L, "obd.u%d%s: %I does not fit in %d bytes", n * 8,
					  be ? "be" : "le", x, n);
		for (k = 0; k < n; k++)
			buf[k] = (unsigned char)(x >> (8 * (be ? n - 1 - k : k)));
	}
	lua_pushlstring(L, (const char *)buf, (size_t)n);
	return 1;
}

/* Width argument of a key operation: 8, 16 or 32 (default 32). */
static unsigned key_width(lua_State *L, int arg)
{
	lua_Integer w = luaL_optinteger(L, arg, 32);

	if (w != 8 && w != 16 && w != 32)
		luaL_argerror(L, arg, "width must be 8, 16 or 32");
	return (unsigned)w;
}

/* Mask of a width. */
static uint32_t key_mask(unsigned w)
{
	return w == 32 ? 0xFFFFFFFFu : ((uint32_t)1 << w) - 1;
}

/* One seed/key operation on a value of width bits. */
static uint32_t key_op(const char *op, uint32_t v, uint32_t k, unsigned w, bool *ok)
{
	uint32_t m = key_mask(w), r = 0;
	unsigned i, n = (unsigned)(k % w);

	*ok = true;
	v &= m;
	if (strcmp(op, "xor") == 0)
		return (v ^ k) & m;
	if (strcmp(op, "add") == 0)
		return (v + k) & m;
	if (strcmp(op, "sub") == 0)
		return (v - k) & m;
	if (strcmp(op, "mul") == 0)
		return (uint32_t)((uint64_t)v * k) & m;
	if (strcmp(op, "rol") == 0)
		return n ? ((v << n) | (v >> (w - n))) & m : v;
	if (strcmp(op, "ror") == 0)
		return n ? ((v >> n) | (v << (w - n))) & m : v;
	if (strcmp(op, "not") == 0)
		return ~v & m;
	if (strcmp(op, "swap") == 0) {
		for (i = 0; i < w / 8; i++)
			r |= ((v >> (8 * i)) & 0xFF) << (w - 8 - 8 * i);
		return r;
	}
	*ok = false;
	return v;
}

/* obd.key.OP(v [, k] [, width]): one operation (upvalue 1: its name;
 * upvalue 2: whether it takes an operand). */
static int obd_key_op(lua_State *L)
{
	const char *op = lua_tostring(L, lua_upvalueindex(1));
	bool operand = lua_toboolean(L, lua_upvalueindex(2));
	lua_Integer v = luaL_checkinteger(L, 1);
	lua_Integer k = operand ? luaL_checkinteger(L, 2) : 0;
	unsigned w = key_width(L, operand ? 3 : 2);
	bool ok;

	if (v < 0 || (uint64_t)v > key_mask(w) || k < 0 || (uint64_t)k > key_mask(w))
		return luaL_error(L, "obd.key.%s: values must be unsigned and fit in %d bits", op,
				  (int)w);
	lua_pushinteger(L, key_op(op, (uint32_t)v, (uint32_t)k, w, &ok));
	return 1;
}

/* True for the key operations that take an operand. */
static bool key_takes_operand(const char *op)
{
	return strcmp(op, "not") != 0 && strcmp(op, "swap") != 0;
}

/* The operand of step i of obd.key.run (its table on top): an integer
 * that fits the width (a rotation: 0..width-1); raises an error otherwise. */
static uint32_t key_step_operand(lua_State *L, lua_Integer i, const char *op, unsigned w)
{
	int isnum = 0;
	lua_Integer k;
	bool rotate = strcmp(op, "rol") == 0 || strcmp(op, "ror") == 0;

	lua_rawgeti(L, -1, 2);
	if (!key_takes_operand(op)) {
		if (!lua_isnil(L, -1))
			luaL_error(L, "obd.key.run: step %I: \"%s\" takes no operand", i, op);
		lua_pop(L, 1);
		return 0;
	}
	k = lua_tointegerx(L, -1, &isnum);
	if (!isnum)
		luaL_error(L, "obd.key.run: step %I: \"%s\" needs an integer operand", i, op);
	if (k < 0 || (uint64_t)k > (rotate ? w - 1 : key_mask(w)))
		luaL_error(L, "obd.key.run: step %I: operand %I of \"%s\" is outside 0..%I", i, k,
			   op, (lua_Integer)(rotate ? w - 1 : key_mask(w)));
	lua_pop(L, 1);
	return (uint32_t)k;
}

/* obd.key.run(seed, ops [, width]) -> key: the seed bytes (1 to 4) read
 * big-endian as one value of width bits (default: the seed's, 32 for 3
 * bytes), each { "op", operand } applied in order, the result's low bytes
 * written back big-endian with the seed's length. */
static int obd_key_run(lua_State *L)
{
	size_t n, k;
	const unsigned char *seed = (const unsigned char *)luaL_checklstring(L, 1, &n);
	unsigned char out[4];
	uint32_t v = 0;
	lua_Integer i, nops;
	unsigned w, min;
	bool ok;

	luaL_checktype(L, 2, LUA_TTABLE);
	if (n < 1 || n > 4)
		return luaL_error(L, "obd.key.run: the seed must be 1 to 4 bytes (got %d)", (int)n);
	min = n == 1 ? 8 : n == 2 ? 16 : 32;
	w = lua_isnoneornil(L, 3) ? min : key_width(L, 3);
	if (w < min)
		return luaL_error(L, "obd.key.run: a %d-byte seed needs a width of %d bits or more",
				  (int)n, (int)min);
	lua_settop(L, 2);
	for (k = 0; k < n; k++)
		v = v << 8 | seed[k];
	nops = (lua_Integer)lua_rawlen(L, 2);
	for (i = 1; i <= nops; i++) {
		const char *op;
		if (lua_rawgeti(L, 2, i) != LUA_TTABLE || lua_rawgeti(L, -1, 1) != LUA_TSTRING)
			return luaL_error(L, "obd.key.run: step %I must be { \"op\", operand }", i);
		op = lua_tostring(L, -1);
		lua_pop(L, 1);
		key_op(op, 0, 0, w, &ok);
		if (!ok)
			return luaL_error(L, "obd.key.run: step %I: unknown operation \"%s\" (xor, "
					     "add, sub, mul, rol, ror, not, swap)", i, op);
		v = key_op(op, v, key_step_operand(L, i, op, w), w, &ok);
		lua_pop(L, 1);
	}
	for (k = 0; k < n; k++)
		out[k] = (unsigned char)(v >> (8 * (n - 1 - k)));
	lua_pushlstring(L, (const char *)out, n);
	return 1;
}

/* Adds a closure over (name, flag) to the table on top. */
static void add_closure(lua_State *L, const char *field, lua_CFunction fn, const char *up1,
			lua_Integer up1n, bool up2)
{
	if (up1)
		lua_pushstring(L, up1);
	else
		lua_pushinteger(L, up1n);
	lua_pushboolean(L, up2);
	lua_pushcclosure(L, fn, 2);
	lua_setfield(L, -2, field);
}

/* Pushes the obd.key table. */
static void push_key_table(lua_State *L)
{
	lua_newtable(L);
	add_closure(L, "xor", obd_key_op, "xor", 0, true);
	add_closure(L, "add", obd_key_op, "add", 0, true);
	add_closure(L, "sub", obd_key_op, "sub", 0, true);
	add_closure(L, "mul", obd_key_op, "mul", 0, true);
	add_closure(L, "rol", obd_key_op, "rol", 0, true);
	add_closure(L, "ror", obd_key_op, "ror", 0, true);
	add_closure(L, "not", obd_key_op, "not", 0, false);
	add_closure(L, "bnot", obd_key_op, "not", 0, false);
	add_closure(L, "swap", obd_key_op, "swap", 0, false);
	lua_pushcfunction(L, obd_key_run);
	lua_setfield(L, -2, "run");
}

/* Registers log, print, ask and the obd table. */
void script_api_helpers_open(lua_State *L)
{
	static const luaL_Reg obd[] = {
		{ "hex", obd_hex },     { "unhex", obd_unhex },     { "byte", obd_byte },
		{ "setbyte", obd_setbyte }, { "bits", obd_bits },   { "setbits", obd_setbits },
		{ "crc8", obd_crc8 },   { "crc16", obd_crc16 },     { "crc32", obd_crc32 },
		{ "sum8", obd_sum8 },   { "sum16", obd_sum16 },     { NULL, NULL },
	};

	lua_register(L, "log", api_log);
	lua_register(L, "print", api_log);
	lua_register(L, "ask", api_ask);
	luaL_newlib(L, obd);
	add_closure(L, "u16be", obd_pack, NULL, 2, true);
	add_closure(L, "u32be", obd_pack, NULL, 4, true);
	add_closure(L, "u16le", obd_pack, NULL, 2, false);
	add_closure(L, "u32le", obd_pack, NULL, 4, false);
	push_key_table(L);
	lua_setfield(L, -2, "key");
	lua_setglobal(L, "obd");
}
