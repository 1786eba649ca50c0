/* fuzz_isotp.c: ISO-TP reassembly and flow-control decoding on arbitrary
 * frames: never overflow, never report more bytes than announced. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "isotp/isotp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits the input into frames of 1..8 bytes (the first byte of each gives
 * its length) and feeds them to one reassembly. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct isotp_rx rx;
	struct error e;
	unsigned bs, st;
	size_t pos = 0;

	isotp_rx_reset(&rx);
	while (pos < size) {
		size_t n = (data[pos] & 7) + 1;
		pos++;
		if (n > size - pos)
			n = size - pos;
		if (isotp_rx_frame(&rx, data + pos, n, &e) == ISOTP_RX_DONE &&
		    (rx.len == 0 || rx.len > ISOTP_MAX_MSG))
			abort();
		if (rx.expected && rx.len > rx.expected)
			abort();
		isotp_fc_decode(data + pos, n, &bs, &st);
		pos += n;
	}
	return 0;
}
