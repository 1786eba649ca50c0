## Fuzzing. Each harness tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput.
## make check runs every saved input of tests/fuzz/corpus/NAME through its
## harness (any compiler); with ./configure --enable-fuzzing (CC=clang),
## make fuzz runs libFuzzer on each for FUZZ_SECONDS seconds.
FUZZ_HARNESSES = elm_parse isotp sdata sim_at image replay json uds import script obd
FUZZ_SECONDS = 60

check_PROGRAMS += tests/fuzz/corpus_elm_parse \
	tests/fuzz/corpus_isotp \
	tests/fuzz/corpus_sdata \
	tests/fuzz/corpus_sim_at \
	tests/fuzz/corpus_image \
	tests/fuzz/corpus_replay \
	tests/fuzz/corpus_json \
	tests/fuzz/corpus_uds \
	tests/fuzz/corpus_import \
	tests/fuzz/corpus_script \
	tests/fuzz/corpus_obd
tests_fuzz_corpus_elm_parse_SOURCES = tests/fuzz/fuzz_elm_parse.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_elm_parse_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_isotp_SOURCES = tests/fuzz/fuzz_isotp.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_isotp_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_sdata_SOURCES = tests/fuzz/fuzz_sdata.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_sdata_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_sim_at_SOURCES = tests/fuzz/fuzz_sim_at.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_sim_at_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_image_SOURCES = tests/fuzz/fuzz_image.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_image_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_replay_SOURCES = tests/fuzz/fuzz_replay.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_replay_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_json_SOURCES = tests/fuzz/fuzz_json.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_json_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_uds_SOURCES = tests/fuzz/fuzz_uds.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_uds_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_import_SOURCES = tests/fuzz/fuzz_import.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_import_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_script_SOURCES = tests/fuzz/fuzz_script.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_script_LDADD = $(TEST_LIBS)
tests_fuzz_corpus_obd_SOURCES = tests/fuzz/fuzz_obd.c tests/fuzz/run_corpus.c
tests_fuzz_corpus_obd_LDADD = $(TEST_LIBS)
TESTS += tests/fuzz/corpus.sh
EXTRA_DIST += tests/fuzz/corpus.sh tests/fuzz/corpus

if FUZZING
EXTRA_PROGRAMS += tests/fuzz/fuzz_elm_parse \
	tests/fuzz/fuzz_isotp \
	tests/fuzz/fuzz_sdata \
	tests/fuzz/fuzz_sim_at \
	tests/fuzz/fuzz_image \
	tests/fuzz/fuzz_replay \
	tests/fuzz/fuzz_json \
	tests/fuzz/fuzz_uds \
	tests/fuzz/fuzz_import \
	tests/fuzz/fuzz_script \
	tests/fuzz/fuzz_obd
tests_fuzz_fuzz_elm_parse_SOURCES = tests/fuzz/fuzz_elm_parse.c
tests_fuzz_fuzz_elm_parse_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_elm_parse_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_isotp_SOURCES = tests/fuzz/fuzz_isotp.c
tests_fuzz_fuzz_isotp_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_isotp_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_sdata_SOURCES = tests/fuzz/fuzz_sdata.c
tests_fuzz_fuzz_sdata_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_sdata_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_sim_at_SOURCES = tests/fuzz/fuzz_sim_at.c
tests_fuzz_fuzz_sim_at_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_sim_at_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_image_SOURCES = tests/fuzz/fuzz_image.c
tests_fuzz_fuzz_image_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_image_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_replay_SOURCES = tests/fuzz/fuzz_replay.c
tests_fuzz_fuzz_replay_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_replay_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_json_SOURCES = tests/fuzz/fuzz_json.c
tests_fuzz_fuzz_json_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_json_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_uds_SOURCES = tests/fuzz/fuzz_uds.c
tests_fuzz_fuzz_uds_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_uds_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_import_SOURCES = tests/fuzz/fuzz_import.c
tests_fuzz_fuzz_import_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_import_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_script_SOURCES = tests/fuzz/fuzz_script.c
tests_fuzz_fuzz_script_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_script_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_obd_SOURCES = tests/fuzz/fuzz_obd.c
tests_fuzz_fuzz_obd_LDADD = $(TEST_LIBS)
tests_fuzz_fuzz_obd_LDFLAGS = -fsanitize=fuzzer

# Runs each harness on a copy of its corpus; new inputs stay in fuzz-corpus/,
# crashes are saved as fuzz-crash-* and fail the run.
fuzz: $(FUZZ_HARNESSES:%=tests/fuzz/fuzz_%)
	@set -e; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p fuzz-corpus/$$h; \
	  cp -n $(srcdir)/tests/fuzz/corpus/$$h/* fuzz-corpus/$$h/ 2>/dev/null || true; \
	  ./tests/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=fuzz-crash-$$h- fuzz-corpus/$$h >fuzz-$$h.log 2>&1 || \
	    { tail -n 40 fuzz-$$h.log; echo "fuzz: $$h FAILED"; exit 1; }; \
	  echo "fuzz: $$h $$(grep -o 'Done [0-9]* runs' fuzz-$$h.log | grep -o '[0-9]*') executions"; \
	done
else
fuzz:
	@echo "make fuzz needs: CC=clang ./configure --enable-fuzzing" >&2; exit 1
endif
.PHONY: fuzz
CLEANFILES += fuzz-*.log
