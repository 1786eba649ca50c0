/* replay.h: answering as a recorded adapter did. A session's transcript is
 * read back into the command lines the console sent and the bytes the
 * adapter answered to each; a replayed console gets the same answers. */
#ifndef OBDCON_SESSION_REPLAY_H
#define OBDCON_SESSION_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

struct session_replay;

/* Called with a line of text for the session's events ("replay: ..."). */
typedef void (*session_replay_note_fn)(void *arg, const char *text);

/* Longest transcript line read back (escaped form, without the newline). */
#define SESSION_REPLAY_LINE_MAX ((size_t)1 << 20)

/* Reads the transcript of a session directory, or of an archive (straight
 * out of it, checked against the manifest's SHA-256; nothing unpacked). */
int session_replay_open(const char *dir_or_archive, struct session_replay **out,
			struct error *e);
/* Reads transcript text as session_transcript() writes it. A malformed
 * line is ERR_FORMAT "transcript.log:LINE: why". A last line without its
 * newline was cut by a crash (each line is one write(), which a kill can
 * still cut short): what it holds whole is kept, a cut escape or header is
 * dropped. */
int session_replay_parse(const char *text, size_t len, struct session_replay **out,
			 struct error *e);
/* Sets who hears about commands that were never recorded. */
void session_replay_set_note(struct session_replay *r, session_replay_note_fn fn, void *arg);
/* Takes bytes the console sends; for every complete command line (ended by
 * CR; LF ignored; compared without spaces and case, as the adapter reads
 * it) appends to rx what the adapter answered when that line was recorded:
 * the next recording of it after the last answer, else the first. A line
 * never recorded gets "?\r\r>" (AT and ST commands) or "NO DATA\r\r>", and
 * a note. Bytes after the last CR wait for the next call. */
int session_replay_answer(struct session_replay *r, const uint8_t *tx, size_t n,
			  struct buf *rx);
/* Number of recorded command lines. */
size_t session_replay_commands(const struct session_replay *r);
/* Number of lines answered without a recording so far. */
size_t session_replay_unknown(const struct session_replay *r);
/* Frees a replay (NULL is fine). */
void session_replay_close(struct session_replay *r);

#endif
