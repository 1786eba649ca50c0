/* feature.c: feature values: decoding and encoding them in DID records
 * (built-in kinds in C, custom kinds through the script's pure decode and
 * encode functions), parsing what users type, formatting for display, and
 * security keys computed by module scripts. Encoding is all or nothing. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "script/script_internal.h"

/* The feature i, or an ERR_NOT_FOUND error. */
static const struct script_feature *feature_or_fail(const struct script_host *h, size_t i,
						    struct error *e)
{
	const struct script_feature *f = script_feature(h, i);

	if (f == NULL)
		error_set(e, ERR_NOT_FOUND, "no feature %zu", i);
	return f;
}

/* The DIDs a feature reads and writes. */
const uint16_t *script_feature_dids(const struct script_host *h, size_t feature, size_t *n)
{
	const struct script_feature *f = script_feature(h, feature);

	*n = 0;
	if (f == NULL)
		return NULL;
	*n = f->ndids;
	return f->kind == FEATURE_CUSTOM ? f->dids : &f->did;
}

/* Index of the record holding did, or -1. */
static int record_index(const struct script_record *recs, size_t n, uint16_t did)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (recs[i].did == did)
			return (int)i;
	return -1;
}

/* Finds every record a feature needs; -ERR_ARG names a missing one. */
static int need_records(const struct script_feature *f, const uint16_t *dids,
			const struct script_record *recs, size_t n, struct error *e)
{
	size_t i;

	for (i = 0; i < f->ndids; i++) {
		if (record_index(recs, n, dids[i]) < 0)
			return error_set(e, ERR_ARG, "feature '%s' needs DID %04X, which was not read",
					 f->id, dids[i]);
		if (recs[record_index(recs, n, dids[i])].len > SCRIPT_RECORD_MAX)
			return error_set(e, ERR_UNSUPPORTED, "DID %04X is longer than %d bytes",
					 dids[i], SCRIPT_RECORD_MAX);
	}
	return 0;
}

/* The record of a built-in feature, checked to hold its location. */
static const struct script_record *field_record(const struct script_feature *f,
						const struct script_record *recs, size_t n,
						struct error *e)
{
	int i = record_index(recs, n, f->did);

	if (i < 0) {
		error_set(e, ERR_ARG, "feature '%s' needs DID %04X, which was not read", f->id, f->did);
		return NULL;
	}
	if (f->byte + f->bytes > recs[i].len) {
		error_set(e, ERR_UNSUPPORTED, "DID %04X has %zu bytes; feature '%s' needs byte%s %u%s",
			  f->did, recs[i].len, f->id, f->bytes > 1 ? "s" : "", f->byte,
			  f->bytes > 1 ? "..." : "");
		if (f->bytes > 1) {
			size_t len = strlen(e->text);
			snprintf(e->text + len, sizeof e->text - len, "%u", f->byte + f->bytes - 1);
		}
		return NULL;
	}
	return &recs[i];
}

/* Reads the field's bytes as one unsigned integer. */
static uint32_t read_uint(const struct script_feature *f, const uint8_t *p)
{
	uint32_t v = 0;
	unsigned k;

	for (k = 0; k < f->bytes; k++)
		v |= (uint32_t)p[k] << (8 * (f->big_endian ? f->bytes - 1 - k : k));
	return v;
}

/* Writes an unsigned integer into the field's bytes. */
static void write_uint(const struct script_feature *f, uint8_t *p, uint32_t v)
{
	unsigned k;

	for (k = 0; k < f->bytes; k++)
		p[k] = (uint8_t)(v >> (8 * (f->big_endian ? f->bytes - 1 - k : k)));
}

/* Number of bits under the field's mask once shifted down. */
static unsigned field_bits(const struct script_feature *f)
{
	uint32_t m = f->mask >> f->shift;
	unsigned bits = 0;

	while (bits < 32 && (m >> bits))
		bits++;
	return bits;
}

/* The value of a number field's raw bits (sign-extended when signed). */
static double number_from_raw(const struct script_feature *f, uint32_t raw)
{
	unsigned bits = field_bits(f);
	double r = raw;

	if (f->is_signed && bits > 0 && (raw >> (bits - 1)) & 1)
		r -= ldexp(1, (int)bits);
	return r * f->scale + f->offset;
}

/* Sets a string value. */
static void set_string_value(struct script_value *v, const char *s, size_t n)
{
	memset(v, 0, sizeof *v);
	v->type = SCRIPT_VALUE_STRING;
	if (n >= SCRIPT_VALUE_MAX)
		n = SCRIPT_VALUE_MAX - 1;
	memcpy(v->str, s, n);
	v->len = n;
}

/* Sets a number value. */
static void set_number_value(struct script_value *v, double num)
{
	memset(v, 0, sizeof *v);
	v->type = SCRIPT_VALUE_NUMBER;
	v->num = num;
}

/* Decodes a built-in kind. */
static int decode_builtin(const struct script_feature *f, const struct script_record *rec,
			  struct script_value *out)
{
	const uint8_t *p = rec->data + f->byte;
	uint32_t raw;
	size_t n;

	switch (f->kind) {
	case FEATURE_STRING:
		n = f->bytes;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == 0))
			n--;
		set_string_value(out, (const char *)p, n);
		return 0;
	case FEATURE_NUMBER:
		raw = (read_uint(f, p) & f->mask) >> f->shift;
		set_number_value(out, number_from_raw(f, raw));
		return 0;
	case FEATURE_BIT:
		set_number_value(out, (p[0] >> f->bit) & 1);
		return 0;
	default:
		set_number_value(out, read_uint(f, p) & f->mask);
		return 0;
	}
}

/* A call of a custom feature's decode or encode. */
struct custom_call {
	const struct script_feature *f;
	const struct script_record *recs;
	size_t n;
	struct script_value *out;      /* decode */
	const struct script_value *in; /* encode */
	uint8_t *next[8];              /* encode: the new content of each DID */
};

/* Raises a Lua error located at the feature's declaration. */
static int feature_error(lua_State *L, const struct script_feature *f, const char *msg)
{
	lua_pushfstring(L, "%s:%d: feature '%s': %s", f->file, f->line, f->id, msg);
	return lua_error(L);
}

/* Pushes rec = { [did] = bytes } of the records a custom feature reads. */
static void push_records(lua_State *L, const struct custom_call *c)
{
	size_t i;

	lua_createtable(L, 0, (int)c->f->ndids);
	for (i = 0; i < c->f->ndids; i++) {
		const struct script_record *r = &c->recs[record_index(c->recs, c->n, c->f->dids[i])];
		lua_pushlstring(L, (const char *)r->data, r->len);
		lua_rawseti(L, -2, r->did);
	}
}

/* Converts what decode() returned (on top) into the value. */
static void take_decoded(lua_State *L, const struct custom_call *c)
{
	const struct script_feature *f = c->f;
	size_t n;
	const char *s;

	switch (lua_type(L, -1)) {
	case LUA_TBOOLEAN:
		set_number_value(c->out, lua_toboolean(L, -1));
		break;
	case LUA_TNUMBER:
		set_number_value(c->out, lua_tonumber(L, -1));
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, -1, &n);
		if (n >= SCRIPT_VALUE_MAX)
			feature_error(L, f, "decode returned a string longer than 255 bytes");
		set_string_value(c->out, s, n);
		break;
	default:
		feature_error(L, f, lua_pushfstring(L, "decode returned %s instead of a value",
						    luaL_typename(L, -1)));
	}
	if (c->out->type != f->type)
		feature_error(L, f, f->type == SCRIPT_VALUE_NUMBER
					    ? "decode returned a string; this feature's values are numbers"
					    : "decode returned a number; this feature's values are "
					      "strings (declare values or min/max for numbers)");
}

/* Runs a custom decode (protected). */
static int decode_protected(lua_State *L)
{
	struct custom_call *c = lua_touserdata(L, 1);

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->f->decode_ref);
	push_records(L, c);
	lua_call(L, 1, 1);
	take_decoded(L, c);
	return 0;
}

/* Decodes a feature's value from the records. */
int script_feature_decode(struct script_host *h, size_t feature, const struct script_record *recs,
			  size_t n, struct script_value *out, struct error *e)
{
	const struct script_feature *f = feature_or_fail(h, feature, e);
	const struct script_record *rec;
	/* cppcheck-suppress ctuuninitvar ; only the pointer is kept: *out is cleared below */
	struct custom_call c = { f, recs, n, out, NULL, { NULL } };
	int rc;

	if (f == NULL)
		return -ERR_NOT_FOUND;
	memset(out, 0, sizeof *out);
	if (f->kind != FEATURE_CUSTOM) {
		rec = field_record(f, recs, n, e);
		return rec ? decode_builtin(f, rec, out) : -(int)e->kind;
	}
	if (need_records(f, f->dids, recs, n, e) < 0)
		return -(int)e->kind;
	h->pure = true;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", f->file, f->line);
	rc = sandbox_run(&h->sb, decode_protected, &c, e);
	h->pure = false;
	if (rc < 0) {
		memset(out, 0, sizeof *out);
		return script_error_context(e, "decode of feature '%s'", f->id);
	}
	return 0;
}

/* Index of a choice with the given raw value, or -1. */
static int choice_index(const struct script_feature *f, double raw)
{
	size_t i;

	for (i = 0; i < f->nchoices; i++)
		if ((double)f->choices[i].raw == raw)
			return (int)i;
	return -1;
}

/* Lists the names of a feature's choices into out. */
static void list_choices(const struct script_feature *f, char *out, size_t n)
{
	size_t i, len = 0;

	out[0] = 0;
	for (i = 0; i < f->nchoices && len < n; i++) {
		snprintf(out + len, n - len, "%s%s", i ? ", " : "", f->choices[i].name);
		len = strlen(out);
	}
}

/* Decimals needed to show multiples of scale plus offset exactly (0..6). */
static int decimals(const struct script_feature *f)
{
	int d;

	for (d = 0; d < 6; d++) {
		double m = pow(10, d);
		if (fabs(f->scale * m - round(f->scale * m)) < 1e-9 &&
		    fabs(f->offset * m - round(f->offset * m)) < 1e-9)
			break;
	}
	return d;
}

/* Checks a number against min..max and the field's steps; *raw gets the
 * field's bits. */
static int check_number(const struct script_feature *f, double v, uint32_t *raw, struct error *e)
{
	double r, lo = 0, hi = 0;
	unsigned bits = field_bits(f);
	int d = decimals(f);

	if (!isfinite(v) || v < f->min - 1e-9 || v > f->max + 1e-9)
		return error_set(e, ERR_ARG, "%s: %.*f is outside %.*f..%.*f%s%s", f->id, d, v, d,
				 f->min, d, f->max, f->unit ? " " : "", f->unit ? f->unit : "");
	if (f->kind == FEATURE_CUSTOM) {
		*raw = 0;
		return 0;
	}
	r = (v - f->offset) / f->scale;
	if (fabs(r - round(r)) > 1e-6)
		return error_set(e, ERR_ARG, "%s: %g cannot be stored: values go in steps of %g%s%s",
				 f->id, v, f->scale, f->unit ? " " : "", f->unit ? f->unit : "");
	r = round(r);
	if (f->is_signed) {
		lo = -ldexp(1, (int)bits - 1);
		hi = ldexp(1, (int)bits - 1) - 1;
	} else {
		hi = (double)(f->mask >> f->shift);
	}
	if (r < lo || r > hi)
		return error_set(e, ERR_ARG, "%s: %g does not fit the field", f->id, v);
	if (r < 0)
		r += ldexp(1, (int)bits);
	*raw = (uint32_t)r;
	return 0;
}

/* Checks a string against the field's size and charset. */
static int check_string(const struct script_feature *f, const struct script_value *v,
			struct error *e)
{
	size_t i, max = f->kind == FEATURE_STRING ? f->bytes : SCRIPT_VALUE_MAX - 1;

	if (v->len > max)
		return error_set(e, ERR_ARG, "%s: \"%.*s\" is longer than %zu characters", f->id,
				 (int)v->len, v->str, max);
	for (i = 0; f->kind == FEATURE_STRING && i < v->len; i++) {
		unsigned char ch = (unsigned char)v->str[i];
		bool ok = strcmp(f->charset, "digits") == 0 ? isdigit(ch) : ch >= 0x20 && ch < 0x7F;
		if (!ok)
			return error_set(e, ERR_ARG, "%s: character %u of \"%.*s\" is not %s", f->id,
					 (unsigned)i + 1, (int)v->len, v->str,
					 strcmp(f->charset, "digits") == 0 ? "a digit"
									   : "printable ASCII");
	}
	return 0;
}

/* Checks that v is a value the feature may be set to; *raw gets the
 * field's bits for built-in kinds. */
static int check_value(const struct script_feature *f, const struct script_value *v,
		       uint32_t *raw, struct error *e)
{
	char names[256];

	*raw = 0;
	if (v->type != f->type)
		return error_set(e, ERR_ARG, "%s: expects a %s value", f->id,
				 f->type == SCRIPT_VALUE_NUMBER ? "number" : "text");
	if (f->type == SCRIPT_VALUE_STRING)
		return check_string(f, v, e);
	if (f->kind == FEATURE_BIT) {
		if (v->num != 0 && v->num != 1)
			return error_set(e, ERR_ARG, "%s: expects off or on", f->id);
		*raw = (uint32_t)v->num << f->bit;
		return 0;
	}
	if (f->nchoices) {
		if (choice_index(f, v->num) < 0) {
			list_choices(f, names, sizeof names);
			return error_set(e, ERR_ARG, "%s: not one of its values (%s)", f->id, names);
		}
		*raw = f->choices[choice_index(f, v->num)].raw;
		return 0;
	}
	if (f->kind == FEATURE_NUMBER || f->has_min)
		return check_number(f, v->num, raw, e);
	return 0;
}

/* Encodes a built-in kind into a copy of the record. */
static void encode_builtin(const struct script_feature *f, uint8_t *p, uint32_t raw,
			   const struct script_value *v)
{
	uint32_t word;

	if (f->kind == FEATURE_STRING) {
		memset(p, f->pad, f->bytes);
		memcpy(p, v->str, v->len);
		return;
	}
	word = read_uint(f, p);
	if (f->kind == FEATURE_NUMBER)
		raw = (raw << f->shift) & f->mask;
	word = (word & ~f->mask) | (raw & f->mask);
	write_uint(f, p, word);
}

/* Pushes a value as Lua sees it: integers as integers. */
static void push_value(lua_State *L, const struct script_value *v)
{
	if (v->type == SCRIPT_VALUE_STRING)
		lua_pushlstring(L, v->str, v->len);
	else if (v->num == floor(v->num) && fabs(v->num) < 9e15)
		lua_pushinteger(L, (lua_Integer)v->num);
	else
		lua_pushnumber(L, v->num);
}

/* Pushes and returns "0600" for a DID (lua_pushfstring has no %04X). */
static const char *did_name(lua_State *L, uint16_t did)
{
	char buf[8];

	snprintf(buf, sizeof buf, "%04X", did);
	return lua_pushstring(L, buf);
}

/* Checks what encode() returned (on top) and copies each new record into
 * c->next (owned by the call); a record left out stays as it was. */
static void take_encoded(lua_State *L, struct custom_call *c)
{
	const struct script_feature *f = c->f;
	size_t i, len;
	const char *s;

	if (!lua_istable(L, -1))
		feature_error(L, f, "encode must return the records table");
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_Integer did = lua_type(L, -2) == LUA_TNUMBER ? lua_tointeger(L, -2) : -1;
		for (i = 0; i < f->ndids && f->dids[i] != did; i++)
			;
		if (i == f->ndids)
			feature_error(L, f, lua_pushfstring(L, "encode returned a record for %s, which "
							       "the feature does not declare in dids",
							    luaL_tolstring(L, -2, NULL)));
		lua_pop(L, 1);
	}
	for (i = 0; i < f->ndids; i++) {
		const struct script_record *r = &c->recs[record_index(c->recs, c->n, f->dids[i])];
		if (lua_rawgeti(L, -1, f->dids[i]) == LUA_TNIL) { /* left out: unchanged */
			memcpy(c->next[i], r->data, r->len);
			lua_pop(L, 1);
			continue;
		}
		s = lua_tolstring(L, -1, &len);
		if (lua_type(L, -1) != LUA_TSTRING || len != r->len)
			feature_error(L, f, lua_pushfstring(L, "encode must return DID %s as a "
							       "string of %d bytes",
							    did_name(L, r->did), (int)r->len));
		memcpy(c->next[i], s, len);
		lua_pop(L, 1);
	}
}

/* Runs a custom encode (protected). */
static int encode_protected(lua_State *L)
{
	struct custom_call *c = lua_touserdata(L, 1);

	if (c->f->encode_ref < 0)
		return feature_error(L, c->f, "is read-only (no encode function)");
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->f->encode_ref);
	push_records(L, c);
	push_value(L, c->in);
	lua_call(L, 2, 1);
	take_encoded(L, c);
	return 0;
}

/* Encodes a custom feature: new records computed apart, copied only when
 * the whole encode succeeded. */
static int encode_custom(struct script_host *h, const struct script_feature *f,
			 struct script_record *recs, size_t n, const struct script_value *v,
			 struct error *e)
{
	struct custom_call c = { f, recs, n, NULL, v, { NULL } };
	size_t i;
	int rc = 0;

	if (need_records(f, f->dids, recs, n, e) < 0)
		return -(int)e->kind;
	for (i = 0; i < f->ndids && rc == 0; i++) {
		c.next[i] = malloc(recs[record_index(recs, n, f->dids[i])].len + 1);
		if (c.next[i] == NULL)
			rc = error_set(e, ERR_NOMEM, "out of memory");
	}
	if (rc == 0) {
		h->pure = true;
		snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", f->file, f->line);
		rc = sandbox_run(&h->sb, encode_protected, &c, e);
		h->pure = false;
		if (rc < 0)
			script_error_context(e, "encode of feature '%s'", f->id);
	}
	for (i = 0; i < f->ndids; i++) {
		struct script_record *r = &recs[record_index(recs, n, f->dids[i])];
		if (rc == 0)
			memcpy(r->data, c.next[i], r->len);
		free(c.next[i]);
	}
	return rc;
}

/* Encodes v into the records in place, all or nothing. */
int script_feature_encode(struct script_host *h, size_t feature, struct script_record *recs,
			  size_t n, const struct script_value *v, struct error *e)
{
	const struct script_feature *f = feature_or_fail(h, feature, e);
	const struct script_record *rec;
	uint8_t field[SCRIPT_VALUE_MAX];
	uint32_t raw;

	if (f == NULL)
		return -ERR_NOT_FOUND;
	if (check_value(f, v, &raw, e) < 0)
		return -(int)e->kind;
	if (f->kind == FEATURE_CUSTOM)
		return encode_custom(h, f, recs, n, v, e);
	rec = field_record(f, recs, n, e);
	if (rec == NULL)
		return -(int)e->kind;
	memcpy(field, rec->data + f->byte, f->bytes);
	encode_builtin(f, field, raw, v);
	memcpy(rec->data + f->byte, field, f->bytes);
	return 0;
}

/* Parses on/off words; -1 when text is none of them. */
static int parse_switch(const char *text)
{
	static const char *const on[] = { "on", "1", "true", "yes", NULL };
	static const char *const off[] = { "off", "0", "false", "no", NULL };
	int i;

	for (i = 0; on[i]; i++)
		if (strcasecmp(text, on[i]) == 0)
			return 1;
	for (i = 0; off[i]; i++)
		if (strcasecmp(text, off[i]) == 0)
			return 0;
	return -1;
}

/* Parses a choice name (exact, then ignoring case). */
static int parse_choice(const struct script_feature *f, const char *text, struct script_value *out,
			struct error *e)
{
	char names[256];
	size_t i;

	for (i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].name, text) == 0)
			break;
	for (i = i < f->nchoices ? i : 0; i < f->nchoices; i++)
		if (strcasecmp(f->choices[i].name, text) == 0)
			break;
	if (i == f->nchoices) {
		list_choices(f, names, sizeof names);
		return error_set(e, ERR_ARG, "%s: \"%s\" is not one of its values (%s)", f->id, text,
				 names);
	}
	set_number_value(out, f->choices[i].raw);
	return 0;
}

/* Parses a number, with or without the unit after it. */
static int parse_number(const struct script_feature *f, const char *text, struct script_value *out,
			struct error *e)
{
	char *end;
	double v = strtod(text, &end);
	uint32_t raw;

	while (*end == ' ')
		end++;
	if (end == text || (*end && !(f->unit && strcmp(end, f->unit) == 0)))
		return error_set(e, ERR_ARG, "%s: \"%s\" is not a number", f->id, text);
	set_number_value(out, v);
	return check_number(f, v, &raw, e);
}

/* Parses what a user typed into a value the feature accepts. */
int script_value_parse(struct script_host *h, size_t feature, const char *text,
		       struct script_value *out, struct error *e)
{
	const struct script_feature *f = feature_or_fail(h, feature, e);
	int on;

	if (f == NULL)
		return -ERR_NOT_FOUND;
	memset(out, 0, sizeof *out);
	if (f->kind == FEATURE_BIT) {
		if ((on = parse_switch(text)) < 0)
			return error_set(e, ERR_ARG, "%s: \"%s\" is not off or on", f->id, text);
		set_number_value(out, on);
		return 0;
	}
	if (f->nchoices)
		return parse_choice(f, text, out, e);
	if (f->type == SCRIPT_VALUE_NUMBER)
		return parse_number(f, text, out, e);
	if (strlen(text) >= SCRIPT_VALUE_MAX)
		return error_set(e, ERR_ARG, "%s: text longer than %d characters", f->id,
				 SCRIPT_VALUE_MAX - 1);
	set_string_value(out, text, strlen(text));
	return check_string(f, out, e);
}

/* Copies a string value with anything unprintable as \xNN. */
static void format_string(const struct script_value *v, char *out, size_t n)
{
	size_t i, len = 0;

	out[0] = 0;
	for (i = 0; i < v->len && len + 5 < n; i++) {
		unsigned char ch = (unsigned char)v->str[i];
		if (ch >= 0x20 && ch < 0x7F)
			out[len++] = (char)ch;
		else
			len += (size_t)snprintf(out + len, n - len, "\\x%02X", ch);
		out[len] = 0;
	}
}

/* Formats a value for users. */
void script_value_format(const struct script_host *h, size_t feature, const struct script_value *v,
			 char *out, size_t n)
{
	const struct script_feature *f = script_feature(h, feature);
	const char *unit = f && f->unit ? f->unit : NULL;
	int c;

	if (n == 0)
		return;
	if (v->type == SCRIPT_VALUE_STRING) {
		format_string(v, out, n);
	} else if (f && f->kind == FEATURE_BIT && (v->num == 0 || v->num == 1)) {
		snprintf(out, n, "%s", v->num ? "on" : "off");
	} else if (f && f->nchoices) {
		c = choice_index(f, v->num);
		if (c >= 0)
			snprintf(out, n, "%s", f->choices[c].name);
		else
			snprintf(out, n, "0x%X (no name)", (unsigned)v->num);
	} else if (f && f->kind == FEATURE_NUMBER) {
		snprintf(out, n, "%.*f%s%s", decimals(f), v->num, unit ? " " : "", unit ? unit : "");
	} else {
		snprintf(out, n, "%g%s%s", v->num, unit ? " " : "", unit ? unit : "");
	}
}

/* Describes the values a feature accepts. */
void script_feature_describe_values(const struct script_host *h, size_t feature, char *out,
				    size_t n)
{
	const struct script_feature *f = script_feature(h, feature);
	const char *unit;
	int d;

	if (n == 0)
		return;
	out[0] = 0;
	if (f == NULL)
		return;
	unit = f->unit ? f->unit : "";
	d = decimals(f);
	if (f->kind == FEATURE_BIT)
		snprintf(out, n, "off, on");
	else if (f->nchoices)
		list_choices(f, out, n);
	else if (f->kind == FEATURE_NUMBER)
		snprintf(out, n, "%.*f..%.*f%s%s in steps of %.*f", d, f->min, d, f->max,
			 *unit ? " " : "", unit, d, f->scale);
	else if (f->type == SCRIPT_VALUE_NUMBER)
		snprintf(out, n, "%g..%g%s%s", f->min, f->max, *unit ? " " : "", unit);
	else if (f->kind == FEATURE_STRING)
		snprintf(out, n, "text of up to %u characters (%s)", f->bytes,
			 strcmp(f->charset, "digits") == 0 ? "digits" : "printable ASCII");
	else
		snprintf(out, n, "text");
}

/* A call of a module's key function. */
struct key_call {
	const struct script_module *m;
	const uint8_t *seed;
	size_t n;
	uint8_t *key;
	size_t cap, len;
};

/* Runs key(seed, level) and copies the key (protected). */
static int key_protected(lua_State *L)
{
	struct key_call *c = lua_touserdata(L, 1);
	const char *k;
	size_t len;

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->m->key_ref);
	lua_pushlstring(L, (const char *)c->seed, c->n);
	lua_pushinteger(L, c->m->security_level);
	lua_call(L, 2, 1);
	k = lua_tolstring(L, -1, &len);
	if (lua_type(L, -1) != LUA_TSTRING || len == 0)
		lua_pushfstring(L, "%s:%d: module '%s': key() must return the key as a byte string "
				   "(obd.u16be(k) or obd.u32be(k) make one from a number)",
				c->m->file, c->m->line, c->m->id);
	else if (len > c->cap)
		lua_pushfstring(L, "%s:%d: module '%s': key() returned %d bytes; at most %d fit",
				c->m->file, c->m->line, c->m->id, (int)len, (int)c->cap);
	else {
		memcpy(c->key, k, len);
		c->len = len;
		return 0;
	}
	return lua_error(L);
}

/* Computes the security-access key of a module for a seed. */
int script_module_key(struct script_host *h, size_t module, uint8_t level, const uint8_t *seed,
		      size_t n, uint8_t *key, size_t cap, size_t *klen, struct error *e)
{
	const struct script_module *m = script_module(h, module);
	struct key_call c = { m, seed, n, key, cap, 0 };
	int rc;

	*klen = 0;
	if (m == NULL)
		return error_set(e, ERR_NOT_FOUND, "no module %zu", module);
	if (m->key_ref < 0)
		return error_set(e, ERR_UNSUPPORTED, "module %s: its script gives no security key",
				 m->id);
	if (level != m->security_level)
		return error_set(e, ERR_ARG, "module %s: its script unlocks level %u, not %u", m->id,
				 m->security_level, level);
	h->pure = true;
	snprintf(h->sb.origin, sizeof h->sb.origin, "%s:%d", m->file, m->line);
	rc = sandbox_run(&h->sb, key_protected, &c, e);
	h->pure = false;
	if (rc < 0)
		return script_error_context(e, "key() of module '%s'", m->id);
	*klen = c.len;
	return 0;
}
