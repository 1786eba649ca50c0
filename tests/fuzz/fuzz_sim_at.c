/* fuzz_sim_at.c: the simulator's AT interpreter faces outside programs over
 * a pty: arbitrary bytes must never crash it or grow its output unbounded. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "sim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sim *sim;

/* Frees the simulator at exit, so leak checkers see nothing left. */
__attribute__((destructor)) static void free_sim(void)
{
	sim_free(sim);
}

/* Feeds the input to one simulator (made once) and checks the output size. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = { 0 };
	struct error e;

	if (sim == NULL && sim_create("", &sim, &e) < 0)
		abort();
	sim_input(sim, data, size, &out);
	if (out.len > 64 * (size + 16) + 1000000)
		abort();
	buf_free(&out);
	return 0;
}
