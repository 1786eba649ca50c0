/* test_journal.c: the flash journal: its exact text, round trips, strict
 * loading of damaged files, the image hash check, the resume point, the
 * cost of recording every block, and survival of kill -9 at any moment. */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/image.h"
#include "app/journal.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fsutil.h"

/* sha256("test") */
#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define OTHER_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char *const steps[] = { "erase", "download", "checksum", "reset" };

static const struct journal_info info = {
	.session = "20261127T224318Z-WVWZZZ1KZAW000001",
	.module = "01",
	.tx = 0x7E0,
	.rx = 0x7E8,
	.procedure = "engine_cal",
	.image_path = "/home/me/fw/engine cal.hex",
	.image_sha256 = SHA,
	.image_size = 1048576,
	.steps = steps,
	.nsteps = 4,
};

/* The text of the journal built by make_sample(), without its checksum line. */
static const char sample_text[] =
	"obdcon-journal 1\n"                            /* 1 */
	"session 20261127T224318Z-WVWZZZ1KZAW000001\n"  /* 2 */
	"module 01 0x7E0 0x7E8\n"                       /* 3 */
	"procedure engine_cal\n"                        /* 4 */
	"image /home/me/fw/engine cal.hex\n"            /* 5 */
	"image-sha256 " SHA "\n"                        /* 6 */
	"image-size 1048576\n"                          /* 7 */
	"step erase done\n"                             /* 8 */
	"step download started\n"                       /* 9 */
	"step checksum pending\n"                       /* 10 */
	"step reset pending\n"                          /* 11 */
	"point-of-no-return yes\n"                      /* 12 */
	"download 0x00010000 10000\n"                   /* 13 */
	"block-size 4096\n"                             /* 14 */
	"restart-every 2\n"                             /* 15 */
	"blocks-confirmed 2 of 3\n"                     /* 16 */
	"bytes-confirmed 8192\n"                        /* 17 */
	"end failed adapter gone \n";                   /* 18 */

/* Per-test state: a private temporary directory and the journal path in it. */
struct fixture {
	char tmp[PATH_MAX];
	char path[PATH_MAX];
};

/* Creates the temporary directory for one test. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/obdcon-journal-XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	fs_join(f->path, sizeof f->path, f->tmp, "journal");
	*state = f;
	return 0;
}

/* Removes one file or directory during the tree walk. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes the temporary directory. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->tmp, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Writes text to a file, failing the test if it cannot. */
static void write_text(const char *path, const char *text, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* The sample journal text with its checksum line. */
static void sample_with_checksum(struct buf *b)
{
	buf_reset(b);
	assert_int_equal(buf_puts(b, sample_text), 0);
	assert_int_equal(buf_printf(b, "checksum %08X\n", image_crc32(b->data, b->len)), 0);
}

/* Builds the sample journal through the API. */
static void make_sample(struct journal *j, const char *path)
{
	struct error e = { 0 };

	assert_int_equal(journal_create(j, path, &info, &e), 0);
	assert_int_equal(journal_step(j, "erase", JOURNAL_STARTED, &e), 0);
	assert_int_equal(journal_step(j, "erase", JOURNAL_DONE, &e), 0);
	assert_int_equal(journal_no_return(j, &e), 0);
	assert_int_equal(journal_step(j, "download", JOURNAL_STARTED, &e), 0);
	assert_int_equal(journal_download_begin(j, 0x10000, 10000, 4096, 2, &e), 0);
	assert_int_equal(journal_block_confirmed(j, 0, &e), 0);
	assert_int_equal(journal_block_confirmed(j, 1, &e), 0);
	assert_int_equal(journal_finish(j, false, "adapter gone\n", &e), 0);
}

/* The file holds exactly the documented text; loading gives every field back. */
static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct journal j, k;
	struct error e = { 0 };
	struct buf got = { 0 }, want = { 0 };
	struct stat st;

	make_sample(&j, f->path);
	assert_int_equal(fs_read_file(f->path, &got, 1 << 16, &e), 0);
	sample_with_checksum(&want);
	assert_string_equal(buf_str(&got), buf_str(&want));
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(journal_load(&k, f->path, SHA, &e), 0);
	assert_string_equal(k.path, f->path);
	assert_string_equal(k.session, info.session);
	assert_string_equal(k.module, "01");
	assert_int_equal(k.tx, 0x7E0);
	assert_int_equal(k.rx, 0x7E8);
	assert_string_equal(k.procedure, "engine_cal");
	assert_string_equal(k.image_path, "/home/me/fw/engine cal.hex");
	assert_string_equal(k.image_sha256, SHA);
	assert_int_equal(k.image_size, 1048576);
	assert_int_equal(k.nsteps, 4);
	assert_string_equal(k.steps[1].name, "download");
	assert_int_equal(k.steps[0].state, JOURNAL_DONE);
	assert_int_equal(k.steps[1].state, JOURNAL_STARTED);
	assert_int_equal(k.steps[3].state, JOURNAL_PENDING);
	assert_true(k.no_return);
	assert_true(k.dl.active);
	assert_int_equal(k.dl.start, 0x10000);
	assert_int_equal(k.dl.length, 10000);
	assert_int_equal(k.dl.block_size, 4096);
	assert_int_equal(k.dl.restart_every, 2);
	assert_int_equal(k.dl.blocks, 3);
	assert_int_equal(k.dl.confirmed, 2);
	assert_int_equal(k.end, JOURNAL_FAILED);
	assert_string_equal(k.reason, "adapter gone ");
	assert_int_equal(k.dl.confirmed, j.dl.confirmed);
	assert_string_equal(journal_state_name(JOURNAL_STARTED), "started");
	buf_free(&got);
	buf_free(&want);
}

/* A fresh journal: no download, nothing passed, running. */
static void test_fresh(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	struct buf got = { 0 };

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(fs_read_file(f->path, &got, 1 << 16, &e), 0);
	assert_non_null(strstr(buf_str(&got), "step reset pending\npoint-of-no-return no\n"
					      "end running\nchecksum "));
	assert_null(strstr(buf_str(&got), "\ndownload "));
	assert_int_equal(journal_load(&j, f->path, NULL, &e), 0);
	assert_false(j.dl.active);
	assert_false(j.no_return);
	assert_int_equal(j.end, JOURNAL_RUNNING);
	assert_int_equal(journal_resume_block(&j), 0);
	buf_free(&got);
}

/* Creating over an existing journal is refused; bad descriptions too. */
static void test_create_refusals(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct journal_info bad = info;
	struct error e = { 0 };
	static const char *const twice[] = { "erase", "erase" };

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_create(&j, f->path, &info, &e), -ERR_REFUSED);
	assert_non_null(strstr(e.text, "exists: an earlier flash was not closed"));
	unlink(f->path);
	bad.image_sha256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
	assert_int_equal(journal_create(&j, f->path, &bad, &e), -ERR_ARG);
	bad = info;
	bad.session = "two words";
	assert_int_equal(journal_create(&j, f->path, &bad, &e), -ERR_ARG);
	bad = info;
	bad.image_path = "fw\n.hex";
	assert_int_equal(journal_create(&j, f->path, &bad, &e), -ERR_ARG);
	bad = info;
	bad.steps = twice;
	bad.nsteps = 2;
	assert_int_equal(journal_create(&j, f->path, &bad, &e), -ERR_ARG);
	assert_string_equal(e.text, "journal: step 'erase' listed twice");
	bad = info;
	bad.tx = 0x20000000;
	assert_int_equal(journal_create(&j, f->path, &bad, &e), -ERR_ARG);
	assert_false(fs_is_file(f->path));
}

/* Replaces line n (1-based) of text with repl. */
static void replace_line(struct buf *out, const char *text, int n, const char *repl)
{
	const char *p = text;
	int line;

	buf_reset(out);
	for (line = 1; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (line == n)
			assert_int_equal(buf_printf(out, "%s\n", repl), 0);
		else
			assert_int_equal(buf_append(out, p, len), 0);
		p += len;
	}
}

/* Every damaged line is refused with its number and what is wrong. */
static void test_corrupt_lines(void **state)
{
	static const struct {
		int line;
		const char *repl, *msg;
	} cases[] = {
		{ 1, "obdcon-journal 2", "1: not an obdcon journal (expected 'obdcon-journal 1')" },
		{ 2, "sesion x", "2: expected 'session', found 'sesion'" },
		{ 2, "session", "2: 'session' without a value" },
		{ 2, "session a b", "2: bad session 'a b'" },
		{ 3, "module 01 0x7E0", "3: expected module id, tx and rx" },
		{ 3, "module 01 0x7E0  0x7E8", "3: expected module id, tx and rx" },
		{ 3, "module 01 0x7E0 0x7G8", "3: bad CAN id '0x7G8'" },
		{ 3, "module 01 0x7E0 0x20000000", "3: bad CAN id '0x20000000'" },
		{ 5, "image\tx", "5: control character 0x09 in column 6" },
		{ 6, "image-sha256 abc", "6: bad SHA-256 'abc'" },
		{ 7, "image-size -1", "7: bad size '-1'" },
		{ 9, "step download dne", "9: bad state 'dne' (pending, started or done)" },
		{ 9, "step erase done", "9: step 'erase' listed twice" },
		{ 9, "step download", "9: expected step name and state" },
		{ 12, "point-of-no-return maybe", "12: point-of-no-return is 'maybe', not yes or no" },
		{ 12, "end running", "12: expected 'point-of-no-return', found 'end'" },
		{ 13, "download 0xFFFFF000 10000",
		  "13: download of 10000 bytes at 0xFFFFF000 is empty or runs past 4 GiB" },
		{ 13, "download 0x10000", "13: expected download start address and length" },
		{ 14, "block-size 0", "14: block size 0" },
		{ 14, "restart-every 2", "14: expected 'block-size', found 'restart-every'" },
		{ 15, "restart-every x", "15: bad restart interval 'x'" },
		{ 16, "blocks-confirmed 2 of 4", "16: 4 blocks, but 10000 bytes make 3" },
		{ 16, "blocks-confirmed 4 of 3", "16: 4 of 3 blocks confirmed" },
		{ 16, "blocks-confirmed 2 from 3", "16: expected 'N of M' blocks" },
		{ 17, "bytes-confirmed 8000", "17: 8000 bytes confirmed, but 2 blocks make 8192" },
		{ 18, "end maybe", "18: end is 'maybe', not running, ok or failed REASON" },
		{ 18, "end failed", "18: end is 'failed', not running, ok or failed REASON" },
		{ 19, "checksum 1234", "19: bad checksum '1234'" },
		{ 19, "checksum", "19: 'checksum' without a value" },
	};
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	struct buf good = { 0 }, bad = { 0 };
	char want[PATH_MAX + 128];
	char reason[300];
	size_t i;

	sample_with_checksum(&good);
	write_text(f->path, (const char *)good.data, good.len);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	memset(reason, 'x', sizeof reason);
	memcpy(reason, "end failed ", 11);
	reason[11 + JOURNAL_REASON_MAX + 1] = 0;
	replace_line(&bad, buf_str(&good), 18, reason);
	write_text(f->path, (const char *)bad.data, bad.len);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:18: reason longer than 255 bytes", f->path);
	assert_string_equal(e.text, want);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		replace_line(&bad, buf_str(&good), cases[i].line, cases[i].repl);
		write_text(f->path, (const char *)bad.data, bad.len);
		assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
		snprintf(want, sizeof want, "%s:%s", f->path, cases[i].msg);
		assert_string_equal(e.text, want);
	}
	buf_free(&good);
	buf_free(&bad);
}

/* A consistent edit fails the checksum; extra text after it is refused. */
static void test_checksum_and_tail(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	struct buf good = { 0 }, bad = { 0 }, tmp = { 0 };
	char want[PATH_MAX + 128];
	uint32_t stored;

	sample_with_checksum(&good);
	stored = image_crc32(sample_text, strlen(sample_text));
	replace_line(&tmp, buf_str(&good), 16, "blocks-confirmed 1 of 3");
	replace_line(&bad, buf_str(&tmp), 17, "bytes-confirmed 4096");
	write_text(f->path, (const char *)bad.data, bad.len);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:19: checksum %08X, expected %08X: the journal was changed "
				    "or damaged", f->path, stored,
		 image_crc32(bad.data, bad.len - strlen("checksum 12345678\n")));
	assert_string_equal(e.text, want);
	buf_reset(&bad);
	assert_int_equal(buf_printf(&bad, "%sstep x done\n", buf_str(&good)), 0);
	write_text(f->path, (const char *)bad.data, bad.len);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:20: text after the checksum line", f->path);
	assert_string_equal(e.text, want);
	buf_free(&good);
	buf_free(&bad);
	buf_free(&tmp);
}

/* Every truncation of a journal is refused, naming where it stops. */
static void test_truncated(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	struct buf good = { 0 };
	char want[PATH_MAX + 128];
	const char *end_line;
	size_t n;

	sample_with_checksum(&good);
	for (n = 0; n < good.len; n++) {
		write_text(f->path, (const char *)good.data, n);
		assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	}
	write_text(f->path, (const char *)good.data, 0);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:1: file ends where 'obdcon-journal 1' should be "
				    "(truncated)", f->path);
	assert_string_equal(e.text, want);
	end_line = strstr(buf_str(&good), "end failed");
	write_text(f->path, (const char *)good.data, (size_t)(end_line - buf_str(&good)));
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:18: file ends where 'end' should be (truncated)", f->path);
	assert_string_equal(e.text, want);
	write_text(f->path, (const char *)good.data, good.len - 1);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), -ERR_FORMAT);
	snprintf(want, sizeof want, "%s:19: last line has no end (truncated)", f->path);
	assert_string_equal(e.text, want);
	write_text(f->path, (const char *)good.data, good.len);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(journal_load(&j, "/nonexistent/journal", NULL, &e), -ERR_NOT_FOUND);
	buf_free(&good);
}

/* A journal is only resumed with the image it was written for. */
static void test_image_hash(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_load(&j, f->path, OTHER_SHA, &e), -ERR_REFUSED);
	assert_non_null(strstr(e.text, "not of the file offered"));
	assert_int_equal(journal_load(&j, f->path, "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B8"
						     "22CD15D6C15B0F00A08", &e), 0);
	assert_int_equal(journal_load(&j, f->path, SHA "00", &e), -ERR_REFUSED);
	assert_int_equal(journal_load(&j, f->path, NULL, &e), 0);
}

/* The resume point rounds down to a restart point; blocks come in order. */
static void test_resume_point(void **state)
{
	struct fixture *f = *state;
	struct journal j, k;
	struct error e = { 0 };
	uint64_t b;

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_block_confirmed(&j, 0, &e), -ERR_ARG);
	assert_int_equal(journal_rewind(&j, 0, &e), -ERR_ARG);
	assert_int_equal(journal_download_begin(&j, 0x10000, 1 << 20, 4096, 16, &e), 0);
	assert_int_equal(j.dl.blocks, 256);
	for (b = 0; b < 37; b++)
		assert_int_equal(journal_block_confirmed(&j, b, &e), 0);
	assert_int_equal(journal_block_confirmed(&j, 38, &e), -ERR_ARG);
	assert_int_equal(journal_block_confirmed(&j, 36, &e), -ERR_ARG);
	assert_int_equal(journal_load(&k, f->path, SHA, &e), 0);
	assert_int_equal(k.dl.confirmed, 37);
	assert_int_equal(journal_resume_block(&k), 32);
	assert_int_equal(journal_block_addr(&k, 32), 0x30000);
	/* the same download again keeps progress; a different one is refused */
	assert_int_equal(journal_download_begin(&k, 0x10000, 1 << 20, 4096, 16, &e), 0);
	assert_int_equal(k.dl.confirmed, 37);
	assert_int_equal(journal_download_begin(&k, 0x10000, 1 << 20, 2048, 16, &e), -ERR_REFUSED);
	assert_int_equal(journal_rewind(&k, 33, &e), -ERR_ARG);
	assert_int_equal(journal_rewind(&k, 48, &e), -ERR_ARG);
	assert_int_equal(journal_rewind(&k, 32, &e), 0);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.dl.confirmed, 32);
	for (b = 32; b < 256; b++)
		assert_int_equal(journal_block_confirmed(&j, b, &e), 0);
	assert_int_equal(journal_block_confirmed(&j, 256, &e), -ERR_ARG);
	assert_int_equal(journal_resume_block(&j), 256);
	assert_int_equal(journal_download_begin(&j, 0xFFFFF000, 0x2000, 4096, 1, &e), -ERR_ARG);
}

/* A short last block; restart every block resumes exactly where it stopped. */
static void test_short_last_block(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	struct buf got = { 0 };

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_download_begin(&j, 0, 10000, 4096, 1, &e), 0);
	assert_int_equal(journal_block_confirmed(&j, 0, &e), 0);
	assert_int_equal(journal_resume_block(&j), 1);
	assert_int_equal(journal_block_confirmed(&j, 1, &e), 0);
	assert_int_equal(journal_block_confirmed(&j, 2, &e), 0);
	assert_int_equal(fs_read_file(f->path, &got, 1 << 16, &e), 0);
	assert_non_null(strstr(buf_str(&got), "blocks-confirmed 3 of 3\nbytes-confirmed 10000\n"));
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	buf_free(&got);
}

/* An ok journal is closed; a failed one reopens on the next update. */
static void test_finish(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };

	make_sample(&j, f->path);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.end, JOURNAL_FAILED);
	assert_int_equal(journal_rewind(&j, 2, &e), 0);
	assert_int_equal(j.end, JOURNAL_RUNNING);
	assert_string_equal(j.reason, "");
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.end, JOURNAL_RUNNING);
	assert_int_equal(journal_step(&j, "nope", JOURNAL_DONE, &e), -ERR_NOT_FOUND);
	assert_int_equal(journal_finish(&j, true, NULL, &e), 0);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.end, JOURNAL_OK);
	assert_int_equal(journal_step(&j, "reset", JOURNAL_DONE, &e), -ERR_REFUSED);
	assert_int_equal(journal_finish(&j, false, "late", &e), -ERR_REFUSED);
	assert_int_equal(journal_no_return(&j, &e), -ERR_REFUSED);
	assert_int_equal(j.end, JOURNAL_OK);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.end, JOURNAL_OK);
}

/* A save that fails leaves the journal in memory as it was on disk. */
static void test_save_failure(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	char dir[PATH_MAX];

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	fs_join(dir, sizeof dir, f->tmp, "gone");
	fs_join(j.path, sizeof j.path, dir, "journal");
	assert_int_equal(journal_step(&j, "erase", JOURNAL_STARTED, &e), -ERR_IO);
	assert_non_null(strstr(e.text, "recording the flash journal: create "));
	assert_int_equal(j.steps[0].state, JOURNAL_PENDING);
}

/* Recording every block of a 1 MiB download in 4 KiB blocks, synced each time.
 * Measured on ext4 on a virtual disk: about 10 ms per record (two fsyncs of
 * about 4-5 ms each: the file, then the directory after the rename), 2.6 s
 * for the 256 blocks; a 4 KiB block takes far longer than that to cross an
 * ELM327 or STN link. The bound below only catches a pathological slowdown. */
static void test_block_record_speed(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	int64_t t0, us;
	uint64_t b;

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_download_begin(&j, 0, 1 << 20, 4096, 16, &e), 0);
	t0 = clock_us();
	for (b = 0; b < 256; b++)
		assert_int_equal(journal_block_confirmed(&j, b, &e), 0);
	us = clock_us() - t0;
	print_message("# journal: 256 block records (1 MiB in 4 KiB blocks) in %.1f ms, "
		      "%.0f us per record\n", us / 1000.0, us / 256.0);
	assert_true(us / 256 < 100000);
	assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
	assert_int_equal(j.dl.confirmed, 256);
}

/* Child: keeps confirming blocks (and marking steps) until it is killed. */
static void confirm_forever(const char *path)
{
	struct journal j;
	struct error e = { 0 };

	if (journal_load(&j, path, SHA, &e) < 0)
		_exit(3);
	for (;;) {
		if (journal_block_confirmed(&j, j.dl.confirmed, &e) < 0)
			_exit(4);
		if (j.dl.confirmed % 7 == 0 &&
		    journal_step(&j, "download", (enum journal_state)(j.dl.confirmed % 3), &e) < 0)
			_exit(5);
	}
}

/* kill -9 at random moments (seeded): the journal always loads, never goes back. */
static void test_survives_kill(void **state)
{
	struct fixture *f = *state;
	struct journal j;
	struct error e = { 0 };
	unsigned seed = 20261127;
	uint64_t last = 0;
	int round, status;

	assert_int_equal(journal_create(&j, f->path, &info, &e), 0);
	assert_int_equal(journal_download_begin(&j, 0, 0xFFFFF000, 4096, 16, &e), 0);
	for (round = 0; round < 40; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			confirm_forever(f->path);
		clock_sleep_us(200 + rand_r(&seed) % 20000);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		assert_int_equal(journal_load(&j, f->path, SHA, &e), 0);
		assert_true(j.dl.confirmed >= last);
		assert_int_equal(j.end, JOURNAL_RUNNING);
		last = j.dl.confirmed;
	}
	print_message("# journal: 40 kills, %llu blocks confirmed, loaded every time\n",
		      (unsigned long long)last);
	assert_true(last > 0);
}

/* Runs every journal test as one group. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checksum_and_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_last_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block_record_speed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_kill, setup, teardown),
	};

	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
