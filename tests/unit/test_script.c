/* test_script.c: the script sandbox and the declaration API. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "script/script.h"
#include "script/sdata.h"

static char tmpdir[64];

/* Writes a script into the temporary directory and returns its path. */
static const char *write_script(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads text as a script into a fresh host; returns the load result. */
static int load(struct script_host **h, const char *text, struct error *e)
{
	assert_int_equal(script_host_new(h, e), 0);
	return script_load_file(*h, write_script("t.lua", text), e);
}

static const char good[] =
	"local b = brand { id = 'demo', name = 'Demo', vin_wmi = { 'WVW', 'WVWZZZ' } }\n"
	"local m = b:module { id = '09', name = 'Body', tx = 0x70E, rx = 0x778 }\n"
	"m:feature { id = 'fold', name = 'Fold mirrors', did = 0x0601, byte = 1, bit = 2,\n"
	"  supported = function(ecu) return ecu.sw >= '0450', 'needs software 0450 or later' end }\n"
	"m:feature { id = 'horn', name = 'Horn on lock', did = 0x0601, byte = 0, bit = 0 }\n";

/* A good script declares a brand, a module and features with positions. */
static void test_declarations(void **state)
{
	struct script_host *h;
	struct error e;
	const struct script_feature *f;

	(void)state;
	assert_int_equal(load(&h, good, &e), 0);
	assert_int_equal(script_brand_count(h), 1);
	assert_string_equal(script_brand(h, 0)->name, "Demo");
	assert_int_equal(script_module_count(h), 1);
	assert_int_equal(script_module(h, 0)->tx, 0x70E);
	assert_int_equal(script_module(h, 0)->rx, 0x778);
	assert_int_equal(script_feature_count(h), 2);
	f = script_feature(h, 0);
	assert_string_equal(f->id, "fold");
	assert_int_equal(f->did, 0x0601);
	assert_int_equal(f->byte, 1);
	assert_int_equal(f->bit, 2);
	assert_int_equal(f->line, 3);
	assert_non_null(strstr(f->file, "t.lua"));
	script_host_free(h);
}

/* VIN matching takes the longest prefix; unknown VINs match nothing. */
static void test_match_vin(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, good, &e), 0);
	assert_int_equal(script_match_vin(h, "WVWZZZ1KZAW000001"), 0);
	assert_int_equal(script_match_vin(h, "WBA00000000000000"), -1);
	script_host_free(h);
}

/* supported() returns the script's reason when it says no. */
static void test_supported(void **state)
{
	struct script_host *h;
	struct script_ecu old = { "5K0937087AB", "0440", "H05" };
	struct script_ecu new = { "5K0937087AB", "0450", "H05" };
	char reason[128];
	bool ok;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, good, &e), 0);
	assert_int_equal(script_feature_supported(h, 0, &old, &ok, reason, sizeof reason, &e), 0);
	assert_false(ok);
	assert_string_equal(reason, "needs software 0450 or later");
	assert_int_equal(script_feature_supported(h, 0, &new, &ok, reason, sizeof reason, &e), 0);
	assert_true(ok);
	assert_int_equal(script_feature_supported(h, 1, &old, &ok, reason, sizeof reason, &e), 0);
	assert_true(ok);
	script_host_free(h);
}

/* Syntax errors come back as file:line: message. */
static void test_syntax_error(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, "local x = 1\nlocal = 2\n", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "t.lua:2:"));
	script_host_free(h);
}

/* A bad field is named with the line of the declaration; nothing of the file stays. */
static void test_bad_declaration(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h,
			      "local b = brand { id = 'x', name = 'X' }\n"
			      "local m = b:module { id = '1', name = 'M', tx = 0x7E0, rx = 0x7E8 }\n"
			      "m:feature { id = 'f', name = 'F', did = 1, byte = 0, bit = 9 }\n",
			      &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "t.lua:3:"));
	assert_non_null(strstr(e.text, "bit"));
	assert_int_equal(script_brand_count(h), 0);
	assert_int_equal(script_module_count(h), 0);
	script_host_free(h);
}

/* Unknown fields (typos) and duplicate ids are refused. */
static void test_unknown_and_duplicate(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, "brand { id = 'x', name = 'X', vin_wimi = {} }\n", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "unknown field 'vin_wimi'"));
	script_host_free(h);
	assert_int_equal(load(&h, "brand { id = 'x', name = 'X' }\nbrand { id = 'x', name = 'Y' }\n",
			      &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "t.lua:2:"));
	assert_non_null(strstr(e.text, "duplicate id 'x'"));
	script_host_free(h);
}

/* Blocked functions name themselves; the host keeps working afterwards. */
static void test_blocked_functions(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, "os.execute('touch /tmp/obdcon-pwned')\n", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "os.execute is not available"));
	assert_int_equal(access("/tmp/obdcon-pwned", F_OK), -1);
	assert_int_equal(script_load_file(h, write_script("u.lua", "io.open('/etc/passwd')\n"), &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "io.open is not available"));
	assert_int_equal(script_load_file(h, write_script("v.lua", "require('socket')\n"), &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "require is not available"));
	assert_int_equal(script_load_file(h, write_script("w.lua", good), &e), 0);
	assert_int_equal(script_feature_count(h), 2);
	script_host_free(h);
}

/* An infinite loop stops at the instruction limit, even inside pcall. */
static void test_instruction_limit(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_time_limit(h, 600000);
	assert_int_equal(script_load_file(h, write_script("t.lua", "while true do end\n"), &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "instruction limit"));
	assert_int_equal(script_load_file(h,
					  write_script("p.lua", "while true do pcall(function() "
								"while true do end end) end\n"),
					  &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "instruction limit"));
	script_host_free(h);
}

/* Memory bombs hit the cap with a clear error. */
static void test_memory_limit(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_time_limit(h, 600000);
	assert_int_equal(script_load_file(h, write_script("t.lua", "local t = {} for i = 1, 1e9 do "
								     "t[i] = string.rep('x', 1000) .. i "
								     "end\n"),
					  &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "memory"));
	script_host_free(h);
}

/* A loop of cheap instructions doing expensive work stops at the time
 * limit. */
static void test_time_limit(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(script_host_new(&h, &e), 0);
	script_set_time_limit(h, 200);
	assert_int_equal(script_load_file(h,
					  write_script("t.lua", "local s = string.rep('x', 1 << 20)\n"
								"local t = string.rep('x', (1 << 20) - 1) .. 'x'\n"
								"while true do local b = (s == t) end\n"),
					  &e),
			 -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "t.lua:3: time limit exceeded (200 ms per call)"));
	script_host_free(h);
}

/* Precompiled chunks are refused. */
static void test_bytecode_refused(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, "\x1bLua\x54\x00 junk", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "binary"));
	script_host_free(h);
	assert_int_equal(load(&h, "local f = load('\\27Lua') return f\n", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "precompiled"));
	script_host_free(h);
}

/* Error objects that are tables are described, not lost. */
static void test_table_error(void **state)
{
	struct script_host *h;
	struct error e;

	(void)state;
	assert_int_equal(load(&h, "error({ code = 1 })\n", &e), -ERR_SCRIPT);
	assert_non_null(strstr(e.text, "table"));
	script_host_free(h);
}

/* A data file becomes a tree with hex() strings and integer keys. */
static void test_sdata(void **state)
{
	struct sdata d;
	struct error e;
	const struct sdata *dids, *v;
	static const char text[] = "return { id = 'demo', volts = 12.5, obd = true,\n"
				   "  dids = { [0xF190] = 'VIN', [0x0600] = hex('0A FF 00') },\n"
				   "  list = { 'a', 'b', 'c' } }\n";

	(void)state;

	assert_int_equal(sdata_load_string("demo.lua", text, strlen(text), &d, &e), 0);
	assert_string_equal(sdata_str(&d, "id", ""), "demo");
	assert_true(sdata_num(&d, "volts", 0) == 12.5);
	assert_true(sdata_bool(&d, "obd", false));
	dids = sdata_get(&d, "dids");
	v = sdata_at(dids, 0x0600);
	assert_non_null(v);
	assert_int_equal(v->len, 3);
	assert_memory_equal(v->str, "\x0a\xff\x00", 3);
	assert_int_equal(sdata_array_len(sdata_get(&d, "list")), 3);
	assert_string_equal(sdata_at(sdata_get(&d, "list"), 2)->str, "b");
	sdata_free(&d);
}

/* Data files may not hold functions or run forever. */
static void test_sdata_errors(void **state)
{
	struct sdata d;
	struct error e;

	(void)state;
	assert_true(sdata_load_string("f.lua", "return { f = function() end }", 29, &d, &e) < 0);
	assert_non_null(strstr(e.text, "function"));
	assert_true(sdata_load_string("g.lua", "while true do end", 17, &d, &e) < 0);
	assert_non_null(strstr(e.text, "instruction limit"));
	assert_true(sdata_load_string("h.lua", "return 5", 8, &d, &e) < 0);
	assert_non_null(strstr(e.text, "must return a table"));
	assert_true(sdata_load_string("i.lua", "return { x = hex('0G') }", 24, &d, &e) < 0);
	assert_non_null(strstr(e.text, "i.lua:1:"));
}

/* Creates the temporary directory. */
static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/obdcon-test-script-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes the temporary directory. */
static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_match_vin),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_bad_declaration),
		cmocka_unit_test(test_unknown_and_duplicate),
		cmocka_unit_test(test_blocked_functions),
		cmocka_unit_test(test_instruction_limit),
		cmocka_unit_test(test_memory_limit),
		cmocka_unit_test(test_time_limit),
		cmocka_unit_test(test_bytecode_refused),
		cmocka_unit_test(test_table_error),
		cmocka_unit_test(test_sdata),
		cmocka_unit_test(test_sdata_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
