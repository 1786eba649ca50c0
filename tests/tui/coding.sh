#!/bin/sh
# TUI test: two coding features marked, reviewed and written in one
# transaction: one confirmation naming both changes and the backup, one
# write of the shared DID, both shown on afterwards; the backup in the
# session holds the values from before. Then a feature with named values,
# a number and a text: values they do not take are refused in the value
# field, naming what they take; a good one is written and read back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
tui_start 80 24 "$OBDCON" --demo
tui_wait "marked to change (F4 coding" 15 # the scan is done
status=$(tui_screen | tail -n 2 | head -n 1)
if printf '%s\n' "$status" | grep -Eq 'OBDDEMO0SIM000001 . session [0-9]{2}:[0-9]{2} *$'; then
	pass "at 80 columns the status line ends with the session's start time, whole"
else
	fail "status line at 80 columns" "$status"
fi
tui_keys F4
tui_wait "[ ] Horn chirp on lock" 5

tui_keys Home Space
tui_wait "1 marked" 5
tui_keys Down Space
if tui_wait "2 marked" 5; then pass "Space marks two features"; else fail "two marked" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "a marked feature shows its new value" "Fold mirrors on lock               09   off        → on  (marked)" "$screen"
check_contains "nothing is written by marking" "[ ] Horn chirp on lock" "$screen"
tui_keys / && tui_type "speed" && tui_keys Enter Space
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

# a feature with named values: typed in a field; a value it does not take
# is refused there, naming what it takes, and the field stays open
tui_keys / && tui_type "Lock doors" && tui_keys Enter Space
if tui_wait "Accepts: off, 15kmh, 30kmh" 5; then pass "a choice feature asks for its value and says what it accepts"; else fail "value field" "$(tui_screen)"; fi
tui_keys C-u && tui_type "45kmh" && tui_keys Enter
if tui_wait '"45kmh" is not one of its values; it accepts off, 15kmh, 30kmh' 5; then pass "a value the choice does not take is refused in the field"; else fail "bad choice refused" "$(tui_screen)"; fi
check_contains "the field stays open after the refusal" "> 45kmh" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "Accepts:" 5
# a number outside its range and a text too long, refused the same way
tui_keys / && tui_type "Welcome light" && tui_keys Enter Space
tui_wait "Accepts: 0..60 s" 5
tui_keys C-u && tui_type "3099" && tui_keys Enter
if tui_wait '"3099" is outside the range; it accepts 0..60 s' 5; then pass "a number outside the range is refused in the field"; else fail "range refused" "$(tui_screen)"; fi
check_contains "the number field stays open" "> 3099" "$(tui_screen)"
tui_keys Escape
tui_wait_gone "Accepts:" 5
tui_keys / && tui_type "Workshop code" && tui_keys Enter Space
tui_wait "Accepts: text of up to 5 characters (digits)" 5
tui_keys C-u && tui_type "ABCDEFGH" && tui_keys Enter
if tui_wait '"ABCDEFGH" is too long; it accepts text of up to 5 characters (digits)' 5; then pass "a text too long is refused in the field"; else fail "long text refused" "$(tui_screen)"; fi
tui_keys Escape
if tui_wait "0 marked" 5; then pass "nothing refused was marked"; else fail "nothing marked" "$(tui_screen)"; fi
tui_keys / && tui_type "Lock doors" && tui_keys Enter Space
tui_wait "Accepts:" 5
tui_keys C-u && tui_type "30kmh" && tui_keys Enter
tui_wait "→ 30kmh  (marked)" 5
tui_keys F2 && tui_wait "change to write" 5 && tui_keys F2
tui_wait "Write coding?" 10
tui_keys y
if tui_wait "Lock doors when driving off  (09 Central electrics): now 30kmh" 10; then pass "the choice is written and read back"; else fail "choice written" "$(tui_screen)"; fi
tui_keys Enter

# undo: the session's backups written back, after the same confirmation
tui_wait_gone "now 30kmh" 5
tui_keys U
if tui_wait "Restore backed-up values?" 10; then pass "U asks before undoing the session's changes"; else fail "undo question" "$(tui_screen)"; fi
check_contains "the question says where the values go back to" "back to the value backed up before the change" "$(tui_screen)"
tui_keys y
if tui_wait "Restored" 15; then pass "the undo writes the backed-up values back"; else fail "undo" "$(tui_screen)"; fi
tui_keys Enter
if tui_wait "[ ] Fold mirrors on lock" 10; then pass "after the undo the coding screen shows the original values"; else fail "undo shown" "$(tui_screen)"; fi
check_contains "the second switch is back too" "[ ] Horn chirp on lock" "$(tui_screen)"

tui_keys F10
tui_wait "__EXITED__ 0" 15
dir=$(only_session)
check "the undo wrote the original switches back" grep -q ' TX 2E0601001E' "$dir/transcript.log"
# (the adapter may be sent a response-count digit after the request)
check "one write request carried both bits" grep -q ' TX 2E0601051E' "$dir/transcript.log"
check_eq "one write of DID 0601 for both switches" 1 "$(grep -c ' TX 2E0601051E' "$dir/transcript.log")"
check "the choice is written into DID 0600 (first frame of a long request)" grep -q ' TX 10..2E0600' "$dir/transcript.log"
check_eq "the session records two verified writes and their two undos" 4 "$(grep -c 'wrote 09 DID 060[01] and read it back: OK' "$dir/events.log")"
check_eq "the backup holds the values from before" "00 1e" "$(od -An -tx1 "$dir/backups/09-0601.bin" | tr -s ' ' | sed 's/^ //; s/ $//')"
tui_stop
finish
