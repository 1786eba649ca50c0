/* fuzz_elm_parse.c: the adapter reply parser on arbitrary bytes, in every
 * format, checking the invariants callers rely on. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapter/elm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts when a parsed reply breaks an invariant. */
static void check_reply(const struct elm_reply *r)
{
	size_t i;

	if (r->nframes > ELM_MAX_FRAMES || memchr(r->text, 0, sizeof r->text) == NULL)
		abort();
	if (r->status == ELM_GARBAGE && r->nframes != 0)
		abort();
	for (i = 0; i < r->nframes; i++)
		if (r->frames[i].len == 0 || r->frames[i].len > 8)
			abort();
}

/* One input: first byte picks the format and the echo, the rest is the reply. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct elm_reply r;
	struct elm_format fmt;

	if (size == 0)
		return 0;
	fmt.headers = data[0] & 1;
	fmt.ext_ids = data[0] & 2;
	elm_parse_data(data[0] & 4 ? "22F190" : NULL, data + 1, size - 1, &fmt, &r);
	check_reply(&r);
	elm_parse_text("ATI", data + 1, size - 1, &r);
	check_reply(&r);
	return 0;
}
