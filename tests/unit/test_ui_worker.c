/* test_ui_worker.c: the console's worker thread: messages and questions
 * from a job arrive as events through the pipe, a question blocks the job
 * until answered, one job at a time, and stopping answers No. */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/worker.h"

/* What a test job does and what it saw. */
struct probe {
	struct app_hooks hooks;
	struct ui_worker *w;
	bool ask;
	bool answer;
	bool cancellable_after;
};

/* Job: reports two messages, asks when told to, returns 0 or -ERR_REFUSED. */
static int run_probe(struct ui_job *job, struct error *e)
{
	struct probe *p = job->arg;

	p->hooks.message(p->hooks.arg, APP_PROGRESS, "step one");
	p->hooks.message(p->hooks.arg, APP_INFO, "step two\nsecond line");
	if (!p->ask)
		return 0;
	p->answer = p->hooks.confirm(p->hooks.arg, "Write coding?", "a: off -> on");
	if (!p->answer)
		return error_set(e, ERR_REFUSED, "not confirmed: nothing was written");
	ui_worker_set_cancellable(p->w, false);
	p->cancellable_after = ui_worker_cancellable(p->w);
	return 0;
}

/* Waits for the next event (up to 5 s). */
static struct ui_event *next_event(struct ui_worker *w)
{
	struct pollfd pfd = { ui_worker_fd(w), POLLIN, 0 };
	struct ui_event *ev;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		if ((ev = ui_worker_next(w)) != NULL)
			return ev;
		poll(&pfd, 1, 100);
	}
	return NULL;
}

/* Takes the next event and checks its kind. */
static struct ui_event *expect(struct ui_worker *w, enum ui_event_kind kind)
{
	struct ui_event *ev = next_event(w);

	assert_non_null(ev);
	assert_int_equal(ev->kind, kind);
	return ev;
}

/* Messages come in order, then DONE with the job's result. */
static void test_messages(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "probe", true, run_probe, NULL, 0, { 0 } };
	struct probe p = { .ask = false };
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	p.hooks = ui_worker_hooks(w);
	p.w = w;
	job.arg = &p;
	assert_false(ui_worker_busy(w));
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	assert_true(ui_worker_busy(w));
	assert_ptr_equal(ui_worker_job(w), &job);
	assert_int_equal(ui_worker_submit(w, &job, &e), -ERR_BUSY);
	ev = expect(w, UI_EV_MESSAGE);
	assert_int_equal(ev->level, APP_PROGRESS);
	assert_string_equal(ev->text, "step one");
	ui_event_free(ev);
	ev = expect(w, UI_EV_MESSAGE);
	assert_string_equal(ev->text, "step two\nsecond line");
	ui_event_free(ev);
	ev = expect(w, UI_EV_DONE);
	assert_ptr_equal(ev->job, &job);
	assert_int_equal(job.rc, 0);
	ui_event_free(ev);
	assert_false(ui_worker_busy(w));
	assert_null(ui_worker_next(w));
	ui_worker_stop(w, &left);
	assert_null(left);
	ui_worker_free(w);
}

/* A question blocks the job until answered; yes lets it finish. */
static void test_confirm_yes(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "coding", true, run_probe, NULL, 0, { 0 } };
	struct probe p = { .ask = true };
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	p.hooks = ui_worker_hooks(w);
	p.w = w;
	job.arg = &p;
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	assert_true(ui_worker_cancellable(w));
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ev = expect(w, UI_EV_CONFIRM);
	assert_string_equal(ev->title, "Write coding?");
	assert_string_equal(ev->text, "a: off -> on");
	ui_event_free(ev);
	assert_true(ui_worker_asking(w));
	assert_true(ui_worker_busy(w));
	ui_worker_answer(w, true);
	ev = expect(w, UI_EV_DONE);
	ui_event_free(ev);
	assert_true(p.answer);
	assert_false(p.cancellable_after);
	assert_int_equal(job.rc, 0);
	ui_worker_answer(w, true); /* nobody asks: ignored */
	ui_worker_stop(w, &left);
	assert_null(left);
	ui_worker_free(w);
}

/* No refuses; after refuse_questions every question is No at once. */
static void test_confirm_no(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "coding", true, run_probe, NULL, 0, { 0 } };
	struct probe p = { .ask = true };
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	p.hooks = ui_worker_hooks(w);
	p.w = w;
	job.arg = &p;
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_CONFIRM));
	ui_worker_answer(w, false);
	ev = expect(w, UI_EV_DONE);
	ui_event_free(ev);
	assert_false(p.answer);
	assert_int_equal(job.rc, -ERR_REFUSED);
	assert_string_equal(job.err.text, "not confirmed: nothing was written");
	ui_worker_refuse_questions(w);
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ev = expect(w, UI_EV_DONE); /* no CONFIRM event: refused at once */
	ui_event_free(ev);
	assert_int_equal(job.rc, -ERR_REFUSED);
	ui_worker_stop(w, &left);
	assert_null(left);
	ui_worker_free(w);
}

/* Stopping while the job waits for an answer answers No, waits for the
 * job and hands back the job whose end was never taken. */
static void test_stop_while_asking(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "coding", true, run_probe, NULL, 0, { 0 } };
	struct probe p = { .ask = true, .answer = true };
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	p.hooks = ui_worker_hooks(w);
	p.w = w;
	job.arg = &p;
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_MESSAGE));
	ui_event_free(expect(w, UI_EV_CONFIRM));
	ui_worker_stop(w, &left);
	assert_ptr_equal(left, &job);
	assert_false(p.answer);
	assert_int_equal(job.rc, -ERR_REFUSED);
	/* after the stop, the hooks still take messages and answer No */
	p.hooks.message(p.hooks.arg, APP_INFO, "closing");
	assert_false(p.hooks.confirm(p.hooks.arg, "late", "question"));
	ui_worker_free(w);
}

/* A question from a thread other than the worker gets No at once. */
static void test_confirm_off_thread(void **state)
{
	struct ui_worker *w;
	struct app_hooks h;
	struct ui_job *left;
	struct ui_event *ev;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	h = ui_worker_hooks(w);
	assert_false(h.confirm(h.arg, "title", "body"));
	h.message(h.arg, APP_WARNING, "from the console thread");
	ev = expect(w, UI_EV_MESSAGE);
	assert_int_equal(ev->level, APP_WARNING);
	ui_event_free(ev);
	assert_null(ui_worker_next(w));
	ui_worker_stop(w, &left);
	assert_null(left);
	ui_worker_free(w);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),         cmocka_unit_test(test_confirm_yes),
		cmocka_unit_test(test_confirm_no),       cmocka_unit_test(test_stop_while_asking),
		cmocka_unit_test(test_confirm_off_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
