#!/bin/sh
# Integration: flashing end to end against the simulated vehicles. A good
# image flashes into each and the simulated memory (the state file's
# sidecar) then equals it; every refusal happens before anything is
# written (memory unchanged, no erase or download in the transcript); a
# wrong checksum is corrected by the procedure and the module's check
# routine accepts it; a link cut at 30, 60 and 95 % of the download
# leaves the module in its boot loader and --resume ends with the right
# image; a seed/key failure stops before the erase; --json parses; a
# battery sag pauses the download and one that lasts stops it; blocks a
# module lost are sent again from the erase.
# Images come from tests/integration/mkimage (no obdcon code).
. "$top_srcdir/tests/lib.sh"

MKIMAGE="$top_builddir/tests/integration/mkimage"
IMG="$TEST_TMP/img"
mkdir -p "$IMG"
ERASE=' TX (STPX [^\\]*d:|10[0-9A-F][0-9A-F])?3101FF00'
DOWNLOAD=' TX (STPX [^\\]*d:|10[0-9A-F][0-9A-F])?3400'

# Bytes on the link (both ways) where the download starts and ends, and
# where the check routine that follows is asked for, from a transcript:
# "START END CHECK".
download_bytes() {
	awk '
	{ line = $0; p = substr(line, index(line, " ") + 4)
	  if (!start && line ~ / TX (STPX [^\\]*d:|10[0-9A-F][0-9A-F])?3400/) start = total
	  else if (start && !end && line ~ / TX 37\\r/) end = total
	  else if (end && line ~ / TX (STPX [^\\]*d:)?31010202/) { print start, end, total; exit }
	  gsub(/\\x[0-9A-F][0-9A-F]/, "X", p); gsub(/\\./, "X", p); total += length(p) }' "$1"
}

# not_in REGEX FILE: true when no line of FILE matches REGEX.
not_in() {
	! grep -Eq "$1" "$2"
}

# Copies a state file and its flash memory sidecar of ECU $3.
copy_state() {
	cp "$1" "$2" && cp "$1.$3.flash" "$2.$3.flash"
}

# refused NAME STATE ECU IMAGE-EXPECTED ERRFILE: the checks every refusal
# shares: the memory is the one before, the transcript holds no erase and
# no download, the message says nothing was written.
refused() {
	dir=$(session_of "$5")
	check "$1: the memory is unchanged" cmp -s "$4" "$2.$3.flash"
	check "$1: no erase was sent" not_in "$ERASE" "$dir/transcript.log"
	check "$1: no download was sent" not_in "$DOWNLOAD" "$dir/transcript.log"
}

# --- images: the demo engine's 64 KiB, part number and software 2131 ---
"$MKIMAGE" raw "$IMG/demo.bin" 65536 7
"$MKIMAGE" put "$IMG/demo.bin" 0x100 "06K906070AB 2131 DEMO-ENGINE"
cp "$IMG/demo.bin" "$IMG/demo-right.bin"
"$MKIMAGE" crc32 "$IMG/demo-right.bin" 0 65532 65532   # what the module must end with

# --- listing ---
list=$("$OBDCON" --demo flash --list --json 2>/dev/null); rc=$?
check_eq "flash --list --json exits 0" 0 "$rc"
check_eq "the demo vehicle offers the engine procedure" "engine_sw 01 65536 true" \
	"$(printf '%s' "$list" | jq -r '.procedures[0] | "\(.id) \(.module) \(.size) \(.readout)"')"
for v in vw:engine_sw ford:pcm_sw truck:engine_sw; do
	out=$("$OBDCON" --port "sim:${v%%:*}" flash --list 2>/dev/null)
	check_contains "${v%%:*} offers ${v#*:}" "${v#*:}" "$out"
done

# --- obdcon check: each procedure against the simulated vehicles ---
out=$("$OBDCON" check "$top_srcdir"/scripts/*.lua 2>&1); rc=$?
check_eq "check: the shipped procedures fit the simulated vehicles (exit 0)" "0 5 files checked: no problems" "$rc $out"
sed -e 's/size = 0x10000 },/size = 0x10800 },/' -e 's/job:erase { routine = 0xFF00 }/job:erase { routine = 0xFF01 }/' \
	"$top_srcdir/scripts/demo.lua" >"$TEST_TMP/demo-bad.lua"
out=$("$OBDCON" check "$TEST_TMP/demo-bad.lua" 2>&1); rc=$?
check_eq "check: a procedure that does not fit exits 2" 2 "$rc"
line=$(grep -n '^demo:flash {' "$TEST_TMP/demo-bad.lua" | cut -d: -f1)
check_contains "check: a region past the module's memory, at the procedure's line" "demo-bad.lua:$line: flash 'engine_sw': region 0x0..0x10800 lies outside the flash memory of module 01 (7E0) of vehicle OBDDEMO0SIM000001 (0x0..0x10000)" "$out"
sed -e 's/job:erase { routine = 0xFF00 }/job:erase { routine = 0xFF01 }/' "$top_srcdir/scripts/demo.lua" >"$TEST_TMP/demo-bad.lua"
line=$(grep -n 'job:erase' "$TEST_TMP/demo-bad.lua" | cut -d: -f1)
out=$("$OBDCON" check "$TEST_TMP/demo-bad.lua" 2>&1)
check_contains "check: another erase routine than the module's, at the step's line" "demo-bad.lua:$line: flash 'engine_sw': erase routine FF01, but module 01 (7E0) of vehicle OBDDEMO0SIM000001 erases with routine FF00" "$out"

# --- a good flash on the demo vehicle: read-out, corrected checksum ---
S="$TEST_TMP/demo.state"
"$OBDCON" --port "sim:demo,state=$S" readout engine_sw "$IMG/before.bin" >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "readout exits 0" 0 "$rc"
check_eq "readout reads the 64 KiB region" 65536 "$(wc -c <"$IMG/before.bin" | tr -d ' ')"
ln -s "$IMG/before.bin" "$IMG/link.bin"
"$OBDCON" --port "sim:demo,state=$S" readout engine_sw "$IMG/link.bin" 2>"$TEST_TMP/err"; rc=$?
check_eq "readout into a symbolic link exits 2" 2 "$rc"
check "and leaves the link a link" test -L "$IMG/link.bin"
out=$("$OBDCON" --port "sim:demo,state=$S" flash engine_sw "$IMG/demo.bin" --yes --json 2>"$TEST_TMP/err"); rc=$?
check_eq "flash --yes --json exits 0" 0 "$rc"
check_eq "the JSON result says ok, written and verified" "true true true" \
	"$(printf '%s' "$out" | jq -r '"\(.ok) \(.written) \(.verified)"')"
check_contains "the wrong CRC-32 is listed as corrected" "crc32 at 0xFFFC: " \
	"$(printf '%s' "$out" | jq -r '.corrections[0]')"
check_eq "the module runs the image's software afterwards" "2131 2131" \
	"$(printf '%s' "$out" | jq -r '"\(.image_software) \(.module_software)"')"
check_contains "the checklist names the battery" "[x] battery 12.6 V" \
	"$(printf '%s' "$out" | jq -r '.checklist[]')"
check "the simulated memory equals the corrected image" cmp "$IMG/demo-right.bin" "$S.01.flash"
dir=$(session_of "$TEST_TMP/err")
check "the module's check routine accepted it (status 00)" grep -q 'RX 7E8057101020200' "$dir/transcript.log"
check "the erase went out" grep -Eq "$ERASE" "$dir/transcript.log"
check "the old software was backed up into the session first" cmp "$IMG/before.bin" "$dir/backups/flash-01.bin"
check_eq "the journal ended ok" "end ok" "$(grep '^end ' "$dir/journal")"
check_contains "the result is in the session's manifest" "the module runs the image's software" \
	"$(jq -r '.info["flash.result"]' "$dir/manifest.json")"
check "fault codes were read afterwards" grep -q 'TX 1902' "$dir/transcript.log"
"$OBDCON" --port "sim:demo,state=$S" readout engine_sw "$IMG/after.bin" >/dev/null 2>&1
check "a read-out afterwards equals the image" cmp "$IMG/demo-right.bin" "$IMG/after.bin"
bytes=$(download_bytes "$dir/transcript.log")

# --- refusals before anything is written (the flashed state each time) ---
"$MKIMAGE" raw "$IMG/other.bin" 65536 8
"$MKIMAGE" put "$IMG/other.bin" 0x100 "06K906070AC 2131"
copy_state "$S" "$TEST_TMP/r1.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r1.state" flash engine_sw "$IMG/other.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "an image for another part exits 1" 1 "$rc"
check_contains "and says so" "the image is for part 06K906070AC, but module 01 is part 06K906070AB: nothing was written" "$(cat "$TEST_TMP/err")"
refused "image for another part" "$TEST_TMP/r1.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

mkdir -p "$TEST_TMP/cfg-hw/obdcon/scripts"
sed 's/hw = { "06K907425B" }/hw = { "06K907425C" }/' "$top_srcdir/scripts/demo.lua" \
	>"$TEST_TMP/cfg-hw/obdcon/scripts/demo.lua"
copy_state "$S" "$TEST_TMP/r2.state" 01
XDG_CONFIG_HOME="$TEST_TMP/cfg-hw" "$OBDCON" --port "sim:demo,state=$TEST_TMP/r2.state" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a module with other hardware exits 1" 1 "$rc"
check_contains "and names both" "module 01 has hardware 06K907425B, but engine_sw is for hardware 06K907425C" "$(cat "$TEST_TMP/err")"
refused "other hardware" "$TEST_TMP/r2.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

head -c 40000 "$IMG/demo.bin" >"$IMG/short.bin"
copy_state "$S" "$TEST_TMP/r3.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r3.state" flash engine_sw "$IMG/short.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a truncated file exits 1" 1 "$rc"
check_contains "and says it is truncated" "(40000 bytes), but engine_sw needs exactly 0x0..0x10000 (65536 bytes): truncated" "$(cat "$TEST_TMP/err")"
refused "truncated file" "$TEST_TMP/r3.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

"$MKIMAGE" ihex "$IMG/demo-right.bin" "$IMG/demo.hex" 0
awk 'NR == 17 { c = substr($0, length($0)); $0 = substr($0, 1, length($0) - 1) (c == "0" ? "1" : "0") }
     { print }' "$IMG/demo.hex" >"$IMG/bad.hex"
copy_state "$S" "$TEST_TMP/r4.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r4.state" flash engine_sw "$IMG/bad.hex" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a corrupt Intel HEX line exits 1" 1 "$rc"
check_contains "and names the file and line" "bad.hex:17: " "$(cat "$TEST_TMP/err")"
refused "corrupt HEX line" "$TEST_TMP/r4.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

copy_state "$S" "$TEST_TMP/r5.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r5.state,faults=volts:11.5" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a low battery exits 1" 1 "$rc"
check_contains "and gives the voltage" "battery at 11.5 V, below the 12.0 V this flash needs" "$(cat "$TEST_TMP/err")"
refused "low battery" "$TEST_TMP/r5.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

copy_state "$S" "$TEST_TMP/r6.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r6.state,engine=on" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a running engine exits 1" 1 "$rc"
check_contains "and says so" "the engine is running (" "$(cat "$TEST_TMP/err")"
refused "running engine" "$TEST_TMP/r6.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

copy_state "$S" "$TEST_TMP/r7.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/r7.state" flash engine_sw "$IMG/demo.bin" </dev/null >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "without --yes and no terminal exits 1" 1 "$rc"
check_contains "the plan named the point of no return" "Point of no return: the erase" "$(cat "$TEST_TMP/err")"
refused "not confirmed" "$TEST_TMP/r7.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

mkdir -p "$TEST_TMP/cfg-key/obdcon/scripts"
sed 's/job:unlock(0x11, demo_engine_key)/job:unlock(0x11, function(seed) return "\\0\\0\\0\\1" end)/' \
	"$top_srcdir/scripts/demo.lua" >"$TEST_TMP/cfg-key/obdcon/scripts/demo.lua"
copy_state "$S" "$TEST_TMP/r8.state" 01
XDG_CONFIG_HOME="$TEST_TMP/cfg-key" "$OBDCON" --port "sim:demo,state=$TEST_TMP/r8.state" flash engine_sw "$IMG/demo.bin" --yes --json >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "a seed/key failure exits 1" 1 "$rc"
check_contains "it stops before the erase" "flash stopped before the erase (the module is unchanged)" "$(cat "$TEST_TMP/err")"
check_eq "the JSON result says not ok and not written" "false false" "$(jq -r '"\(.ok) \(.written)"' "$TEST_TMP/out")"
check "the module refused the key (0x35)" grep -q 'RX 7E8037F2735' "$(session_of "$TEST_TMP/err")/transcript.log"
refused "seed/key failure" "$TEST_TMP/r8.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

# A procedure whose run() takes other steps than the plan the user confirmed
# (here a wait in the plan, the erase in the real run) is stopped there.
mkdir -p "$TEST_TMP/cfg-div/obdcon/scripts"
sed -e 's/^demo:flash {/local runs = 0\ndemo:flash {/' \
	-e 's/^    job:erase { routine = 0xFF00 }/    runs = runs + 1; if runs == 1 then job:wait(10) end; job:erase { routine = 0xFF00 }/' \
	"$top_srcdir/scripts/demo.lua" >"$TEST_TMP/cfg-div/obdcon/scripts/demo.lua"
copy_state "$S" "$TEST_TMP/r9.state" 01
XDG_CONFIG_HOME="$TEST_TMP/cfg-div" "$OBDCON" --port "sim:demo,state=$TEST_TMP/r9.state" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "a run unlike its plan exits 1" 1 "$rc"
check_contains "it names the step that differs" "step 3: erase FF00 00000000+10000 where the plan has wait 10ms" "$(cat "$TEST_TMP/err")"
refused "a run unlike its plan" "$TEST_TMP/r9.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/err"

# An interrupt (SIGTERM, as Ctrl-C's SIGINT) before the erase stops the
# flash at its next block with nothing written; after the erase the flash
# goes on to the end.
copy_state "$S" "$TEST_TMP/int1.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/int1.state,baud=115200,throttle" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/int1.err" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"; rc=$?
check_eq "interrupted before the erase: exit 1" 1 "$rc"
check_contains "it says it stops at a safe point" "stopping at the next safe point" "$(cat "$TEST_TMP/int1.err")"
refused "interrupted before the erase" "$TEST_TMP/int1.state" 01 "$IMG/demo-right.bin" "$TEST_TMP/int1.err"
copy_state "$S" "$TEST_TMP/int2.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/int2.state,baud=115200,throttle" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/int2.err" &
pid=$!
i=0
until grep -q "point of no return" "$TEST_TMP/int2.err" || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$pid"
wait "$pid"; rc=$?
check_eq "interrupted after the erase: the flash goes on (exit 0)" 0 "$rc"
check "interrupted after the erase: the memory equals the image" cmp "$IMG/demo-right.bin" "$TEST_TMP/int2.state.01.flash"

# --- the link cut at 30, 60 and 95 % of the download, then --resume ---
set -- $bytes
start=$1 end=$2 checkat=$3
for pct in 30 60 95; do
	n=$((start + (end - start) * pct / 100))
	st="$TEST_TMP/eof$pct.state"
	"$OBDCON" --port "sim:demo,state=$st,faults=eof@$n" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
	check_eq "EOF at $pct %: the flash fails (exit 1)" 1 "$rc"
	check_contains "EOF at $pct %: the message names the resume" "FLASH NOT FINISHED after the point of no return" "$(cat "$TEST_TMP/err")"
	sess=$(basename "$(session_of "$TEST_TMP/err")")
	dir=$(session_of "$TEST_TMP/err")
	confirmed=$(sed -n 's/^blocks-confirmed \([0-9]*\) of 64$/\1/p' "$dir/journal")
	check "EOF at $pct %: the journal confirmed about $pct % of the blocks ($confirmed of 64)" \
		test "$confirmed" -ge $((64 * pct / 100 - 4)) -a "$confirmed" -le $((64 * pct / 100 + 1))
	"$OBDCON" --port "sim:demo,state=$st" flash --resume "$sess" --yes >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
	check_eq "EOF at $pct %: --resume exits 0" 0 "$rc"
	check_contains "EOF at $pct %: the module was found in its boot loader" "module 01 Engine electronics is in its boot loader" "$(cat "$TEST_TMP/err")"
	check "EOF at $pct %: the memory equals the image" cmp "$IMG/demo-right.bin" "$st.01.flash"
	check_contains "EOF at $pct %: the module runs the new software" "software 2131 (the image's)" "$(cat "$TEST_TMP/out")"
	dir=$(session_of "$TEST_TMP/err")
	check "EOF at $pct %: the resume did not erase again" not_in "$ERASE" "$dir/transcript.log"
	check_eq "EOF at $pct %: the resume sent only the blocks left" $((64 - confirmed)) "$(grep -c ' TX 140236' "$dir/transcript.log")"
done

# An interrupted flash resumed on another car is refused; resumed on a car
# whose module runs its software (not its boot loader: here a copy of the
# state the good flash above left), it starts again from the erase.
n=$((start + (end - start) / 2))
"$OBDCON" --port "sim:demo,state=$TEST_TMP/half.state,faults=eof@$n" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"
sess=$(basename "$(session_of "$TEST_TMP/err")")
"$OBDCON" --port sim:vw flash --resume "$sess" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "resume on another car exits 1" 1 "$rc"
check_contains "and names both VINs" "the session is of another vehicle (VIN OBDDEMO0SIM000001; this car is WVWZZZAUZO" "$(cat "$TEST_TMP/err")"
copy_state "$S" "$TEST_TMP/running.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/running.state" flash --resume "$sess" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "resume on a module running its software exits 0" 0 "$rc"
check_contains "it says the module refused the resumed download" "refuses to go on with the interrupted download" "$(cat "$TEST_TMP/err")"
check "it erased again" grep -Eq "$ERASE" "$(session_of "$TEST_TMP/err")/transcript.log"
check "the memory equals the image" cmp "$IMG/demo-right.bin" "$TEST_TMP/running.state.01.flash"

# Cut after the last block was confirmed, before the transfer exit: the
# resume sends nothing more; cut during the check routine, after the
# download ended: the resume starts again from the erase.
for cut in exit check; do
	st="$TEST_TMP/cut-$cut.state"
	n=$end
	[ "$cut" = check ] && n=$((checkat + 4))
	"$OBDCON" --port "sim:demo,state=$st,faults=eof@$n" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
	check_eq "cut before the $cut step: the flash fails (exit 1)" 1 "$rc"
	sess=$(basename "$(session_of "$TEST_TMP/err")")
	"$OBDCON" --port "sim:demo,state=$st" flash --resume "$sess" --yes >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
	check_eq "cut before the $cut step: --resume exits 0" 0 "$rc"
	check "cut before the $cut step: the memory equals the image" cmp "$IMG/demo-right.bin" "$st.01.flash"
	dir=$(session_of "$TEST_TMP/err")
	if [ "$cut" = exit ]; then
		check_eq "cut before the exit: no block is sent again" 0 "$(grep -c ' TX 140236' "$dir/transcript.log")"
	else
		check "cut during the check: the resume erased again" grep -Eq "$ERASE" "$dir/transcript.log"
		check_eq "cut during the check: and sent every block" 64 "$(grep -c ' TX 140236' "$dir/transcript.log")"
	fi
done

# A battery sag during the download: the flash pauses between blocks,
# warns (stderr and the session's events), goes on when the battery is
# back and ends with the image; a module that refuses a block for low
# voltage (0x93) gets it again once the battery is back; a sag that lasts
# longer than the procedure's volts_wait stops the flash, which then
# resumes where it stopped.
sag=$((start + (end - start) * 15 / 64)) # block 16, before the battery is read
copy_state "$S" "$TEST_TMP/sag.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/sag.state,faults=sag:11.5:800@$sag" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "sag: the flash ends well (exit 0)" 0 "$rc"
check "sag: the memory equals the image" cmp "$IMG/demo-right.bin" "$TEST_TMP/sag.state.01.flash"
check_contains "sag: the pause is announced" "warning: battery at 11.5 V: pausing the download before block 17 (it goes on when the battery is back at 12.0 V; at most 10 s)" "$(cat "$TEST_TMP/err")"
check_contains "sag: and its end" "warning: battery back at 12.6 V after " "$(cat "$TEST_TMP/err")"
dir=$(session_of "$TEST_TMP/err")
check "sag: both are in the session's events" sh -c "grep -q 'battery at 11.5 V: pausing' '$dir/events.log' && grep -q 'battery back at 12.6 V' '$dir/events.log'"
check "sag: the battery was read again during the pause" test "$(grep -c ' TX ATRV' "$dir/transcript.log")" -ge 3

copy_state "$S" "$TEST_TMP/sag93.state" 01
"$OBDCON" --port "sim:demo,state=$TEST_TMP/sag93.state,faults=sag:10.5:800@$((start + (end - start) * 8 / 64))" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "sag below the module's limit: the flash ends well (exit 0)" 0 "$rc"
check "sag below the module's limit: the memory equals the image" cmp "$IMG/demo-right.bin" "$TEST_TMP/sag93.state.01.flash"
check_contains "sag below the module's limit: the refused block waits for the battery" "warning: battery at 10.5 V and the module refused the block (voltage too low, 0x93): pausing the download before block" "$(cat "$TEST_TMP/err")"
check "sag below the module's limit: the module said so (7F 36 93)" grep -q 'RX 7E8037F3693' "$(session_of "$TEST_TMP/err")/transcript.log"

mkdir -p "$TEST_TMP/cfg-sag/obdcon/scripts"
sed 's/volts = 12.0, engine_off = true,/volts = 12.0, volts_wait = 1, engine_off = true,/' \
	"$top_srcdir/scripts/demo.lua" >"$TEST_TMP/cfg-sag/obdcon/scripts/demo.lua"
copy_state "$S" "$TEST_TMP/sag2.state" 01
XDG_CONFIG_HOME="$TEST_TMP/cfg-sag" "$OBDCON" --port "sim:demo,state=$TEST_TMP/sag2.state,faults=sag:11.5:60000@$sag" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "lasting sag: the flash stops (exit 1)" 1 "$rc"
sess=$(basename "$(session_of "$TEST_TMP/err")")
check_contains "lasting sag: the message says why and how to resume" "FLASH NOT FINISHED after the point of no return: module 01 needs its software; run obdcon --port PORT flash --resume $sess: before block 17 of 64: the battery stayed at 11.5 V, below the 12.0 V this flash needs, for 1 s: charge it or connect a charger, then resume (the 16 blocks confirmed are kept)" "$(cat "$TEST_TMP/err")"
XDG_CONFIG_HOME="$TEST_TMP/cfg-sag" "$OBDCON" --port "sim:demo,state=$TEST_TMP/sag2.state" flash --resume "$sess" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "lasting sag: --resume with the battery back exits 0" 0 "$rc"
check "lasting sag: the memory equals the image" cmp "$IMG/demo-right.bin" "$TEST_TMP/sag2.state.01.flash"
check_eq "lasting sag: the resume sent the 48 blocks left" 48 "$(grep -c ' TX 140236' "$(session_of "$TEST_TMP/err")/transcript.log")"

# Blocks the module confirmed but lost (as a module that loses its power,
# or a simulator that dies with obdcon before it saved them): the resume
# goes on from the journal, the check routine refuses the image, and the
# flash is done again from the erase.
st="$TEST_TMP/lost.state"
"$OBDCON" --port "sim:demo,state=$st,faults=eof@$((start + (end - start) / 2))" flash engine_sw "$IMG/demo.bin" --yes >/dev/null 2>"$TEST_TMP/err"
sess=$(basename "$(session_of "$TEST_TMP/err")")
head -c 65536 /dev/zero | tr '\000' '\377' >"$st.01.flash" # every sector erased, nothing written
printf 'flash 01 65536 %s\nerased 01 1111111111111111\n' "$(sha256sum "$st.01.flash" | cut -d ' ' -f 1)" >"$st"
"$OBDCON" --port "sim:demo,state=$st" flash --resume "$sess" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "lost blocks: --resume exits 0" 0 "$rc"
check_contains "lost blocks: it says why it erases again" "the module lacks blocks it confirmed before the interruption; erasing again and sending the whole image" "$(cat "$TEST_TMP/err")"
check "lost blocks: the memory equals the image" cmp "$IMG/demo-right.bin" "$st.01.flash"

# A module left in its boot loader refuses coding with the reason.
printf 'erased 01 1000000000000000\n' >"$TEST_TMP/boot.state"
"$OBDCON" --port "sim:vw,state=$TEST_TMP/boot.state" code start_stop_default=on --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "coding a module in its boot loader exits 1" 1 "$rc"
check_contains "and says why" "module 01 is in its boot loader" "$(cat "$TEST_TMP/err")"

# --- the other vehicles, over a simulated STN2120 ---
"$MKIMAGE" raw "$IMG/vw.bin" 1048576 11
"$MKIMAGE" put "$IMG/vw.bin" 0x400 "04E906027JT 5433"
"$MKIMAGE" crc32 "$IMG/vw.bin" 0 1048572 1048572
"$OBDCON" --port "sim:vw,adapter=stn2120,engine=off,state=$TEST_TMP/vw.state" flash engine_sw "$IMG/vw.bin" --yes >"$TEST_TMP/out" 2>&1; rc=$?
check_eq "vw: the 1 MiB engine image flashes (exit 0)" 0 "$rc"
check "vw: the memory equals the image" cmp "$IMG/vw.bin" "$TEST_TMP/vw.state.01.flash"
check_contains "vw: no backup, the module allows no read-out" "no read-out backup: the module does not allow it" "$(cat "$TEST_TMP/out")"
check_contains "vw: the checksum was already right" "checksums: already right" "$(cat "$TEST_TMP/out")"

"$MKIMAGE" raw "$IMG/ford.bin" 262144 12
"$MKIMAGE" put "$IMG/ford.bin" 0x100 "JX6A-14C204-AD"
"$MKIMAGE" put "$IMG/ford.bin" 0x110 "JX6A-12A650-BD"
"$MKIMAGE" sum16 "$IMG/ford.bin" 0 262142 262142
"$MKIMAGE" ihex "$IMG/ford.bin" "$IMG/ford.hex" 0x80000
"$OBDCON" --port "sim:ford,adapter=stn2120,state=$TEST_TMP/ford.state" flash pcm_sw "$IMG/ford.hex" --yes >"$TEST_TMP/out" 2>&1; rc=$?
check_eq "ford: the PCM image in Intel HEX at 0x80000 flashes (exit 0)" 0 "$rc"
check "ford: the memory equals the image" cmp "$IMG/ford.bin" "$TEST_TMP/ford.state.PCM.flash"
check_contains "ford: the software part number afterwards" "software JX6A-14C204-AD (the image's)" "$(cat "$TEST_TMP/out")"

"$MKIMAGE" raw "$IMG/truck.bin" 262144 13
"$MKIMAGE" put "$IMG/truck.bin" 0x80 "P3412-08 EMS 21695304"
"$MKIMAGE" crc32 "$IMG/truck.bin" 0 262140 262140
"$MKIMAGE" srec "$IMG/truck.bin" "$IMG/truck.s37" 0
"$OBDCON" --port "sim:truck" flash engine_sw "$IMG/truck.s37" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "truck: refused while its engine idles" 1 "$rc"
check_contains "truck: and says so" "the engine is running (" "$(cat "$TEST_TMP/err")"
T="$TEST_TMP/truck.state"
"$OBDCON" --port "sim:truck,adapter=stn2120,engine=off,state=$T" flash engine_sw "$IMG/truck.s37" --yes >"$TEST_TMP/out" 2>"$TEST_TMP/err"; rc=$?
check_eq "truck: the S-record image flashes on 29-bit identifiers (exit 0)" 0 "$rc"
check "truck: the memory equals the image" cmp "$IMG/truck.bin" "$T.00.flash"
set -- $(download_bytes "$(session_of "$TEST_TMP/err")/transcript.log")
n=$(($1 + ($2 - $1) / 2))
"$OBDCON" --port "sim:truck,adapter=stn2120,engine=off,state=$TEST_TMP/t2.state,faults=eof@$n" flash engine_sw "$IMG/truck.s37" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "truck: EOF at 50 % fails (exit 1)" 1 "$rc"
sess=$(basename "$(session_of "$TEST_TMP/err")")
"$OBDCON" --port "sim:truck,adapter=stn2120,engine=off,state=$TEST_TMP/t2.state" flash --resume "$sess" --yes >/dev/null 2>"$TEST_TMP/err"; rc=$?
check_eq "truck: --resume exits 0" 0 "$rc"
check "truck: the resume started again from the erase" grep -Eq "$ERASE" "$(session_of "$TEST_TMP/err")/transcript.log"
check "truck: the memory equals the image" cmp "$IMG/truck.bin" "$TEST_TMP/t2.state.00.flash"

finish
