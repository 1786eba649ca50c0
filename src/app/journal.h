/* journal.h: the flash journal: the record of a flash, written and synced
 * BEFORE each step, so that a flash interrupted by a pulled adapter, a
 * killed process or a power loss can be resumed where it is safe to.
 *
 * Every change rewrites the whole (small) file with fs_write_atomic:
 * temporary file, fsync, rename over the old one, fsync of the directory.
 * After a crash at any moment the file is the old version or the new one,
 * never a mix. The last line carries a CRC-32 of everything before it, so a
 * file damaged some other way (a disk error, a hand edit) is refused too.
 *
 * The file is text, LF line ends, one `key value` line each, in this order:
 *
 *   obdcon-journal 1
 *   session 20261127T224318Z-WVWZZZ1KZAW000001
 *   module 01 0x7E0 0x7E8                    id, request and reply CAN ids
 *   procedure engine_cal
 *   image /home/me/fw/engine.hex             the rest of the line, any bytes
 *   image-sha256 9f86d081884c7d65...         64 lower-case hex digits
 *   image-size 1048576                       bytes
 *   step identify done                       one line per step, in order:
 *   step erase started                       pending, started or done
 *   step download pending
 *   point-of-no-return yes                   yes or no
 *   download 0x00010000 1048576              start address, bytes   } only
 *   block-size 4096                                                 } once the
 *   restart-every 16                         blocks                 } download
 *   blocks-confirmed 17 of 256               in order from block 0  } began
 *   bytes-confirmed 69632                                           }
 *   end running                              running, ok, or failed REASON
 *   checksum 1A2B3C4D                        CRC-32 of all bytes above
 *
 * Loading is strict: a missing, misplaced, repeated or malformed line is an
 * ERR_FORMAT error naming the line ("journal:9: bad state 'dne'"), and a
 * journal written for another image (different SHA-256) is refused. */
#ifndef OBDCON_APP_JOURNAL_H
#define OBDCON_APP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define JOURNAL_MAX_STEPS 32
#define JOURNAL_NAME_MAX 63    /* session, module, procedure and step names */
#define JOURNAL_REASON_MAX 255 /* text after "end failed" */
#define JOURNAL_PATH_MAX 4096

/* Where a step is. */
enum journal_state {
	JOURNAL_PENDING = 0,
	JOURNAL_STARTED,
	JOURNAL_DONE,
};

/* How the flash ended, if it did. */
enum journal_end {
	JOURNAL_RUNNING = 0,
	JOURNAL_OK,
	JOURNAL_FAILED,
};

/* One step of the procedure. */
struct journal_step {
	char name[JOURNAL_NAME_MAX + 1];
	enum journal_state state;
};

/* Progress of the download: blocks are confirmed in order from 0. */
struct journal_download {
	bool active;            /* journal_download_begin was called */
	uint32_t start;         /* address of block 0 */
	uint64_t length;        /* bytes to send */
	uint32_t block_size;    /* bytes per block (the last may be shorter) */
	uint32_t restart_every; /* safe restart points: multiples of this many blocks */
	uint64_t blocks;        /* blocks in all */
	uint64_t confirmed;     /* blocks the module has confirmed */
};

/* What is known of one flash; the fields are read freely, changed only
 * through the functions below (each one saves the file). */
struct journal {
	char path[JOURNAL_PATH_MAX];
	char session[JOURNAL_NAME_MAX + 1];
	char module[JOURNAL_NAME_MAX + 1];
	uint32_t tx, rx;
	char procedure[JOURNAL_NAME_MAX + 1];
	char image_path[JOURNAL_PATH_MAX];
	char image_sha256[65];
	uint64_t image_size;
	struct journal_step steps[JOURNAL_MAX_STEPS];
	size_t nsteps;
	bool no_return; /* the point of no return was passed */
	struct journal_download dl;
	enum journal_end end;
	char reason[JOURNAL_REASON_MAX + 1];
};

/* What a new journal records; steps are the procedure's step names. */
struct journal_info {
	const char *session;
	const char *module;
	uint32_t tx, rx;
	const char *procedure;
	const char *image_path;
	const char *image_sha256;
	uint64_t image_size;
	const char *const *steps;
	size_t nsteps;
};

/* Name of a step state ("pending", "started", "done"). */
const char *journal_state_name(enum journal_state s);
/* Starts a journal at path, every step pending; refuses (ERR_REFUSED) to
 * replace an existing journal, which may be an interrupted flash. */
int journal_create(struct journal *j, const char *path, const struct journal_info *info,
		   struct error *e);
/* Loads and validates a journal. If image_sha256 is not NULL it must match
 * the journal's image, else ERR_REFUSED. */
int journal_load(struct journal *j, const char *path, const char *image_sha256,
		 struct error *e);
/* Sets a step's state and saves. An update reopens a failed journal (that
 * is how a resume starts); a journal that ended ok refuses updates. */
int journal_step(struct journal *j, const char *name, enum journal_state state,
		 struct error *e);
/* Records that the point of no return was passed, and saves. */
int journal_no_return(struct journal *j, struct error *e);
/* Records the download about to start; calling it again with the same
 * values keeps the progress (a resume), other values are refused. */
int journal_download_begin(struct journal *j, uint32_t start, uint64_t length,
			   uint32_t block_size, uint32_t restart_every, struct error *e);
/* Records that the module confirmed a block (the next one in order), and saves. */
int journal_block_confirmed(struct journal *j, uint64_t block, struct error *e);
/* The block to resume at: blocks confirmed, rounded down to a restart point. */
uint64_t journal_resume_block(const struct journal *j);
/* Address of a block of the download. */
uint64_t journal_block_addr(const struct journal *j, uint64_t block);
/* Forgets confirmations from block on (a restart point, at most the count
 * confirmed) before they are sent again, and saves. */
int journal_rewind(struct journal *j, uint64_t block, struct error *e);
/* Records the end: ok, or failed with a reason, and saves. */
int journal_finish(struct journal *j, bool ok, const char *reason, struct error *e);

#endif
