/* timing.c: the simulator's clock, its event queue and its link-speed
 * model. Modelled time is s->now_us (microseconds since creation); every
 * step that takes time is an event, run in order of time, then of
 * scheduling, so a run is deterministic.
 *
 * UART (8N1): a character takes 10 bit times, 10e6 / baud us. Characters
 * sent back to back form a burst; the k-th character of a burst that
 * began at t0 is complete at t0 + ceil(k * 10e6 / baud). Host bytes arrive
 * so (sim_feed); adapter output leaves so, after passing the adapter's
 * transmit buffer (its size is in the profile; BUFFER FULL beyond it).
 *
 * CAN: the bit time comes from the vehicle's protocol (500 kbit/s: 2 us,
 * 250 kbit/s: 4 us). A data frame with n data bytes takes 47 + 8n bits
 * with an 11-bit identifier (111 for 8 bytes) and 67 + 8n bits with a
 * 29-bit one (131), plus 3 bits of interframe space; stuff bits are not
 * modelled, so ceilings computed from these numbers are exact here. One
 * frame is on the bus at a time; when the bus falls idle, the frames
 * waiting are arbitrated, the lowest identifier first (a standard frame
 * before an extended one with the same base identifier). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

#define US_PER_S 1000000ull
#define FRAME_BITS_11 47u  /* SOF, ID, RTR, IDE, r0, DLC, CRC, ACK, EOF */
#define FRAME_BITS_29 67u
#define IFS_BITS 3u

/* Allocates the timing model of s. */
int sim_core_new(struct sim *s, struct error *e)
{
	struct sim_core *c = calloc(1, sizeof *c);
	size_t i;

	if (c == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	s->core = c;
	c->tp = calloc(s->vehicle.necus ? s->vehicle.necus : 1, sizeof *c->tp);
	if (c->tp == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < SIM_RX_TRACKS; i++) {
		c->req.tracks[i].msg = malloc(SIM_MSG_MAX);
		if (c->req.tracks[i].msg == NULL)
			return error_set(e, ERR_NOMEM, "out of memory");
	}
	return 0;
}

/* Frees the timing model. */
void sim_core_free(struct sim *s)
{
	struct sim_core *c = s->core;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nev; i++)
		free(c->ev[i].msg);
	for (i = 0; i < SIM_RX_TRACKS; i++)
		free(c->req.tracks[i].msg);
	free(c->ev);
	free(c->pend);
	free(c->txt);
	free(c->tp);
	buf_free(&c->stage);
	buf_free(&c->txq);
	free(c);
	s->core = NULL;
}

/* True if event a runs before event b. */
static bool ev_less(const struct sim_event *a, const struct sim_event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Swaps two events of the heap. */
static void ev_swap(struct sim_event *a, struct sim_event *b)
{
	struct sim_event t = *a;

	*a = *b;
	*b = t;
}

/* Restores the heap order upwards from index i. */
static void heap_up(struct sim_core *c, size_t i)
{
	while (i > 0 && ev_less(&c->ev[i], &c->ev[(i - 1) / 2])) {
		ev_swap(&c->ev[i], &c->ev[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
}

/* Restores the heap order downwards from the root. */
static void heap_down(struct sim_core *c)
{
	size_t i = 0, l, m;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < c->nev && ev_less(&c->ev[l], &c->ev[m]))
			m = l;
		if (l + 1 < c->nev && ev_less(&c->ev[l + 1], &c->ev[m]))
			m = l + 1;
		if (m == i)
			return;
		ev_swap(&c->ev[i], &c->ev[m]);
		i = m;
	}
}

/* Makes room for one more event; false when full or out of memory. */
static bool ev_room(struct sim_core *c)
{
	struct sim_event *ev;
	size_t cap;

	if (c->nev >= SIM_EVENTS_MAX)
		return false;
	if (c->nev < c->cap)
		return true;
	cap = c->cap ? c->cap * 2 : 64;
	ev = realloc(c->ev, cap * sizeof *ev);
	if (ev == NULL)
		return false;
	c->ev = ev;
	c->cap = cap;
	return true;
}

/* Schedules an event at time t (never before now; msg is copied). An
 * event that finds the queue full is dropped. */
void sim_schedule(struct sim *s, uint64_t t, int kind, int ecu, uint32_t gen,
		  const uint8_t *msg, size_t n)
{
	struct sim_core *c = s->core;
	struct sim_event ev = { .t = t < s->now_us ? s->now_us : t, .kind = kind, .ecu = ecu,
				.gen = gen };

	if (!ev_room(c))
		return;
	if (n > 0) {
		ev.msg = malloc(n);
		if (ev.msg == NULL)
			return;
		memcpy(ev.msg, msg, n);
		ev.n = n;
	}
	ev.seq = c->seq++;
	c->ev[c->nev++] = ev;
	heap_up(c, c->nev - 1);
}

/* Bit time in microseconds of a CAN protocol, 0 for the others. */
unsigned sim_bit_us(int protocol)
{
	if (protocol == 6 || protocol == 7)
		return 2;
	if (protocol == 8 || protocol == 9)
		return 4;
	return 0;
}

/* Bus time of a frame, interframe space included. */
uint64_t sim_frame_us(const struct sim *s, const struct sim_frame *f)
{
	unsigned bit = sim_bit_us(s->vehicle.protocol);
	unsigned bits = (f->ext ? FRAME_BITS_29 : FRAME_BITS_11) + 8u * f->len + IFS_BITS;

	return (uint64_t)bits * (bit ? bit : 2);
}

/* Arbitration priority of a frame: lower wins. */
static uint64_t priority(const struct sim_frame *f)
{
	if (!f->ext)
		return (uint64_t)f->id << 19;
	return (uint64_t)(f->id >> 18 & 0x7FF) << 19 | 1u << 18 | (f->id & 0x3FFFF);
}

/* Starts the next frame if the bus is idle and a frame waits. */
static void bus_start(struct sim *s)
{
	struct sim_core *c = s->core;
	size_t i, best = 0;

	if (c->busy || c->npend == 0)
		return;
	for (i = 1; i < c->npend; i++) {
		uint64_t a = priority(&c->pend[i]), b = priority(&c->pend[best]);
		if (a < b || (a == b && c->pend[i].seq < c->pend[best].seq))
			best = i;
	}
	c->cur = c->pend[best];
	memmove(c->pend + best, c->pend + best + 1, (c->npend - best - 1) * sizeof *c->pend);
	c->npend--;
	c->busy = true;
	sim_schedule(s, s->now_us + sim_frame_us(s, &c->cur), SIM_EV_FRAME_END, -1, 0, NULL, 0);
}

/* Queues a frame for the bus; it starts at once if the bus is idle. A
 * frame that finds SIM_QUEUE_MAX frames waiting is lost. */
void sim_bus_send(struct sim *s, const struct sim_frame *f)
{
	struct sim_core *c = s->core;
	struct sim_frame *p;
	size_t cap;

	if (c->npend >= SIM_QUEUE_MAX)
		return;
	if (c->npend == c->cappend) {
		cap = c->cappend ? c->cappend * 2 : 16;
		p = realloc(c->pend, cap * sizeof *p);
		if (p == NULL)
			return;
		c->pend = p;
		c->cappend = cap;
	}
	c->pend[c->npend] = *f;
	c->pend[c->npend++].seq = c->seq++;
	bus_start(s);
}

/* Withdraws the adapter's frames not yet on the bus. */
void sim_bus_withdraw_adapter(struct sim *s)
{
	struct sim_core *c = s->core;
	size_t i, w = 0;

	for (i = 0; i < c->npend; i++)
		if (c->pend[i].src >= 0)
			c->pend[w++] = c->pend[i];
	c->npend = w;
}

/* The frame on the bus is complete: every node sees it, its sender learns
 * it left, and the next frame may start. */
static void frame_end(struct sim *s)
{
	struct sim_core *c = s->core;
	struct sim_frame f = c->cur;

	c->busy = false;
	if (f.src < 0) {
		c->stats.frames_to_ecu++;
		sim_can_deliver(s, &f);
		sim_req_sent(s, &f);
	} else {
		c->stats.frames_from_ecu++;
		sim_ecu_sent(s, &f);
		sim_req_frame(s, &f);
	}
	bus_start(s);
}

/* Runs one event. */
static void dispatch(struct sim *s, const struct sim_event *ev)
{
	switch (ev->kind) {
	case SIM_EV_FRAME_END:
		frame_end(s);
		break;
	case SIM_EV_ADAPTER:
		sim_at_timer(s, ev->gen);
		break;
	case SIM_EV_ADAPTER_CF:
		if (ev->gen == s->core->gen)
			sim_req_cf(s);
		break;
	default:
		sim_ecu_event(s, ev);
		break;
	}
}

/* Processes every event due up to t, then sets the clock to t. */
void sim_advance(struct sim *s, uint64_t t)
{
	struct sim_core *c = s->core;
	struct sim_event ev;

	while (c->nev > 0 && c->ev[0].t <= t && !c->closed) {
		ev = c->ev[0];
		c->ev[0] = c->ev[--c->nev];
		heap_down(c);
		if (ev.t > s->now_us)
			s->now_us = ev.t;
		dispatch(s, &ev);
		free(ev.msg);
		sim_out_commit(s);
	}
	if (t > s->now_us)
		s->now_us = t;
}

/* Completion time of the k-th character of a burst that began at t0. */
static uint64_t burst_at(uint64_t t0, uint64_t k, long baud)
{
	return t0 + (k * 10u * US_PER_S + (uint64_t)baud - 1) / (uint64_t)baud;
}

/* Arrival time of the next host character: back to back with the one
 * before while the line is busy, else one character time from now. */
static uint64_t rx_next(struct sim *s)
{
	struct sim_core *c = s->core;

	if (c->rx_k == 0 || burst_at(c->rx_t0, c->rx_k, s->at.baud) < s->now_us) {
		c->rx_t0 = s->now_us;
		c->rx_k = 0;
	}
	c->rx_k++;
	return burst_at(c->rx_t0, c->rx_k, s->at.baud);
}

/* Host bytes: each arrives at its modelled time and is handled then. */
void sim_feed(struct sim *s, const uint8_t *in, size_t n)
{
	struct sim_core *c = s->core;
	size_t i;

	for (i = 0; i < n && sim_fault_input(s); i++) {
		sim_advance(s, rx_next(s));
		if (c->closed)
			break;
		c->stats.chars_to_adapter++;
		sim_at_input(s, in + i, 1, &c->stage);
		sim_out_commit(s);
	}
}

/* True if the adapter works on its own (not idle, not waiting for the host). */
bool sim_working(const struct sim *s)
{
	enum sim_mode m = s->core->mode;

	return m == SIM_RESET || m == SIM_REQUEST || m == SIM_BRD_WAIT;
}

/* Runs while the adapter works on its own; once it is idle, until its
 * output has left (late frames of ECUs are lost meanwhile). */
void sim_settle(struct sim *s)
{
	struct sim_core *c = s->core;

	while (!c->closed) {
		while (sim_working(s) && c->nev > 0 && !c->closed)
			sim_advance(s, c->ev[0].t);
		if (c->mode != SIM_IDLE || c->tx_last <= s->now_us)
			break;
		sim_advance(s, c->tx_last);
	}
}

/* Puts one byte on the UART output at the current time. */
void sim_uart_put(struct sim *s, uint8_t b)
{
	struct sim_core *c = s->core;
	uint64_t *t;
	size_t cap;

	if (c->txq.len >= c->txt_cap) {
		cap = c->txt_cap ? c->txt_cap * 2 : 256;
		t = realloc(c->txt, cap * sizeof *t);
		if (t == NULL)
			return;
		c->txt = t;
		c->txt_cap = cap;
	}
	if (buf_putc(&c->txq, b) < 0)
		return;
	if (c->tx_last <= s->now_us) {
		c->tx_t0 = s->now_us;
		c->tx_k = 0;
	}
	c->tx_last = burst_at(c->tx_t0, ++c->tx_k, s->at.baud);
	c->txt[c->txq.len - 1] = c->tx_last;
	c->stats.chars_from_adapter++;
}

/* Changes the UART rate: characters after the ones on their way go at
 * the new rate. */
void sim_uart_set_baud(struct sim *s, long baud)
{
	struct sim_core *c = s->core;

	c->tx_t0 = c->tx_last > s->now_us ? c->tx_last : s->now_us;
	c->tx_k = 0;
	c->rx_k = 0;
	s->at.baud = baud;
}

/* Room left in the transmit buffer: its size minus the characters not yet
 * sent and the ones staged. */
size_t sim_out_room(const struct sim *s)
{
	const struct sim_core *c = s->core;
	uint64_t queued = c->stage.len;

	if (c->tx_last > s->now_us)
		queued += ((c->tx_last - s->now_us) * (uint64_t)s->at.baud + 10 * US_PER_S - 1) /
			  (10 * US_PER_S);
	return queued >= s->adapter.buffer ? 0 : s->adapter.buffer - (size_t)queued;
}

/* Moves the output done by until into out. */
void sim_out_take(struct sim *s, uint64_t until, struct buf *out)
{
	struct sim_core *c = s->core;
	size_t n = 0;

	while (n < c->txq.len && c->txt[n] <= until)
		n++;
	if (n == 0)
		return;
	buf_append(out, c->txq.data, n);
	buf_consume(&c->txq, n);
	memmove(c->txt, c->txt + n, c->txq.len * sizeof *c->txt);
}

/* The time of the next event or output byte; false if there is none. */
bool sim_next_time(const struct sim *s, uint64_t *t)
{
	const struct sim_core *c = s->core;
	bool any = false;

	if (c->nev > 0) {
		*t = c->ev[0].t;
		any = true;
	}
	if (c->txq.len > 0 && (!any || c->txt[0] < *t)) {
		*t = c->txt[0];
		any = true;
	}
	return any;
}
