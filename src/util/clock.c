/* clock.c: monotonic time for deadlines, wall time for records. */
#include "config.h"
#include "util/clock.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* Microseconds on the monotonic clock. */
int64_t clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Milliseconds on the monotonic clock. */
int64_t clock_ms(void)
{
	return clock_us() / 1000;
}

/* Milliseconds left until deadline. */
int clock_remaining_ms(int64_t deadline_ms)
{
	int64_t left = deadline_ms - clock_ms();

	if (left < 0)
		return 0;
	if (left > 0x7fffffff)
		return 0x7fffffff;
	return (int)left;
}

/* Sleeps for us microseconds, resuming after signals. */
void clock_sleep_us(int64_t us)
{
	struct timespec ts;

	if (us <= 0)
		return;
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wall time now in ISO 8601 UTC with milliseconds. */
void clock_iso8601(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

/* Wall time now as YYYYMMDD-HHMMSS UTC. */
void clock_compact(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, n, "%04d%02d%02d-%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
