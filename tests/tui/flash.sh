#!/bin/sh
# TUI test: the flash wizard on the demo vehicle. Over a simulated STN2120
# with the link-speed model: the procedure is picked, the image path typed
# with Tab completion, the app's checklist and the point of no return shown
# in the question (it scrolls at 80x24); the download shows a progress bar
# with bytes, throughput and ETA, survives a resize to 200x60 and back, and
# Esc during it says why it does not stop; then the terminal hangs up
# (SIGHUP): the flash goes on to the end, its session holds the journal,
# ended ok, and the archive, and the simulated memory equals the image.
# Without the link-speed model: a flash to the end and its result page. A
# flash cut after its point of no return (the link dropped, in batch mode)
# is offered for resume at the next start, through the same question.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tmux.sh"
trap 'tui_stop; rm -rf "$TEST_TMP"' EXIT

command -v tmux >/dev/null || { fail "tmux is installed (needed by TUI tests)"; finish; }
MKIMAGE="$top_builddir/tests/integration/mkimage"
IMG="$HOME/images"
mkdir -p "$IMG"
"$MKIMAGE" raw "$IMG/engine-2131.bin" 65536 7
"$MKIMAGE" put "$IMG/engine-2131.bin" 0x100 "06K906070AB 2131 DEMO-ENGINE"
cp "$IMG/engine-2131.bin" "$IMG/expected.bin"
"$MKIMAGE" crc32 "$IMG/expected.bin" 0 65532 65532 # the checksum the procedure puts in
slow="sim:demo,adapter=stn2120,throttle=1,state=$TEST_TMP/car"

# Opens the wizard, picks the procedure and types the image's path with
# Tab completion; then Enter starts the checks.
start_flash() {
	tui_keys F6
	tui_wait "1. Choose the flash procedure" 5
	tui_keys Enter
	tui_wait "2. The image file" 5
	tui_keys C-u
	tui_type "~/ima"
	tui_keys Tab
	tui_type "en"
	tui_keys Tab
	tui_keys Enter
}

# Waits up to SECONDS for the download's progress bar past PERCENT.
wait_download() {
	deadline=$(($(date +%s) + $2))
	while [ "$(date +%s)" -le "$deadline" ]; do
		pct=$(tui_screen | sed -n 's/^ \[.*\] *\([0-9]*\)% .*/\1/p' | head -n 1)
		[ -n "$pct" ] && [ "$pct" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# Bytes on the link where the download starts and ends, from a transcript.
download_bytes() {
	awk '
	{ line = $0; p = substr(line, index(line, " ") + 4)
	  if (!start && line ~ / TX (STPX [^\\]*d:|10[0-9A-F][0-9A-F])?3400/) start = total
	  else if (start && line ~ / TX 37\\r/) { print start, total; exit }
	  gsub(/\\x[0-9A-F][0-9A-F]/, "X", p); gsub(/\\./, "X", p); total += length(p) }' "$1"
}

tui_start 80 24 "$OBDCON" --port "$slow"
tui_wait "marked to change (F4 coding" 15
tui_keys F6
if tui_wait "engine_sw" 5; then pass "F6 offers the vehicle's flash procedure"; else fail "procedure list" "$(tui_screen)"; fi
tui_keys Escape
start_flash
if tui_wait "Flash the module?" 30; then pass "the checks end in a question"; else fail "flash question" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the question shows the identification match" "the image is for part 06K906070AB" "$screen"
check_contains "the question shows the checklist" "[x] battery 12.6 V" "$screen"
check_contains "a long question says it scrolls" "PgUp/PgDn scroll --" "$screen"
tui_keys End
if tui_wait "Point of no return: the erase" 5; then pass "the question names the point of no return"; else fail "point of no return" "$(tui_screen)"; fi
check_contains "the buttons stay below the text" "[ No ]    [ Yes ]" "$(tui_screen)"
check "the image path was completed" grep -q "flash engine_sw with $IMG/engine-2131.bin" "$(only_session)/events.log"
tui_keys y
if wait_download 5 15; then pass "the download shows a progress bar"; else fail "progress" "$(tui_screen)"; fi
bar=$(tui_screen | grep '^ \[' | head -n 1)
check_contains "the bar shows bytes of the whole" "/64.0 KiB" "$bar"
check_contains "the bar shows the throughput and ETA" "KiB/s ETA 0:0" "$bar"
tui_keys Escape
if tui_wait "cancelling now would leave the module without software; the flash continues" 5; then pass "Esc during the download says why it goes on"; else fail "Esc in download" "$(tui_screen)"; fi
tui_resize 200 60
if tui_wait "ETA" 5 && [ "$(tui_screen | grep '^ \[' | head -n 1 | wc -c)" -gt 150 ]; then pass "after a resize to 200x60 the bar is redrawn full width"; else fail "resize" "$(tui_screen)"; fi
tui_resize 80 24
if wait_download 30 15; then pass "back at 80x24 the download goes on"; else fail "resize back" "$(tui_screen)"; fi
pid=$(tui_pid)
tui_stop
if tui_wait_exit 60; then pass "after the hang-up the flash finishes and the console ends"; else fail "console still running" "$(ps -o pid,stat,args -p "$pid")"; kill -KILL "$pid"; fi
dir=$(only_session)
check "the hung-up flash's journal ended ok" grep -q "^end ok" "$dir/journal"
check "the hung-up session is packed" test -f "$dir.tar.gz"
check_contains "the archive holds the journal" "/journal" "$(tar -tzf "$dir.tar.gz" 2>&1)"
check_eq "the manifest says the session closed cleanly" "true" "$(jq .clean "$dir/manifest.json")"
check "the module's memory is the image" cmp -s "$IMG/expected.bin" "$TEST_TMP/car.01.flash"

# without the link-speed model: to the end, and the result page
rm -rf "$SESSIONS"
tui_start 80 24 "$OBDCON" --port "sim:demo,state=$TEST_TMP/car"
tui_wait "marked to change (F4 coding" 15
start_flash
tui_wait "Flash the module?" 30
tui_keys y
if tui_wait "4. Flash done." 30; then pass "a flash goes on to the end"; else fail "flash done" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the result: summary" "flashed 65536 bytes into module 01" "$screen"
check_contains "the result: the checksum corrected" "crc32 at 0xFFFC" "$screen"
check_contains "the result: the software afterwards, the image's" "Software     2131 (the image's)" "$screen"
check_contains "the message line says it too" "flash done:" "$screen"
tui_keys Enter
if tui_wait_gone "4. Flash done." 5; then pass "Enter closes the wizard"; else fail "close wizard" "$(tui_screen)"; fi
tui_keys q
tui_wait "__EXITED__ 0" 15
tui_stop
dir=$(only_session)
check "its journal ended ok" grep -q "^end ok" "$dir/journal"

# a flash cut after its point of no return is offered for resume
rm -rf "$SESSIONS"
"$OBDCON" --port "sim:demo,state=$TEST_TMP/ref" flash engine_sw "$IMG/engine-2131.bin" --yes \
	>/dev/null 2>"$TEST_TMP/err"
set -- $(download_bytes "$(session_of "$TEST_TMP/err")/transcript.log")
rm -rf "$SESSIONS"
"$OBDCON" --port "sim:demo,state=$TEST_TMP/cut,faults=eof@$(($1 + ($2 - $1) / 2))" flash \
	engine_sw "$IMG/engine-2131.bin" --yes >/dev/null 2>"$TEST_TMP/err"
check_contains "a flash cut in the middle of its download (batch mode)" "FLASH NOT FINISHED" "$(cat "$TEST_TMP/err")"
tui_start 80 24 "$OBDCON" --port "sim:demo,state=$TEST_TMP/cut"
if tui_wait "Resume the unfinished flash?" 20; then pass "the next start offers to resume the flash"; else fail "resume offer" "$(tui_screen)"; fi
screen=$(tui_screen)
check_contains "the offer names the procedure and module" "engine_sw, module 01" "$screen"
check_contains "the offer says the module needs its software" "The erase was done" "$screen"
check_contains "the offer's answer starts on No" "[ No ]" "$screen"
tui_keys y
if tui_wait "Flash resume 01" 10 && tui_wait "Flash the module?" 30; then pass "the resume asks the flash question again"; else fail "resume question" "$(tui_screen)"; fi
check_contains "the question says it resumes, the module in its boot loader" "IN ITS BOOT LOADER" "$(tui_screen)"
tui_keys n
if tui_wait "not confirmed: nothing was written" 10; then pass "No at the question writes nothing"; else fail "resume refused" "$(tui_screen)"; fi
tui_keys Enter q
tui_wait "__EXITED__ 0" 15
tui_stop
finish
