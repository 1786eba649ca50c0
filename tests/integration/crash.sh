#!/bin/sh
# Integration: obdcon killed with SIGKILL in the middle of its work. The
# simulated car is served by a separate process (obdcon sim --pty), so it
# lives on as a real car does when the laptop dies; the moments are found
# by watching the session's files grow (polling with a deadline):
# - a coding transaction, after the backup, after the write went out and
#   after the module confirmed it;
# - a flash, during the read-out backup, at the point of no return, at a
#   quarter and three quarters of the download, and after the download.
# After each kill: `sessions` lists the session as unfinished with what it
# was doing; `export` packs it and tar lists its files; the transcript
# ends with a whole line and replays; every backup is a whole file that
# matches the manifest; `restore` (from the directory and from the
# archive) brings the original coding back, and `flash --resume` (from
# the directory and from the archive) ends with the image in the module.
# Last, obdcon with an in-process simulator is killed during a download:
# the car it takes down loads again as after a power loss, and the resume
# ends with the image (from the erase if blocks were lost).
. "$top_srcdir/tests/lib.sh"

MKIMAGE="$top_builddir/tests/integration/mkimage"
VIN=OBDDEMO0SIM000001
ERASE=' TX (STPX [^\\]*d:|10[0-9A-F][0-9A-F])?3101FF00'
T=$TEST_TMP
SIM_PID=

# Ends a simulator still serving when the script stops early.
trap '[ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null; rm -rf "$TEST_TMP"' EXIT

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# poll SECONDS COMMAND...: runs COMMAND until it succeeds, for at most
# SECONDS; false when the time ran out.
poll() {
	limit=$(($(now_ms) + $1 * 1000))
	shift
	until "$@"; do
		[ "$(now_ms)" -gt "$limit" ] && return 1
		sleep 0.002
	done
}

# has FILE REGEX: true when a line of FILE matches.
has() {
	grep -Eq "$2" "$1" 2>/dev/null
}

# start_sim SPEC: serves the car on a new pty ($PTY) from a background
# process ($SIM_PID).
start_sim() {
	: >"$T/sim.out"
	"$OBDCON" sim --pty "$1" >"$T/sim.out" 2>>"$T/sim.err" &
	SIM_PID=$!
	if ! poll 20 test -s "$T/sim.out"; then
		fail "the simulator serves $1" "$(cat "$T/sim.err")"
		finish
	fi
	PTY=$(head -n 1 "$T/sim.out")
}

# stop_sim: ends the simulator with SIGTERM, as a user would; it saves the
# car's state on the way out.
stop_sim() {
	kill -TERM "$SIM_PID"
	wait "$SIM_PID"
	check_eq "the simulator ends on SIGTERM (exit 0)" 0 "$?"
	SIM_PID=
}

# The session directories of the car, one a line.
sessions_now() {
	find "$SESSIONS" -mindepth 1 -maxdepth 1 -type d -name "*-$VIN*" 2>/dev/null | sort
}

# True once a session directory appeared that was not in $T/before ($DIR).
found_session() {
	DIR=$(sessions_now | comm -13 "$T/before" - | head -n 1)
	[ -n "$DIR" ]
}

# start_run ARGS...: obdcon in the background ($RUN_PID); waits for its
# session directory ($DIR, $NAME).
start_run() {
	sessions_now >"$T/before"
	"$OBDCON" "$@" >"$T/run.out" 2>"$T/run.err" </dev/null &
	RUN_PID=$!
	if ! poll 20 found_session; then
		fail "obdcon $* starts a session" "$(cat "$T/run.err")"
		finish
	fi
	NAME=$(basename "$DIR")
}

# kill_when FILE REGEX WHAT: kills obdcon with SIGKILL as soon as the
# session's FILE has a line matching REGEX.
kill_when() {
	if ! poll 30 has "$DIR/$1" "$2"; then
		fail "$3: the run reached the moment" "$(tail -n 3 "$T/run.err")"
	fi
	kill -KILL "$RUN_PID" 2>/dev/null
	{ wait "$RUN_PID"; } 2>/dev/null
	check_eq "$3: obdcon died of SIGKILL there (status 137)" 137 "$?"
}

# The SHA-256 of a file.
sha() {
	sha256sum "$1" | cut -d ' ' -f 1
}

# backups_whole: every file in the session's backups/ is listed in its
# manifest with its SHA-256, and each coding value recorded there equals
# its file.
backups_whole() {
	for f in "$DIR"/backups/*; do
		[ -f "$f" ] || continue
		rel=backups/${f##*/}
		want=$(jq -r --arg p "$rel" '.files[] | select(.path == $p) | .sha256' "$DIR/manifest.json")
		[ "$want" = "$(sha "$f")" ] || { echo "$rel: not as the manifest lists it"; return 1; }
	done
	jq -r '.backups[] | "\(.file) \(.data)"' "$DIR/manifest.json" | while read -r file data; do
		[ "$(od -An -v -tx1 "$DIR/$file" | tr -d ' \n' | tr a-f A-F)" = "$data" ] ||
			{ echo "$file: not the value the manifest records"; return 1; }
	done
}

# after_kill WHAT OPERATION FILES: what must hold of every killed session.
after_kill() {
	list=$("$OBDCON" sessions --json)
	check_eq "$1: listed as unfinished, doing $2" "false true" \
		"$(printf '%s' "$list" | jq -r --arg n "$NAME" --arg op "$2" \
			'.sessions[] | select(.name == $n) | "\(.clean) \(.operations | index($op) != null)"')"
	check "$1: the session was not closed" not_in 'session closed' "$DIR/events.log"
	check_eq "$1: the transcript ends with a whole line" "\\n" \
		"$(tail -c 1 "$DIR/transcript.log" | od -An -c | tr -d ' ')"
	check "$1: every backup is whole and as the manifest says" backups_whole
	"$OBDCON" export "$NAME" -o "$T/$NAME.tar.gz" >/dev/null 2>"$T/err"
	check_eq "$1: export exits 0" 0 "$?"
	files=$(tar -tzf "$T/$NAME.tar.gz" | sed -n "s|^$NAME/\(.*[^/]\)\$|\1|p" | sort | tr '\n' ' ')
	check_eq "$1: tar lists its files" "$3" "$files"
	out=$("$OBDCON" --port "replay:$DIR" scan 2>/dev/null)
	check_contains "$1: the transcript replays (the scan again)" "VIN $VIN" "$out"
}

# not_in REGEX FILE: true when no line of FILE matches REGEX.
not_in() {
	! grep -Eq "$1" "$2"
}

# power_loss_memory FILE: the module's memory is the image up to a block,
# erased (0xFF) from there on, as a download cut off by a power loss.
power_loss_memory() {
	at=$(cmp "$T/right.bin" "$1" | sed -n 's/.* differ: byte \([0-9]*\),.*/\1/p')
	[ -z "$at" ] && return 0
	[ "$(tail -c +$(((at - 1) / 1024 * 1024 + 1)) "$1" | tr -d '\377' | wc -c)" -eq 0 ]
}

# coded STATE: the coding value of DID 0601 of module 09 in a state file.
coded() {
	sed -n 's/^did 09 0601 //p' "$1"
}

# --- a coding transaction killed at three moments, over a slow link ---
C="$T/car.state"
echo 'did 09 0601 001E' >"$C" # the profile's coding, written down
start_sim "demo,adapter=stn1110,state=$C,baud=9600,throttle"
for point in backup write written; do
	case $point in
	backup) file=events.log re=' backup 09 DID 0601 ' ;;
	write) file=transcript.log re=' TX 2E0601' ;;
	written) file=transcript.log re=' RX 778[0-9A-F]*6E0601' ;;
	esac
	start_run --port "$PTY" code mirror_fold_on_lock=on --yes
	kill_when "$file" "$re" "coding killed after the $point"
	after_kill "coding killed after the $point" coding \
		"backups/09-0601.bin events.log manifest.json transcript.log "
	[ $point = written ] && check_eq "coding killed after the written: the car holds the new value" \
		041E "$(coded "$C")"
	src=$DIR
	[ $point = write ] && src="$T/$NAME.tar.gz"
	"$OBDCON" --port "$PTY" restore "$src" --yes >"$T/out" 2>"$T/err"
	check_eq "coding killed after the $point: restore from the ${src##*.} exits 0" 0 "$?"
	check_eq "coding killed after the $point: the car has its original coding" 001E "$(coded "$C")"
done
stop_sim

# --- a flash killed during its read-out backup (a slow link) ---
"$MKIMAGE" raw "$T/img.bin" 65536 7
"$MKIMAGE" put "$T/img.bin" 0x100 "06K906070AB 2131 DEMO-ENGINE"
cp "$T/img.bin" "$T/right.bin"
"$MKIMAGE" crc32 "$T/right.bin" 0 65532 65532 # what the module must end with
F="$T/flash.state"
start_sim "demo,state=$F,baud=115200,throttle"
start_run --port "$PTY" flash engine_sw "$T/img.bin" --yes
kill_when transcript.log ' TX 3605' "flash killed during the read-out"
after_kill "flash killed during the read-out" flash "events.log manifest.json transcript.log "
check "flash killed during the read-out: no backup file, no journal" \
	test ! -e "$DIR/backups/flash-01.bin" -a ! -e "$DIR/journal"
"$OBDCON" --port "$PTY" flash --resume "$NAME" --yes >"$T/out" 2>"$T/err"
check_eq "flash killed during the read-out: --resume finds nothing to resume (exit 1)" 1 "$?"
check_contains "flash killed during the read-out: and says so" "no flash to resume" "$(cat "$T/err")"
stop_sim
check "flash killed during the read-out: the module was not written" not_in '^(flash|erased) 01' "$F"

# --- a flash killed at four moments, resumed from the directory and the archive ---
start_sim "demo,state=$F"
for point in no-return quarter three-quarters download-done; do
	case $point in
	no-return) re='^point-of-no-return yes' from=archive ;;
	quarter) re='^blocks-confirmed (1[6-9]|[2-9][0-9]) of' from=directory ;;
	three-quarters) re='^blocks-confirmed (4[8-9]|[5-9][0-9]) of' from=archive ;;
	download-done) re='^step download done' from=directory ;;
	esac
	w="flash killed at $point"
	start_run --port "$PTY" flash engine_sw "$T/img.bin" --yes
	kill_when journal "$re" "$w"
	after_kill "$w" flash "backups/flash-01.bin events.log journal manifest.json transcript.log "
	[ $point = no-return ] || check "$w: the read-out backup holds the software before" \
		cmp "$T/right.bin" "$DIR/backups/flash-01.bin"
	confirmed=$(sed -n 's/^blocks-confirmed \([0-9]*\) of 64$/\1/p' "$DIR/journal")
	if [ $point = quarter ]; then
		check "$w: the served car saves the $confirmed blocks it took once the link is idle" \
			poll 5 cmp -s -n $((confirmed * 1024)) "$T/right.bin" "$F.01.flash"
	fi
	src=$NAME
	[ $from = archive ] && src="$T/$NAME.tar.gz"
	"$OBDCON" --port "$PTY" flash --resume "$src" --yes >"$T/out" 2>"$T/err"
	check_eq "$w: --resume from the $from exits 0" 0 "$?"
	check "$w: the module holds the image" cmp "$T/right.bin" "$F.01.flash"
	check_contains "$w: and runs its software" "software 2131 (the image's)" "$(cat "$T/out")"
	case $point in
	quarter | three-quarters)
		check "$w: the resume went on from block $((confirmed + 1)), no erase" \
			not_in "$ERASE" "$(session_of "$T/err")/transcript.log"
		;;
	esac
done
stop_sim
check "the car saved on SIGTERM still holds the image" cmp "$T/right.bin" "$F.01.flash"

# --- the in-process simulator dies with obdcon: a power loss of the car ---
I="$T/inproc.state"
start_run --port "sim:demo,state=$I" flash engine_sw "$T/img.bin" --yes
kill_when journal '^blocks-confirmed (2[4-9]|[3-9][0-9]) of' "in-process: killed during the download"
check "in-process: the car's state names its erased sectors" grep -q '^erased 01 1' "$I"
check_eq "in-process: its memory file is the one the state names" \
	"$(sed -n 's/^flash 01 65536 //p' "$I")" "$(sha "$I.01.flash")"
check "in-process: the memory holds whole blocks of the image, then erased bytes" \
	power_loss_memory "$I.01.flash"
"$OBDCON" --port "sim:demo,state=$I" flash --resume "$NAME" --yes >"$T/out" 2>"$T/err"
check_eq "in-process: --resume exits 0" 0 "$?"
if grep -q 'erasing again' "$T/err"; then
	echo "# in-process: blocks were lost with the car; the resume erased again"
fi
check "in-process: the module holds the image" cmp "$T/right.bin" "$I.01.flash"

check "no simulator reported a sanitizer error" not_in 'Sanitizer|runtime error' "$T/sim.err"
finish
