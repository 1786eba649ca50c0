/* uds_internal.h: helpers the UDS reply decoders share (not for callers
 * outside src/diag). */
#ifndef OBDCON_DIAG_UDS_INTERNAL_H
#define OBDCON_DIAG_UDS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Checks a reply is positive to sid and at least min bytes long. */
int uds_expect(const uint8_t *resp, size_t n, uint8_t sid, size_t min, struct error *e);
/* Checks a reply has exactly want bytes. */
int uds_expect_len(const uint8_t *resp, size_t n, size_t want, struct error *e);
/* Checks the reply echoes what the request said at byte pos. */
int uds_expect_echo(const uint8_t *resp, size_t pos, unsigned want, unsigned width,
		    const char *what, struct error *e);
/* Reads w (<= 4) bytes big-endian. */
uint32_t uds_get_be(const uint8_t *p, unsigned w);

#endif
