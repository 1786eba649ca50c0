/* serve.c: the simulator served on a link (a pty, a TCP connection, the
 * in-process pair of obdcon --demo).
 *
 * Unthrottled (the default): whenever the adapter works, the model jumps
 * over its waits at once (tests run fast while modelled time counts the
 * waits); while the adapter is idle or waits for the host, real time
 * passes and is added to modelled time, so an ECU's 5 s session timeout
 * happens after 5 s of host silence.
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

#include "sim/sim_internal.h"
#include "util/clock.h"

#define SERVE_POLL_MS 50    /* how often sim_serve looks at *stop */
#define SERVE_WRITE_MS 5000 /* a console that reads nothing for this long is gone */
#define SERVE_READ_MAX 1024

/* A link being served. */
struct serve {
	struct sim *s;
	bool throttle;
	int64_t real0;      /* real time when modelled time was model0 */
	uint64_t model0;
	int64_t last_real;  /* unthrottled: when real time was last added */
	struct buf out;     /* output to write */
};

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
		sim_out_take(s, UINT64_MAX, &sv->out);
	}
	sv->last_real = now;
}

/* Milliseconds until the model has something to do (under the lock). */
static int idle_ms(const struct serve *sv)
{
	const struct sim *s = sv->s;
	uint64_t next, now;

	if (!sim_next_time(s, &next))
		return SERVE_POLL_MS;
	now = sv->throttle ? sv->model0 + (uint64_t)(clock_us() - sv->real0) : s->now_us;
	if (next <= now)
		return 0;
	return next - now >= SERVE_POLL_MS * 1000u ? SERVE_POLL_MS : (int)((next - now + 999) / 1000);
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
		 const volatile sig_atomic_t *stop, int *wait_ms, bool *closed)
{
	bool quit;

	pthread_mutex_lock(sv->s->lock);
	if (n > 0)
		take_input(sv, in, n);
	else
		catch_up(sv);
	*closed = sv->s->core->closed;
	*wait_ms = idle_ms(sv);
	quit = *stop != 0;
	pthread_mutex_unlock(sv->s->lock);
	return quit;
}

/* Serves the simulator on a link until EOF on it or *stop becomes non-zero;
 * 0 on EOF, stop or an eof@ fault. */
int sim_serve(struct sim *s, struct link *l, volatile sig_atomic_t *stop, struct error *e)
{
	struct serve sv = { .s = s };
	uint8_t in[SERVE_READ_MAX];
	long r = 0;
	int wait_ms = 0;
	bool closed = false;

	pthread_mutex_lock(s->lock);
	sv.throttle = s->core->throttle;
	sv.real0 = sv.last_real = clock_us();
	sv.model0 = s->now_us;
	pthread_mutex_unlock(s->lock);
	while (!turn(&sv, in, r > 0 ? (size_t)r : 0, stop, &wait_ms, &closed)) {
		r = sv.out.len ? link_write(l, sv.out.data, sv.out.len, SERVE_WRITE_MS, e) : 0;
		buf_reset(&sv.out);
		if (r < 0 || closed)
			break;
		r = link_read(l, in, sizeof in, wait_ms, e);
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
