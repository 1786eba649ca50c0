/* serve.c: the simulator served on a link (a pty, a TCP connection, the
 * in-process pair of obdcon --demo).
 *
 * Unthrottled (the default): whenever the adapter works, the model jumps
 * over its waits at once (tests run fast while modelled time counts the
 * waits); while the adapter is idle or waits for the host, real time
 * passes and is added to modelled time, so an ECU's 5 s session timeout
 * happens after 5 s of host silence. An adapter monitoring the bus (ATMA)
 * while an ECU has answers on their way (a slow routine's 0x78s and its
 * result) jumps to them too: the host only listens meanwhile.
 *
 * Throttled (option "throttle"): modelled time follows real time. Output
 * bytes leave when their modelled UART time comes, waits last as long as
 * modelled, and a host byte arrives at the modelled time that matches its
 * real arrival (so it can interrupt a request: STOPPED).
 *
 * The simulator's mutex is never held while blocking on the link. An
 * eof@N fault hangs the link up, as when a USB adapter is pulled. */
#include "config.h"

#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "sim/sim_internal.h"
#include "util/clock.h"

#define SERVE_POLL_MS 50    /* how often sim_serve looks at *stop */
#define SERVE_WRITE_MS 5000 /* a console that reads nothing for this long is gone */
#define SERVE_READ_MAX 1024

/* A link being served. */
struct serve {
	struct sim *s;
	struct link *l;
	bool throttle;
	int64_t real0;      /* real time when modelled time was model0 */
	uint64_t model0;
	int64_t last_real;  /* unthrottled: when real time was last added */
	struct buf out;     /* output to write */
};

/* True while the adapter monitors the bus and an ECU has an answer on
 * its way or a frame is on the bus (unthrottled, the model jumps to the
 * next event then). */
static bool ecu_answer_due(const struct sim *s)
{
	const struct sim_core *c = s->core;
	size_t i;

	if (c->mode != SIM_MONITOR || c->closed)
		return false;
	for (i = 0; i < c->nev; i++)
		if (c->ev[i].kind == SIM_EV_ECU_REPLY || c->ev[i].kind == SIM_EV_ECU_CF ||
		    c->ev[i].kind == SIM_EV_FRAME_END)
			return true;
	return false;
}

/* Brings the model to the present (under the lock). */
static void catch_up(struct serve *sv)
{
	struct sim *s = sv->s;
	int64_t now = clock_us();
	uint64_t target;

	if (sv->throttle) {
		target = sv->model0 + (uint64_t)(now - sv->real0);
		if (target > s->now_us)
			sim_advance(s, target);
		sim_out_take(s, target, &sv->out);
	} else {
		sim_advance(s, s->now_us + (uint64_t)(now - sv->last_real));
		sim_settle(s);
		while (ecu_answer_due(s)) {
			sim_advance(s, s->core->ev[0].t);
			sim_settle(s);
		}
		sim_out_take(s, UINT64_MAX, &sv->out);
	}
	sv->last_real = now;
}

/* Microseconds until the model has something to do (under the lock). */
static int64_t idle_us(const struct serve *sv)
{
	const struct sim *s = sv->s;
	uint64_t next, now;

	if (!sim_next_time(s, &next))
		return SERVE_POLL_MS * 1000;
	now = sv->throttle ? sv->model0 + (uint64_t)(clock_us() - sv->real0) : s->now_us;
	if (next <= now)
		return 0;
	return next - now >= SERVE_POLL_MS * 1000u ? SERVE_POLL_MS * 1000 : (int64_t)(next - now);
}

/* Host bytes arrived now (under the lock). */
static void take_input(struct serve *sv, const uint8_t *in, size_t n)
{
	catch_up(sv);
	sim_feed(sv->s, in, n);
	if (!sv->throttle) {
		sim_settle(sv->s);
		sim_out_take(sv->s, UINT64_MAX, &sv->out);
	} else {
		sim_out_take(sv->s, sv->s->now_us, &sv->out);
	}
	sim_state_save_if_changed(sv->s);
}

/* One turn under the lock: input (if any) or the passing of time; tells
 * whether to stop and how long to wait next. */
static bool turn(struct serve *sv, const uint8_t *in, size_t n,
		 const volatile sig_atomic_t *stop, int64_t *wait_us, bool *closed)
{
	bool quit;

	pthread_mutex_lock(sv->s->lock);
	if (n > 0) {
		take_input(sv, in, n);
	} else {
		catch_up(sv);
		sim_state_save_if_changed(sv->s); /* the blocks of a download the console left */
	}
	*closed = sv->s->core->closed;
	*wait_us = idle_us(sv);
	quit = *stop != 0;
	pthread_mutex_unlock(sv->s->lock);
	return quit;
}

/* Waits up to wait_us for host bytes: throttled to the microsecond, so
 * modelled time keeps pace with real time below a millisecond (the next
 * byte of a fast UART). */
static long wait_for(struct serve *sv, uint8_t *in, size_t n, int64_t wait_us, struct error *e)
{
	if (sv->throttle)
		return link_read_us(sv->l, in, n, wait_us, e);
	return link_read(sv->l, in, n, (int)((wait_us + 999) / 1000), e);
}

/* Serves the simulator on a link until EOF on it or *stop becomes non-zero;
 * 0 on EOF, stop or an eof@ fault. */
int sim_serve(struct sim *s, struct link *l, volatile sig_atomic_t *stop, struct error *e)
{
	struct serve sv = { .s = s, .l = l };
	uint8_t in[SERVE_READ_MAX];
	long r = 0;
	int64_t wait_us = 0;
	bool closed = false;

	pthread_mutex_lock(s->lock);
	sv.throttle = s->core->throttle;
	sv.real0 = sv.last_real = clock_us();
	sv.model0 = s->now_us;
	pthread_mutex_unlock(s->lock);
#ifdef PR_SET_TIMERSLACK
	if (sv.throttle) /* sleeps of this thread end when asked, not up to 50 us later */
		prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
	while (!turn(&sv, in, r > 0 ? (size_t)r : 0, stop, &wait_us, &closed)) {
		r = sv.out.len ? link_write(l, sv.out.data, sv.out.len, SERVE_WRITE_MS, e) : 0;
		buf_reset(&sv.out);
		if (r < 0 || closed)
			break;
		r = wait_for(&sv, in, sizeof in, wait_us, e);
		if (r < 0)
			break;
	}
	buf_free(&sv.out);
	if (closed)
		link_hangup(l);
	if (r == -ERR_EOF || closed) {
		error_clear(e);
		return 0;
	}
	return r < 0 ? (int)r : 0;
}
