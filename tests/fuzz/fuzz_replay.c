/* fuzz_replay.c: the transcript reader behind replay: ports, and answering
 * console bytes from a parsed transcript. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "session/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parses the input as a transcript, then replays a few commands on it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char cmds[] = "ATZ\rATE0\r22F190\r0100\r";
	struct session_replay *r = NULL;
	struct buf rx = { 0 };
	struct error e;

	if (session_replay_parse((const char *)data, size, &r, &e) < 0) {
		if (e.text[0] == 0)
			abort();
		return 0;
	}
	session_replay_answer(r, (const uint8_t *)cmds, strlen(cmds), &rx);
	buf_free(&rx);
	session_replay_close(r);
	return 0;
}
