/* fuzz_image.c: Intel HEX, S-record and raw image readers on arbitrary
 * text: each input is read or refused as malformed, never a crash. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "app/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input with format detection and with each format forced. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image img;
	struct error e;

	image_init(&img);
	if (image_parse(&img, "fuzz", data, size, NULL, &e) < 0 && e.text[0] == 0)
		abort();
	image_free(&img);
	return 0;
}
