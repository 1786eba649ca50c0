/* worker.c: the operation thread, its event queue, the blocking
 * questions handed over to the console thread, and throttled progress. */
#include "config.h"
#include "ui/worker.h"

#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ui_worker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;    /* a job was posted, a question answered, or stop */
	int pipe[2];
	struct ui_event *head, *tail;
	struct ui_job *pending; /* submitted, not started */
	struct ui_job *current; /* submitted, its DONE not yet taken */
	bool asking, answered, answer;
	int choice;             /* the answer to a choice question */
	bool refuse, stopping;
	atomic_bool cancellable;
	int64_t progress_ms;    /* when the last progress event was queued */
};

/* Makes a descriptor non-blocking and close-on-exec. */
static int set_flags(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return 0;
}

/* Queues an event and wakes the console (lock held). */
static void push_locked(struct ui_worker *w, struct ui_event *ev)
{
	ssize_t r;

	ev->next = NULL;
	if (w->tail)
		w->tail->next = ev;
	else
		w->head = ev;
	w->tail = ev;
	r = write(w->pipe[1], "e", 1);
	(void)r; /* a full pipe already wakes the console */
}

/* Makes an event with copies of title and text; NULL when out of memory. */
static struct ui_event *event_new(enum ui_event_kind kind, enum app_level level,
				  const char *title, const char *text)
{
	struct ui_event *ev = calloc(1, sizeof *ev);

	if (ev == NULL)
		return NULL;
	ev->kind = kind;
	ev->level = level;
	ev->title = title ? strdup(title) : NULL;
	ev->text = text ? strdup(text) : NULL;
	if ((title && ev->title == NULL) || (text && ev->text == NULL)) {
		ui_event_free(ev);
		return NULL;
	}
	return ev;
}

/* Runs jobs until told to stop. */
static void *worker_main(void *arg)
{
	struct ui_worker *w = arg;
	struct ui_event *ev;
	struct ui_job *job;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->stopping && w->pending == NULL)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stopping) {
			pthread_mutex_unlock(&w->lock);
			return NULL;
		}
		job = w->pending;
		w->pending = NULL;
		atomic_store(&w->cancellable, job->cancellable);
		pthread_mutex_unlock(&w->lock);
		error_clear(&job->err);
		job->rc = job->run(job, &job->err);
		ev = event_new(UI_EV_DONE, APP_INFO, NULL, NULL);
		pthread_mutex_lock(&w->lock);
		if (ev) {
			ev->job = job;
			push_locked(w, ev);
		} else {
			w->current = NULL; /* out of memory: the job is lost, not the console */
		}
		pthread_mutex_unlock(&w->lock);
	}
}

/* App hook: queues a message. */
static void hook_message(void *arg, enum app_level level, const char *text)
{
	struct ui_worker *w = arg;
	struct ui_event *ev = event_new(UI_EV_MESSAGE, level, NULL, text);

	if (ev == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	push_locked(w, ev);
	pthread_mutex_unlock(&w->lock);
}

/* Waits (lock held) until the console answers the question just queued,
 * or the worker stops or refuses questions; false in those cases. */
static bool wait_answer_locked(struct ui_worker *w)
{
	w->asking = true;
	w->answered = false;
	while (!w->answered && !w->stopping && !w->refuse)
		pthread_cond_wait(&w->cond, &w->lock);
	w->asking = false;
	return w->answered && !w->refuse && !w->stopping;
}

/* App hook: queues a question and waits for the answer; No when the
 * console leaves, and at once when called off the worker thread. */
static bool hook_confirm(void *arg, const char *title, const char *body)
{
	struct ui_worker *w = arg;
	struct ui_event *ev;
	bool yes;

	if (!pthread_equal(pthread_self(), w->thread))
		return false;
	ev = event_new(UI_EV_CONFIRM, APP_INFO, title, body);
	if (ev == NULL)
		return false;
	pthread_mutex_lock(&w->lock);
	if (w->refuse || w->stopping) {
		pthread_mutex_unlock(&w->lock);
		ui_event_free(ev);
		return false;
	}
	push_locked(w, ev);
	yes = wait_answer_locked(w) && w->answer;
	pthread_mutex_unlock(&w->lock);
	return yes;
}

/* Copies a script's choices into a question event; false out of memory. */
static bool copy_choices(struct ui_event *ev, const char *const *choices, size_t n)
{
	size_t i;

	ev->choices = calloc(n ? n : 1, sizeof *ev->choices);
	if (ev->choices == NULL)
		return false;
	for (i = 0; i < n; i++) {
		ev->choices[i] = strdup(choices[i] ? choices[i] : "");
		if (ev->choices[i] == NULL)
			return false;
		ev->nchoices++;
	}
	return true;
}

/* App hook: a script's question with choices; blocks for the index of the
 * answer, -1 (cancel) when the console leaves or off the worker thread. */
static int hook_ask(void *arg, const char *question, const char *const *choices, size_t n)
{
	struct ui_worker *w = arg;
	struct ui_event *ev;
	int k = -1;

	if (!pthread_equal(pthread_self(), w->thread) || n == 0)
		return -1;
	ev = event_new(UI_EV_ASK, APP_INFO, question, NULL);
	if (ev == NULL || !copy_choices(ev, choices, n)) {
		ui_event_free(ev);
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	if (w->refuse || w->stopping) {
		pthread_mutex_unlock(&w->lock);
		ui_event_free(ev);
		return -1;
	}
	push_locked(w, ev);
	if (wait_answer_locked(w) && w->choice >= 0 && (size_t)w->choice < n)
		k = w->choice;
	pthread_mutex_unlock(&w->lock);
	return k;
}

/* App hook: progress of a long step; queues an event at most every
 * UI_PROGRESS_MS, and always the first and the last. */
static void hook_progress(void *arg, const struct app_progress *p)
{
	struct ui_worker *w = arg;
	struct ui_event *ev;
	int64_t now = clock_ms();
	bool last = p->total > 0 && p->done >= p->total;

	pthread_mutex_lock(&w->lock);
	if (!last && w->progress_ms && now - w->progress_ms < UI_PROGRESS_MS) {
		pthread_mutex_unlock(&w->lock);
		return;
	}
	w->progress_ms = now;
	pthread_mutex_unlock(&w->lock);
	ev = event_new(UI_EV_PROGRESS, APP_PROGRESS, p->step ? p->step : "", NULL);
	if (ev == NULL)
		return;
	ev->progress = *p;
	ev->progress.step = ev->title;
	pthread_mutex_lock(&w->lock);
	push_locked(w, ev);
	pthread_mutex_unlock(&w->lock);
}

/* Releases what start made. */
static void worker_free(struct ui_worker *w)
{
	if (w->pipe[0] >= 0)
		close(w->pipe[0]);
	if (w->pipe[1] >= 0)
		close(w->pipe[1]);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* Starts the thread and its pipe. */
int ui_worker_start(struct ui_worker **out, struct error *e)
{
	struct ui_worker *w = calloc(1, sizeof *w);
	int rc;

	*out = NULL;
	if (w == NULL)
		return error_set(e, ERR_NOMEM, "out of memory");
	w->pipe[0] = w->pipe[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	atomic_init(&w->cancellable, false);
	if (pipe(w->pipe) < 0 || set_flags(w->pipe[0]) < 0 || set_flags(w->pipe[1]) < 0) {
		rc = error_set(e, ERR_IO, "worker pipe: %s", strerror(errno));
		worker_free(w);
		return rc;
	}
	if ((rc = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
		rc = error_set(e, ERR_NOMEM, "worker thread: %s", strerror(rc));
		worker_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* The descriptor poll() watches. */
int ui_worker_fd(const struct ui_worker *w)
{
	return w->pipe[0];
}

/* Hooks for the app that report through this worker. */
struct app_hooks ui_worker_hooks(struct ui_worker *w)
{
	struct app_hooks h = { .arg = w, .message = hook_message, .confirm = hook_confirm,
			       .ask = hook_ask, .progress = hook_progress };

	return h;
}

/* Hands a job to the thread. */
int ui_worker_submit(struct ui_worker *w, struct ui_job *job, struct error *e)
{
	pthread_mutex_lock(&w->lock);
	if (w->current || w->stopping) {
		pthread_mutex_unlock(&w->lock);
		return error_set(e, ERR_BUSY, "another operation is running");
	}
	w->current = job;
	w->pending = job;
	w->progress_ms = 0;
	atomic_store(&w->cancellable, job->cancellable);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* True from submit until the job's DONE has been taken. */
bool ui_worker_busy(const struct ui_worker *w)
{
	return ui_worker_job(w) != NULL;
}

/* The running job, or NULL. */
struct ui_job *ui_worker_job(const struct ui_worker *w)
{
	struct ui_worker *mw = (struct ui_worker *)w;
	struct ui_job *job;

	pthread_mutex_lock(&mw->lock);
	job = mw->current;
	pthread_mutex_unlock(&mw->lock);
	return job;
}

/* Whether the running job may be stopped now. */
bool ui_worker_cancellable(const struct ui_worker *w)
{
	return atomic_load(&((struct ui_worker *)w)->cancellable);
}

/* Called by a job when it passes a point where stopping would be unsafe. */
void ui_worker_set_cancellable(struct ui_worker *w, bool cancellable)
{
	atomic_store(&w->cancellable, cancellable);
}

/* Queues data for the console. */
bool ui_worker_post(struct ui_worker *w, void *data, void (*free_data)(void *data))
{
	struct ui_event *ev = event_new(UI_EV_DATA, APP_INFO, NULL, NULL);

	if (ev == NULL) {
		if (free_data)
			free_data(data);
		return false;
	}
	ev->data = data;
	ev->free_data = free_data;
	pthread_mutex_lock(&w->lock);
	push_locked(w, ev);
	pthread_mutex_unlock(&w->lock);
	return true;
}

/* Empties the wake-up pipe. */
static void drain_pipe(struct ui_worker *w)
{
	char junk[64];

	while (read(w->pipe[0], junk, sizeof junk) > 0)
		;
}

/* The next event, or NULL. */
struct ui_event *ui_worker_next(struct ui_worker *w)
{
	struct ui_event *ev;

	pthread_mutex_lock(&w->lock);
	ev = w->head;
	if (ev) {
		w->head = ev->next;
		if (w->head == NULL)
			w->tail = NULL;
		ev->next = NULL;
		if (ev->kind == UI_EV_DONE && ev->job == w->current)
			w->current = NULL;
	}
	if (w->head == NULL)
		drain_pipe(w);
	pthread_mutex_unlock(&w->lock);
	return ev;
}

/* Frees an event. */
void ui_event_free(struct ui_event *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	free(ev->title);
	free(ev->text);
	for (i = 0; i < ev->nchoices; i++)
		free(ev->choices[i]);
	free(ev->choices);
	if (ev->free_data)
		ev->free_data(ev->data);
	free(ev);
}

/* Answers the question the worker waits on. */
void ui_worker_answer(struct ui_worker *w, bool yes)
{
	pthread_mutex_lock(&w->lock);
	if (w->asking && !w->answered) {
		w->answered = true;
		w->answer = yes;
		w->choice = -1; /* a yes/no answer picks no choice */
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

/* Answers the choice question the worker waits on. */
void ui_worker_choose(struct ui_worker *w, int choice)
{
	pthread_mutex_lock(&w->lock);
	if (w->asking && !w->answered) {
		w->answered = true;
		w->answer = choice >= 0;
		w->choice = choice;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

/* True while the worker waits for an answer. */
bool ui_worker_asking(const struct ui_worker *w)
{
	struct ui_worker *mw = (struct ui_worker *)w;
	bool asking;

	pthread_mutex_lock(&mw->lock);
	asking = mw->asking && !mw->answered;
	pthread_mutex_unlock(&mw->lock);
	return asking;
}

/* From now on every question is answered No at once. */
void ui_worker_refuse_questions(struct ui_worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->refuse = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Stops the thread; returns the job whose end nobody took. */
void ui_worker_stop(struct ui_worker *w, struct ui_job **unfinished)
{
	struct ui_event *ev, **link;

	*unfinished = NULL;
	if (w == NULL || w->stopping)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_lock(&w->lock);
	for (link = &w->head; (ev = *link) != NULL;) {
		if (ev->kind != UI_EV_DONE) {
			link = &ev->next;
			continue;
		}
		*unfinished = ev->job;
		*link = ev->next;
		ui_event_free(ev);
	}
	for (w->tail = w->head; w->tail && w->tail->next; w->tail = w->tail->next)
		;
	if (w->pending)
		*unfinished = w->pending;
	w->pending = w->current = NULL;
	pthread_mutex_unlock(&w->lock);
}

/* Frees a stopped worker and the events nobody took. */
void ui_worker_free(struct ui_worker *w)
{
	struct ui_event *ev, *next;

	if (w == NULL)
		return;
	for (ev = w->head; ev; ev = next) {
		next = ev->next;
		ui_event_free(ev);
	}
	worker_free(w);
}
