/* test_ui_worker.c: the console's worker thread: messages and questions
 * from a job arrive as events through the pipe, a question blocks the job
 * until answered, one job at a time, and stopping answers No; a script's
 * choice question, throttled progress, and data a job posts. */
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

/* What the hook jobs below saw. */
struct hooked {
	struct app_hooks hooks;
	struct ui_worker *w;
	int choice;
	int freed;
};

/* Job: asks a choice question and keeps the answer. */
static int run_ask(struct ui_job *job, struct error *e)
{
	struct hooked *h = job->arg;
	static const char *const choices[] = { "left", "right", "both" };

	(void)e;
	h->choice = h->hooks.ask(h->hooks.arg, "Which mirror?", choices, 3);
	return 0;
}

/* A script's question arrives with its choices; the answer's index goes
 * back to the job; after refuse_questions it is -1 at once. */
static void test_ask(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "coding", true, run_ask, NULL, 0, { 0 } };
	struct hooked h = { .choice = 99 };
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	h.hooks = ui_worker_hooks(w);
	job.arg = &h;
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ev = expect(w, UI_EV_ASK);
	assert_string_equal(ev->title, "Which mirror?");
	assert_int_equal(ev->nchoices, 3);
	assert_string_equal(ev->choices[2], "both");
	ui_event_free(ev);
	assert_true(ui_worker_asking(w));
	ui_worker_choose(w, 1);
	ui_event_free(expect(w, UI_EV_DONE));
	assert_int_equal(h.choice, 1);
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ui_event_free(expect(w, UI_EV_ASK));
	ui_worker_choose(w, 7); /* out of range: no answer */
	ui_event_free(expect(w, UI_EV_DONE));
	assert_int_equal(h.choice, -1);
	ui_worker_refuse_questions(w);
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ui_event_free(expect(w, UI_EV_DONE)); /* no ASK event */
	assert_int_equal(h.choice, -1);
	assert_int_equal(h.hooks.ask(h.hooks.arg, "off thread", NULL, 0), -1);
	ui_worker_stop(w, &left);
	assert_null(left);
	ui_worker_free(w);
}

/* Job: a burst of progress reports, the last one complete. */
static int run_progress(struct ui_job *job, struct error *e)
{
	struct hooked *h = job->arg;
	struct app_progress p = { "download", 0, 1000, 0, -1, NULL };
	int i;

	(void)e;
	for (i = 0; i <= 100; i++) {
		p.done = (uint64_t)i * 10;
		p.bytes_per_s = i;
		h->hooks.progress(h->hooks.arg, &p);
	}
	return 0;
}

/* Progress reported faster than UI_PROGRESS_MS reaches the console as the
 * first and the last report only, with its figures and step. */
static void test_progress_throttled(void **state)
{
	struct ui_worker *w;
	struct ui_job job = { "flash", false, run_progress, NULL, 0, { 0 } };
	struct hooked h;
	int n;
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	h.hooks = ui_worker_hooks(w);
	job.arg = &h;
	assert_int_equal(ui_worker_submit(w, &job, &e), 0);
	ev = expect(w, UI_EV_PROGRESS);
	assert_int_equal(ev->progress.done, 0);
	assert_int_equal(ev->progress.total, 1000);
	assert_string_equal(ev->progress.step, "download");
	ui_event_free(ev);
	for (n = 1; (ev = expect(w, UI_EV_PROGRESS))->progress.done < 1000; n++)
		ui_event_free(ev); /* a very slow machine may let one more through */
	assert_true(n <= 3);
	assert_int_equal(ev->progress.done, 1000);
	assert_true(ev->progress.bytes_per_s == 100);
	assert_true(ev->progress.eta_s < 0);
	ui_event_free(ev);
	ui_event_free(expect(w, UI_EV_DONE));
	ui_worker_stop(w, &left);
	ui_worker_free(w);
}

/* Counts frees of posted data. */
static void count_free(void *data)
{
	((struct hooked *)data)->freed++;
}

/* Data posted by a job arrives as an event and is freed with it; data
 * nobody took is freed with the worker. */
static void test_post(void **state)
{
	struct ui_worker *w;
	struct hooked h = { 0 };
	struct ui_event *ev;
	struct ui_job *left;
	struct error e;

	(void)state;
	assert_int_equal(ui_worker_start(&w, &e), 0);
	assert_true(ui_worker_post(w, &h, count_free));
	ev = expect(w, UI_EV_DATA);
	assert_ptr_equal(ev->data, &h);
	assert_int_equal(h.freed, 0);
	ui_event_free(ev);
	assert_int_equal(h.freed, 1);
	assert_true(ui_worker_post(w, &h, count_free));
	ui_worker_stop(w, &left);
	ui_worker_free(w);
	assert_int_equal(h.freed, 2);
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),         cmocka_unit_test(test_confirm_yes),
		cmocka_unit_test(test_confirm_no),       cmocka_unit_test(test_stop_while_asking),
		cmocka_unit_test(test_confirm_off_thread), cmocka_unit_test(test_ask),
		cmocka_unit_test(test_progress_throttled),
		cmocka_unit_test(test_post),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
