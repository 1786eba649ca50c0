#!/bin/sh
# TUI test: two coding features marked, reviewed and written in one
# transaction: one confirmation naming both changes and the backup, one
# write of the shared DID, both shown on afterwards; the backup in the
# session holds the values from before.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "3 coding features" 15 # the scan is done
tui_keys F4
tui_wait "[ ] Horn chirp on lock" 5

tui_keys Home Space
tui_wait "1 marked" 5
tui_keys Down Space
if tui_wait "2 marked" 5; then pass "Space marks two features"; else fail "two marked" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "a marked feature shows its new value" "Fold mirrors on lock               09   off  → on  (marked)" "$screen"
check_contains "nothing is written by marking" "[ ] Horn chirp on lock" "$screen"
tui_keys Down Space
if tui_wait "cannot be changed on this vehicle" 5; then pass "an unsupported feature cannot be marked, with the reason"; else fail "unsupported refused" "$(tui_screen)"; fi

tui_keys F2
if tui_wait "2 changes to write in one transaction" 5; then pass "the review lists the plan"; else fail "review" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "review: first change" "Fold mirrors on lock: off -> on (DID 0601 byte 0 bit 2)" "$screen"
check_contains "review: second change" "Horn chirp on lock: off -> on (DID 0601 byte 0 bit 0)" "$screen"

tui_keys F2
if tui_wait "Write coding?" 10; then pass "writing asks once for both"; else fail "confirmation" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "question names the first change" "Fold mirrors on lock: off -> on" "$screen"
check_contains "question names the second change" "Horn chirp on lock: off -> on" "$screen"
check_contains "question shows the raw byte" "byte 0: 00 -> 05" "$screen"
check_contains "question names the backup" "backup:" "$screen"
check_contains "the message line waits for the answer" "waiting for your answer" "$screen"
tui_keys y
if tui_wait "Coding done" 10; then pass "yes writes"; else fail "coding done" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "one DID written for both" "1 DID written and verified" "$screen"
check_contains "result: first feature now on" "[x] Fold mirrors on lock  (09 Central electrics): now on" "$screen"
check_contains "result: second feature now on" "[x] Horn chirp on lock  (09 Central electrics): now on" "$screen"
tui_keys Enter
tui_wait_gone "Coding done" 5
screen=$(tui_screen)
check_contains "coding screen: first feature on" "[x] Fold mirrors on lock" "$screen"
check_contains "coding screen: second feature on" "[x] Horn chirp on lock" "$screen"
check_contains "nothing left marked" "0 marked" "$screen"

tui_keys F10
tui_wait "__EXITED__ 0" 15
dir=$(only_session)
check "one write request carried both bits" grep -q ' TX 2E0601051E\\r$' "$dir/transcript.log"
check_eq "exactly one write" 1 "$(grep -c ' TX 2E' "$dir/transcript.log")"
check_eq "the backup holds the values from before" "00 1e" "$(od -An -tx1 "$dir/backups/09-0601.bin" | tr -s ' ' | sed 's/^ //; s/ $//')"
tui_stop
finish
