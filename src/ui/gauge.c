/* gauge.c: progress bars, sparklines, value histories and rates. */
#include "config.h"
#include "ui/gauge.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Adds a value to a history. */
void ui_series_add(struct ui_series *s, double v)
{
	if (s->total == 0 || v < s->min)
		s->min = v;
	if (s->total == 0 || v > s->max)
		s->max = v;
	s->last = v;
	s->total++;
	if (s->n < UI_SERIES_MAX) {
		s->v[(s->head + s->n++) % UI_SERIES_MAX] = v;
		return;
	}
	s->v[s->head] = v;
	s->head = (s->head + 1) % UI_SERIES_MAX;
}

/* Value i of a history, oldest first. */
double ui_series_get(const struct ui_series *s, size_t i)
{
	return s->v[(s->head + i) % UI_SERIES_MAX];
}

/* Appends text to out at *used, never past n. */
static void append(char *out, size_t n, size_t *used, const char *text)
{
	size_t len = strlen(text);

	if (*used + len + 1 > n)
		return;
	memcpy(out + *used, text, len + 1);
	*used += len;
}

/* The level (0..nlevels-1) of v between lo and hi. */
static int level_of(double v, double lo, double hi, int nlevels)
{
	int k;

	if (!(hi > lo))
		return nlevels / 2;
	k = (int)floor((v - lo) / (hi - lo) * (nlevels - 1) + 0.5);
	return k < 0 ? 0 : k >= nlevels ? nlevels - 1 : k;
}

/* Writes the last width values as a sparkline. */
void ui_sparkline(const struct ui_series *s, size_t width, const char *const *levels,
		  int nlevels, char *out, size_t n)
{
	size_t shown = s->n < width ? s->n : width, first = s->n - shown, i, used = 0;
	double lo = 0, hi = 0;

	if (n == 0)
		return;
	out[0] = 0;
	for (i = 0; i < shown; i++) {
		double v = ui_series_get(s, first + i);
		if (i == 0 || v < lo)
			lo = v;
		if (i == 0 || v > hi)
			hi = v;
	}
	for (i = shown; i < width; i++)
		append(out, n, &used, " ");
	for (i = 0; i < shown && nlevels > 0; i++)
		append(out, n, &used, levels[level_of(ui_series_get(s, first + i), lo, hi, nlevels)]);
}

/* Writes a bar filled to frac. */
void ui_progress_bar(double frac, size_t width, const char *full, const char *const *partial,
		     int npartial, const char *empty, char *out, size_t n)
{
	double cells;
	size_t whole, i, used = 0;
	int part = 0;

	if (n == 0)
		return;
	out[0] = 0;
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	cells = frac * (double)width;
	whole = (size_t)cells;
	if (npartial > 0 && whole < width)
		part = (int)((cells - (double)whole) * (npartial + 1));
	for (i = 0; i < whole; i++)
		append(out, n, &used, full);
	if (part > 0) {
		append(out, n, &used, partial[part - 1]);
		i++;
	}
	for (; i < width; i++)
		append(out, n, &used, empty);
}

/* Records count samples received at now_ms. */
void ui_rate_add(struct ui_rate *r, int64_t now_ms, unsigned count)
{
	size_t at;

	if (r->n == 0 && r->start == 0)
		r->start = now_ms;
	if (r->n < UI_RATE_SLOTS) {
		at = (r->head + r->n++) % UI_RATE_SLOTS;
	} else {
		at = r->head;
		r->head = (r->head + 1) % UI_RATE_SLOTS;
	}
	r->t[at] = now_ms;
	r->count[at] = count;
}

/* Samples per second over the window ending at now_ms. */
double ui_rate_get(const struct ui_rate *r, int64_t now_ms)
{
	int64_t first = 0, last = 0;
	unsigned long sum = 0;
	size_t i, in = 0;

	for (i = 0; i < r->n; i++) {
		size_t k = (r->head + i) % UI_RATE_SLOTS;
		if (r->t[k] <= now_ms - UI_RATE_WINDOW_MS)
			continue;
		if (in++ == 0)
			first = r->t[k]; /* its samples belong to the time before it */
		else
			sum += r->count[k];
		last = r->t[k];
	}
	if (in < 2 || last <= first)
		return 0;
	return (double)sum * 1000.0 / (double)(last - first);
}

/* Bytes as B, KiB or MiB with one decimal. */
static void bytes_text(double v, char *out, size_t n)
{
	if (v < 1024)
		snprintf(out, n, "%.0f B", v);
	else if (v < 1024 * 1024)
		snprintf(out, n, "%.1f KiB", v / 1024);
	else
		snprintf(out, n, "%.1f MiB", v / (1024 * 1024));
}

/* The figures beside a progress bar. */
void ui_progress_figures(uint64_t done, uint64_t total, double bytes_per_s, double eta_s,
			 char *out, size_t n)
{
	char a[32], b[32], r[32] = "", t[32] = "";
	unsigned long long left;

	bytes_text((double)done, a, sizeof a);
	bytes_text((double)total, b, sizeof b);
	if (bytes_per_s > 0) {
		bytes_text(bytes_per_s, r, sizeof r);
		snprintf(r + strlen(r), sizeof r - strlen(r), "/s ");
	}
	if (eta_s >= 0) {
		left = (unsigned long long)(eta_s + 0.5);
		snprintf(t, sizeof t, "ETA %llu:%02llu", left / 60, left % 60);
	}
	snprintf(out, n, "%3u%% %s/%s %s%s",
		 total ? (unsigned)(done >= total ? 100 : done * 100 / total) : 0, a, b, r, t);
	n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = 0;
}

/* Formats a live value for a column. */
void ui_value_text(double v, char *out, size_t n)
{
	if (fabs(v - round(v)) < 1e-9 || fabs(v) >= 10000)
		snprintf(out, n, "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(out, n, "%.1f", v);
	else
		snprintf(out, n, "%.2f", v);
}
