/* fuzz_sdata.c: Lua data files (profiles) through the sandbox: any text
 * either loads or fails with an error, within the budgets. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "script/sdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loads the input as a data file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdata d;
	struct error e;

	if (sdata_load_string("fuzz.lua", (const char *)data, size, &d, &e) == 0)
		sdata_free(&d);
	else if (e.text[0] == 0)
		abort();
	return 0;
}
