/* clock.h: monotonic time for deadlines, wall time for records. */
#ifndef OBDCON_UTIL_CLOCK_H
#define OBDCON_UTIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds on the monotonic clock. */
int64_t clock_ms(void);
/* Microseconds on the monotonic clock. */
int64_t clock_us(void);
/* Milliseconds left until deadline (never negative). */
int clock_remaining_ms(int64_t deadline_ms);
/* Sleeps for the given number of microseconds. */
void clock_sleep_us(int64_t us);
/* Wall time now as "2026-11-27T22:43:18.123Z". */
void clock_iso8601(char *out, size_t n);
/* Wall time now as "20261127-224318" (for directory names). */
void clock_compact(char *out, size_t n);

#endif
