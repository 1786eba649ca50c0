/* gauge.h: terminal-independent pictures of numbers: a progress bar, a
 * sparkline of a value's recent history, the history itself, and a rate
 * (samples per second) over a sliding window. Unit-tested without a
 * terminal. */
#ifndef OBDCON_UI_GAUGE_H
#define OBDCON_UI_GAUGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UI_SERIES_MAX 256

/* The recent values of one live quantity, oldest dropped past
 * UI_SERIES_MAX, with the extremes ever seen. */
struct ui_series {
	double v[UI_SERIES_MAX];
	size_t head;  /* index of the oldest value */
	size_t n;
	double last, min, max;
	unsigned long total; /* values ever added */
};

/* Adds a value. */
void ui_series_add(struct ui_series *s, double v);
/* Value i of the kept ones, oldest first (i < n). */
double ui_series_get(const struct ui_series *s, size_t i);

/* Writes the last width values of s as a sparkline: one glyph per value,
 * levels[0] for the lowest of the shown values up to levels[nlevels - 1]
 * for the highest (the middle glyph when they are all equal); padded with
 * spaces on the left while fewer values are known. */
void ui_sparkline(const struct ui_series *s, size_t width, const char *const *levels,
		  int nlevels, char *out, size_t n);

/* Writes a bar of width columns filled to frac (0..1): full cells of
 * full, one partial cell from partial[0..npartial-1] (the eighths of a
 * cell; none when npartial is 0), the rest empty. */
void ui_progress_bar(double frac, size_t width, const char *full, const char *const *partial,
		     int npartial, const char *empty, char *out, size_t n);

#define UI_RATE_SLOTS 64
#define UI_RATE_WINDOW_MS 3000

/* Counts over time, for a samples-per-second figure over the last
 * UI_RATE_WINDOW_MS. */
struct ui_rate {
	int64_t t[UI_RATE_SLOTS];
	unsigned count[UI_RATE_SLOTS];
	size_t head, n;
	int64_t start;  /* time of the first count */
};

/* Records count samples received at now_ms. */
void ui_rate_add(struct ui_rate *r, int64_t now_ms, unsigned count);
/* Samples per second over the window ending at now_ms (0 before two
 * records, or after a pause longer than the window). */
double ui_rate_get(const struct ui_rate *r, int64_t now_ms);

/* The figures beside a progress bar: "45% 29.0/64.0 KiB 3.2 KiB/s ETA 0:11"
 * (rate left out when 0, ETA when negative). */
void ui_progress_figures(uint64_t done, uint64_t total, double bytes_per_s, double eta_s,
			 char *out, size_t n);

/* Formats a live value for a column: integers without decimals, others
 * with up to two, large ones shortened ("48213", "14.25", "0.80"). */
void ui_value_text(double v, char *out, size_t n);

#endif
