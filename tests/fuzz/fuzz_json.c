/* fuzz_json.c: the JSON reader that manifests go through on import and
 * restore. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "util/json_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input as a JSON document. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_value *v = NULL;
	struct error e;

	if (json_parse((const char *)data, size, NULL, &v, &e) < 0 && e.text[0] == 0)
		abort();
	json_value_free(v);
	return 0;
}
