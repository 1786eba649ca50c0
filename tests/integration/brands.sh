#!/bin/sh
# Integration: the brand scripts of the simulated vehicles vw, ford and
# truck (scripts/vw.lua, ford.lua, truck.lua). For each: scan names the
# brand and identifies every module; features lists the expected values,
# with the unsupported ones and their reasons; coding two features of one
# module in one transaction enters the extended session, unlocks with the
# script's key and leaves the new bytes in the car; every module with a
# coding DID is unlocked once, so every key function is tried against the
# simulator's ECU; values outside a range are refused (exit 2); a car with
# a VIN a real car could have never gets the invented features.
. "$top_srcdir/tests/lib.sh"

profiles="$XDG_CONFIG_HOME/obdcon/profiles/vehicles"
mkdir -p "$profiles"

# feature_list JSON: "id=value" of every feature, in order, one per line.
feature_list() {
	printf '%s' "$1" | jq -r '.features[] | "\(.id)=\(.value // "")"'
}

# unsupported_list JSON: "id: reason" of every unsupported feature.
unsupported_list() {
	printf '%s' "$1" | jq -r '.features[] | select(.supported | not) | "\(.id): \(.reason)"'
}

# run_code NAME PORT ARGS...: runs `code ARGS --yes` with its own data
# directory, so that its session is the only one there; sets rc, out, err
# and dir (the session directory).
run_code() {
	name=$1 port=$2
	shift 2
	out=$(XDG_DATA_HOME="$TEST_TMP/data-$name" "$OBDCON" --port "$port" code "$@" --yes \
		2>"$TEST_TMP/err"); rc=$?
	err=$(cat "$TEST_TMP/err")
	dir=$(find "$TEST_TMP/data-$name/obdcon/sessions" -mindepth 1 -maxdepth 1 -type d 2>/dev/null |
		head -n 1)
}

# transcript PATTERN: true when the last run_code's transcript has a line
# matching the extended regular expression.
transcript() {
	[ -n "$dir" ] && grep -Eq "$1" "$dir/transcript.log"
}

# state_did STATE ECU DID: the bytes the simulated car holds for a DID.
state_did() {
	awk -v e="$2" -v d="$3" '$1 == "did" && $2 == e && $3 == d { print $4 }' "$1" 2>/dev/null
}

# unlocked RX LEVEL: the transcript shows 10 03 answered, the seed of
# LEVEL requested and the key accepted by the module answering on RX.
unlocked() {
	key=$(printf '%02X' $(($2 + 1)))
	transcript " TX 10031?\\\\r$" && transcript " RX ${1}065003" &&
		transcript " TX 27$(printf '%02X' "$2")\\\\r$" &&
		transcript " TX 27$key[0-9A-F]+\\\\r$" && transcript " RX ${1}[0-9A-F]{2}67$key"
}

# real_vin_check NAME FILE OLDVIN NEWVIN: a copy of a vehicle profile
# whose VIN a real car could have (no I, O or Q) gets no brand features.
real_vin_check() {
	sed -e "s/^  id = \"[a-z0-9]*\",/  id = \"$1\",/" -e "s/$3/$4/" "$2" >"$profiles/$1.lua"
	json=$("$OBDCON" --port "sim:$1" scan --json 2>/dev/null)
	check_eq "$1: the car with the plausible VIN $4 is read" "$4" \
		"$(printf '%s' "$json" | jq -r .vin)"
	json=$("$OBDCON" --port "sim:$1" features --json 2>/dev/null)
	check_eq "$1: and gets none of the invented features" \
		"0" "$(printf '%s' "$json" | jq '.features | length')"
}

# ---------------------------------------------------------------- vw
vw_brand="VW group (simulated vehicle 'vw' only)"
json=$("$OBDCON" --port sim:vw scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "vw: scan --json exits 0" 0 "$rc"
check_eq "vw: scan names the brand script" "$vw_brand" "$(printf '%s' "$json" | jq -r .brand)"
check_eq "vw: every module identified (id, part, software)" \
	"01 04E906027JT 5432,02 0CW300050N 4012,09 5Q0937084AL 0702,17 5G1920640B 0316,19 5Q0907530M 1251" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.present and (.discovered | not)) | "\(.id) \(.part) \(.sw)"] | join(",")')"

json=$("$OBDCON" --port sim:vw features --json 2>"$TEST_TMP/err"); rc=$?
check_eq "vw: features --json exits 0" 0 "$rc"
check_eq "vw: no script error while listing" "" "$(grep -i 'error' "$TEST_TMP/err")"
check_eq "vw: every feature with its current value" "start_stop_default=on
cruise_control=on
speed_limiter=off
shift_program=sport
paddle_shifters=on
launch_control=off
horn_on_lock=off
comfort_close_remote=on
daytime_running_lights=on
coming_home_time=60 s
auto_lock=15kmh
rain_closing=on
mirror_fold_on_lock=on
digital_speed=off
needle_sweep=on
language=french
fuel_warning=10 l
workshop_code=
units=metric
installed_trailer=on
installed_parking_aid=on
installed_head_up_display=on" "$(feature_list "$json")"
check_eq "vw: features on five modules" "01 02 09 17 19" \
	"$(printf '%s' "$json" | jq -r '[.features[].module] | unique | join(" ")')"
check_eq "vw: kinds used" "bit choice custom number string" \
	"$(printf '%s' "$json" | jq -r '[.features[].kind] | unique | join(" ")')"
check_eq "vw: unsupported features with the script's reasons" \
	"speed_limiter: needs software 5500 or later (module has 5432)
launch_control: needs software 4100 or later (module has 4012)
mirror_fold_on_lock: needs software 0800 or later (module has 0702)
needle_sweep: needs software 0400 or later (module has 0316)
installed_head_up_display: needs software 1300 or later (module has 1251)" \
	"$(unsupported_list "$json")"

state="$TEST_TMP/vw.state"
port="sim:vw,state=$state"
run_code vw1 "$port" horn_on_lock=on coming_home_time=30
check_eq "vw: two features of 09 in one transaction exit 0" 0 "$rc"
check_contains "vw: one DID written and verified" "1 DID written and verified" "$out"
check_eq "vw: the car holds the new 09 coding" \
	"2B07011E002441001800C0080F2100008410020000200000400000000000" \
	"$(state_did "$state" 09 0600)"
check "vw: transcript shows 10 03 and the 27 03/04 exchange with 09" unlocked 778 3
check "vw: transcript shows the write to 09" transcript " RX 778036E0600"
features=$("$OBDCON" --port "$port" features --json 2>/dev/null)
check_eq "vw: the features read back the new values" "on|30 s" \
	"$(printf '%s' "$features" | jq -r '[.features[] | select(.id == "horn_on_lock" or .id == "coming_home_time") | .value] | join("|")')"

run_code vw2 "$port" shift_program=comfort
check_eq "vw: 02 transmission coded (2-byte seed/key)" "0 0004100001000001" \
	"$rc $(state_did "$state" 02 0600)"
check "vw: 02 unlocked with the script's key" unlocked 7E9 3

run_code vw3 "$port" units=us workshop_code=12345
check_eq "vw: 17 cluster coded (custom units, string)" "0 011203041003020A020000813132333435000000" \
	"$rc $(state_did "$state" 17 0600)"
check "vw: 17 unlocked with the script's key" unlocked 77E 3
features=$("$OBDCON" --port "$port" features --json 2>/dev/null)
check_eq "vw: the cluster reads back us units and the workshop code" "12345|us" \
	"$(printf '%s' "$features" | jq -r '[.features[] | select(.id == "units" or .id == "workshop_code") | .value] | join("|")')"

run_code vw4 "$port" installed_parking_aid=off
check_eq "vw: 19 gateway coded" "0 EF3F0C000080010000000000200000000000000000000000" \
	"$rc $(state_did "$state" 19 0600)"
check "vw: 19 unlocked with the script's key" unlocked 77A 3

run_code vw5 "$port" cruise_control=off
check_eq "vw: the idling engine refuses its coding (exit 1)" 1 "$rc"
check "vw: 01 unlocked with the script's key before refusing" unlocked 7E8 3
check "vw: 01 answered the write with 0x22 (engine running)" transcript " RX 7E8037F2E22"
check_eq "vw: the engine coding is unchanged" "01001200182400000100" "$(state_did "$state" 01 0600)"

run_code vw6 "$port" coming_home_time=91
check_eq "vw: a number outside its range exits 2" 2 "$rc"
check_contains "vw: the refusal gives the range" "outside 0..90 s" "$err"
run_code vw7 "$port" shift_program=race
check_eq "vw: a choice that is not a value exits 2" 2 "$rc"
run_code vw8 "$port" mirror_fold_on_lock=off
check_eq "vw: an unsupported feature is refused (exit 1)" 1 "$rc"
check_contains "vw: with the reason" "needs software 0800 or later" "$err"
check_eq "vw: refusals wrote nothing" "2B07011E002441001800C0080F2100008410020000200000400000000000" \
	"$(state_did "$state" 09 0600)"

real_vin_check vwreal "$top_srcdir/profiles/vehicles/vw.lua" WVWZZZAUZOSIM0001 WVWZZZAUZKW000001

# ---------------------------------------------------------------- ford
ford_brand="Ford (simulated vehicle 'ford' only)"
json=$("$OBDCON" --port sim:ford scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "ford: scan --json exits 0" 0 "$rc"
check_eq "ford: scan names the brand script" "$ford_brand" "$(printf '%s' "$json" | jq -r .brand)"
check_eq "ford: every module identified (id, part, software)" \
	"PCM JX6A-12A650-BD JX6A-14C204-AC,TCM JX6P-7J104-AB JX6P-14C337-AD,BCM JX7T-15604-ACD JX7T-14C184-AB,IPC JX7T-10849-EAG JX7T-14C026-AF,GWM JX7T-14F642-AD JX7T-14H136-AB,ABS JX7C-2C405-AB JX7C-14C036-AC" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.present and (.discovered | not)) | "\(.id) \(.part) \(.sw)"] | join(",")')"

json=$("$OBDCON" --port sim:ford features --json 2>"$TEST_TMP/err"); rc=$?
check_eq "ford: features --json exits 0" 0 "$rc"
check_eq "ford: no script error while listing" "" "$(grep -i 'error' "$TEST_TMP/err")"
check_eq "ford: every feature with its current value" "pcm_auto_start_stop=on
pcm_idle_speed_raise=100 rpm
tcm_sport_mode=on
tcm_hill_start_assist=on
bcm_drl=on
bcm_global_open=on
bcm_auto_relock=40 s
bcm_horn_chirp=on
bcm_rain_sensitivity=medium
bcm_approach_light_time=60 s
bcm_mirror_fold=on
bcm_keyless_entry=on
ipc_digital_speed=on
ipc_low_fuel_warning=8 l
ipc_theme=sport
ipc_dealer_code=
ipc_gauge_sweep=on
gwm_trailer_module=on
gwm_sync_module=on" "$(feature_list "$json")"
check_eq "ford: features on five modules" "BCM GWM IPC PCM TCM" \
	"$(printf '%s' "$json" | jq -r '[.features[].module] | unique | join(" ")')"
check_eq "ford: kinds used" "bit choice custom number string" \
	"$(printf '%s' "$json" | jq -r '[.features[].kind] | unique | join(" ")')"
check_eq "ford: unsupported features with the script's reasons" \
	"tcm_hill_start_assist: needs software revision AE or later (module has JX6P-14C337-AD)
bcm_mirror_fold: needs software revision AC or later (module has JX7T-14C184-AB)
ipc_gauge_sweep: needs software revision AG or later (module has JX7T-14C026-AF)" \
	"$(unsupported_list "$json")"

state="$TEST_TMP/ford.state"
port="sim:ford,state=$state"
run_code ford1 "$port" bcm_horn_chirp=off bcm_rain_sensitivity=high
check_eq "ford: two features of the BCM in one transaction exit 0" 0 "$rc"
check_contains "ford: one DID written and verified" "1 DID written and verified" "$out"
check_eq "ford: the car holds the new BCM block DE01" "00051040003201000000180A" \
	"$(state_did "$state" BCM DE01)"
check "ford: transcript shows 10 03 and the 27 01/02 exchange with the BCM (3-byte seed)" \
	unlocked 72E 1
check "ford: transcript shows the write to the BCM" transcript " RX 72E036EDE01"

run_code ford2 "$port" bcm_keyless_entry=off
check_eq "ford: the custom feature over two blocks exits 0" 0 "$rc"
check_contains "ford: both blocks written and verified" "2 DIDs written and verified" "$out"
check_eq "ford: both blocks changed" "2A0840000110004C 00051040003200000000180A" \
	"$(state_did "$state" BCM DE00) $(state_did "$state" BCM DE01)"

run_code ford3 "$port" pcm_auto_start_stop=off
check_eq "ford: PCM coded" "0 002204000A00001F" "$rc $(state_did "$state" PCM DE00)"
check "ford: PCM unlocked with the script's key" unlocked 7E8 1
run_code ford4 "$port" tcm_sport_mode=off
check_eq "ford: TCM coded" "0 0000031000" "$rc $(state_did "$state" TCM DE00)"
check "ford: TCM unlocked with the script's key" unlocked 7E9 1
run_code ford5 "$port" ipc_digital_speed=off ipc_dealer_code=4711
check_eq "ford: IPC coded in two blocks" "0 00001408000011 0100004034373131020000" \
	"$rc $(state_did "$state" IPC DE00) $(state_did "$state" IPC DE01)"
check "ford: IPC unlocked with the script's key" unlocked 728 1
run_code ford6 "$port" gwm_trailer_module=off
check_eq "ford: GWM coded" "0 031F0000000000004000" "$rc $(state_did "$state" GWM DE00)"
check "ford: GWM unlocked with the script's key" unlocked 71E 1

run_code ford7 "$port" bcm_auto_relock=125
check_eq "ford: a number outside its range exits 2" 2 "$rc"
check_contains "ford: the refusal gives the range" "outside 0..120 s" "$err"
run_code ford8 "$port" pcm_idle_speed_raise=105
check_eq "ford: a number between two steps exits 2" 2 "$rc"
check_eq "ford: refusals wrote nothing" "2A0840000110004C 002204000A00001F" \
	"$(state_did "$state" BCM DE00) $(state_did "$state" PCM DE00)"

real_vin_check fordreal "$top_srcdir/profiles/vehicles/ford.lua" WF0FXXGCDFOSIM042 WF0FXXGCDFKA12345

# ---------------------------------------------------------------- truck
truck_brand="Heavy truck (simulated vehicle 'truck' only)"

# The truck's bus runs at 250 kbit/s (protocol 9) and its modules answer on
# 29-bit identifiers only: the console finds the protocol by an automatic
# search and reads the VIN with a functional 29-bit request.
json=$("$OBDCON" --port sim:truck scan --json 2>"$TEST_TMP/err"); rc=$?
if [ "$rc" = 0 ] && [ "$(printf '%s' "$json" | jq -r .brand)" = "$truck_brand" ]; then
	pass "truck: scan of sim:truck itself names the brand script"
else
	fail "truck: scan of sim:truck itself" "exit $rc" "$(cat "$TEST_TMP/err")"
fi
check_eq "truck: every module found over 29-bit identifiers at 250 kbit/s" "00 03 0B 17 21" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.present and (.discovered | not)) | .id] | join(" ")')"

# The rest of the truck's script is tested on a copy of its profile that
# differs in two ways only: the bus runs at 500 kbit/s (protocol 7, 29-bit),
# and one 11-bit module at 7E0/7E8 answers the VIN (F190); every module,
# DID, version and key algorithm is the truck's own.
sed -e 's/^  id = "truck",/  id = "truck500",/' -e 's/^  protocol = 9,/  protocol = 7,/' \
	-e 's/^  ecus = {$/  ecus = {\n    { id = "vin", name = "VIN (test only)", tx = 0x7E0, rx = 0x7E8, dids = {} },/' \
	"$top_srcdir/profiles/vehicles/truck.lua" >"$profiles/truck500.lua"
check_eq "truck: the test copy of the profile differs from it in three lines only" "3" \
	"$(diff "$top_srcdir/profiles/vehicles/truck.lua" "$profiles/truck500.lua" | grep -c '^>')"

json=$("$OBDCON" --port sim:truck500 scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "truck: scan --json exits 0" 0 "$rc"
check_eq "truck: scan names the brand script" "$truck_brand" "$(printf '%s' "$json" | jq -r .brand)"
check_eq "truck: every module identified on 29-bit identifiers (id, tx, part, software)" \
	"00 18DA00F1 21695304 P3412-07,03 18DA03F1 22327063 T0210-02,0B 18DA0BF1 21441082 B0117-01,17 18DA17F1 21975001 I0408-03,21 18DA21F1 22088001 C0522-01" \
	"$(printf '%s' "$json" | jq -r '[.modules[] | select(.present and (.discovered | not)) | "\(.id) \(.tx) \(.part) \(.sw)"] | join(",")' |
		awk -F, '{ for (i = 1; i <= NF; i++) { split($i, f, " "); $i = sprintf("%s %X %s %s", f[1], f[2], f[3], f[4]) } print }' OFS=,)"

json=$("$OBDCON" --port sim:truck500 features --json 2>"$TEST_TMP/err"); rc=$?
check_eq "truck: features --json exits 0" 0 "$rc"
check_eq "truck: no script error while listing" "" "$(grep -i 'error' "$TEST_TMP/err")"
check_eq "truck: every feature with its current value" "road_speed_limit=90 km/h
cruise_max_speed=80 km/h
idle_shutdown_time=300 s
pto_engine_speed=1000 rpm
exhaust_brake_with_cruise=on
hill_descent_cruise=off
eco_roll=on
driving_mode=power
manoeuvre_timeout=30 s
auto_start_gear=off
hill_start_aid=off
hill_hold_time=2.5 s
trailer_control=on
brake_blending=on
language=swedish
clock_format=24h
eco_coach=off
brightness=5
overspeed_warning=80 km/h
fleet_name=
beacon_with_hazard=on
work_light_reverse=on
auto_lock=on
interior_light_delay=30 s
alarm=off" "$(feature_list "$json")"
check_eq "truck: features on five modules" "00 03 0B 17 21" \
	"$(printf '%s' "$json" | jq -r '[.features[].module] | unique | join(" ")')"
check_eq "truck: kinds used" "bit choice custom number string" \
	"$(printf '%s' "$json" | jq -r '[.features[].kind] | unique | join(" ")')"
check_eq "truck: unsupported features with the script's reasons" \
	"hill_descent_cruise: needs software P3500-00 or later (module has P3412-07)
auto_start_gear: needs software T0210-04 or later (module has T0210-02)
brake_blending: needs software B0117-02 or later (module has B0117-01)
alarm: needs software C0600-00 or later (module has C0522-01)" \
	"$(unsupported_list "$json")"

state="$TEST_TMP/truck.state"
port="sim:truck500,state=$state"
run_code truck1 "$port" beacon_with_hazard=off interior_light_delay=45
check_eq "truck: two features of 21 in one transaction exit 0" 0 "$rc"
check_contains "truck: one DID written and verified" "1 DID written and verified" "$out"
check_eq "truck: the car holds the new 21 parameters" "02000001002D0000000000000000000000000000" \
	"$(state_did "$state" 21 0100)"
check "truck: transcript shows 10 03 and the 27 01/02 exchange with 21" unlocked 18DAF121 1
check "truck: transcript shows the write to 21" transcript " RX 18DAF121036E0100"

run_code truck2 "$port" eco_roll=off
check_eq "truck: 03 coded" "0 000C000200001E0000000000" "$rc $(state_did "$state" 03 0100)"
check "truck: 03 unlocked with the script's key" unlocked 18DAF103 1
run_code truck3 "$port" hill_start_aid=on hill_hold_time=1.5
check_eq "truck: 0B coded (2-byte seed/key)" "0 01000F000A000000" "$rc $(state_did "$state" 0B 0100)"
check "truck: 0B unlocked with the script's key" unlocked 18DAF10B 1
run_code truck4 "$port" overspeed_warning=85 fleet_name=TRUCK7
check_eq "truck: 17 coded (number, string)" "0 0201000005005500545255434B370000" \
	"$rc $(state_did "$state" 17 0100)"
check "truck: 17 unlocked with the script's key" unlocked 18DAF117 1

run_code truck5 "$port" cruise_max_speed=85
check_eq "truck: the idling engine refuses its parameters (exit 1)" 1 "$rc"
check "truck: 00 unlocked with the script's key before refusing" unlocked 18DAF100 1
check "truck: 00 answered the write with 0x22 (engine running)" transcript " RX 18DAF100037F2E22"
run_code truck6 "$port" cruise_max_speed=95
check_eq "truck: the custom check refuses a cruise speed above the road speed limit" 1 "$rc"
check_contains "truck: with the script's reason" "above the road speed limit (90 km/h)" "$err"
check "truck: and nothing was sent to the engine for it" sh -c "! grep -q ' TX 1003' '$dir/transcript.log'"
check_eq "truck: the engine parameters are unchanged" \
	"005A0050012C00000FA0000003E800000000001400000001" "$(state_did "$state" 00 0100)"

run_code truck7 "$port" overspeed_warning=140
check_eq "truck: a number outside its range exits 2" 2 "$rc"
check_contains "truck: the refusal gives the range" "outside 30..130 km/h" "$err"
run_code truck8 "$port" hill_hold_time=0.55
check_eq "truck: a number between two steps exits 2" 2 "$rc"
check_eq "truck: refusals wrote nothing" "0201000005005500545255434B370000 01000F000A000000" \
	"$(state_did "$state" 17 0100) $(state_did "$state" 0B 0100)"

real_vin_check truckreal "$profiles/truck500.lua" YV2RT40AOQSIM0007 YV2RT40A5PA000007

# A brand whose match() fails does not match: the demo car keeps its own
# brand script, and the failure is named.
mkdir -p "$TEST_TMP/cfg-broken/obdcon/scripts"
cat >"$TEST_TMP/cfg-broken/obdcon/scripts/broken.lua" <<'EOF'
local b = brand { id = "broken", name = "Broken match", vin_wmi = { "OBDDEMO0" },
  match = function(vin) return vin:nosuch() end }
b:module { id = "99", name = "Nothing", tx = 0x7A0, rx = 0x7A8 }
EOF
out=$(XDG_CONFIG_HOME="$TEST_TMP/cfg-broken" "$OBDCON" --port sim:demo scan --json 2>"$TEST_TMP/err"); rc=$?
check_eq "a failing match(): the scan exits 0" 0 "$rc"
check_eq "a failing match(): the car keeps its brand" "obdcon demo vehicle (simulated)" \
	"$(printf '%s' "$out" | jq -r .brand)"
check_contains "a failing match(): the error is named with its line" "broken.lua:2:" "$(cat "$TEST_TMP/err")"
check_contains "a failing match(): and that the brand does not match" "that brand does not match" \
	"$(cat "$TEST_TMP/err")"

# log() while the scripts load reaches the session's events (up to 64 KiB);
# a long line is cut; a run of the scripts logs 1 MiB at the most.
mkdir -p "$TEST_TMP/cfg-log/obdcon/scripts"
cat >"$TEST_TMP/cfg-log/obdcon/scripts/zz_chatty.lua" <<'EOF'
log("loaded " .. string.rep("x", 5000))
for i = 1, 100 do log(string.rep("y", 1000)) end
local b = brand { id = "chatty", name = "Chatty", vin_wmi = { "OBDDEMO0SIM" } }
local m = b:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
m:feature { id = "noisy", name = "Noisy", kind = "custom", dids = { 0x0600 }, min = 0, max = 255,
  decode = function(r)
    for i = 1, 2000 do log(string.rep("z", 1000)) end
    return obd.byte(r[0x0600], 0)
  end }
EOF
XDG_CONFIG_HOME="$TEST_TMP/cfg-log" XDG_DATA_HOME="$TEST_TMP/data-log" "$OBDCON" --port sim:demo features >/dev/null 2>&1; rc=$?
check_eq "chatty scripts: features exits 0" 0 "$rc"
ev=$(find "$TEST_TMP/data-log" -name events.log | head -n 1)
check "chatty scripts: the shipped script's load line is in the events" \
	grep -q 'script (while loading): demo brand script loaded' "$ev"
check "chatty scripts: a long line is cut" grep -q 'loaded x*\.\.\. (3983 bytes cut)' "$ev"
check "chatty scripts: lines past 64 KiB while loading are dropped, and said so" \
	grep -q 'more lines logged while loading were dropped' "$ev"
check "chatty scripts: a run's lines past 1 MiB are dropped, and said so" \
	grep -q 'further lines are dropped' "$ev"
check "chatty scripts: the events stay small" test "$(wc -c <"$ev")" -lt 1300000

# supported() sees the identification the console read through ecu.did().
mkdir -p "$TEST_TMP/cfg-did/obdcon/scripts"
cat >"$TEST_TMP/cfg-did/obdcon/scripts/did.lua" <<'EOF'
local b = brand { id = "did", name = "DID", vin_wmi = { "OBDDEMO0SIM" } }
local m = b:module { id = "09", name = "Central electrics", tx = 0x70E, rx = 0x778 }
m:feature { id = "by_part", name = "By part", did = 0x0601, byte = 0, bit = 2,
  supported = function(ecu) return ecu.did(0xF187) == ecu.part and ecu.part ~= "", "no part" end }
m:feature { id = "by_other", name = "By another DID", did = 0x0601, byte = 0, bit = 3,
  supported = function(ecu) return ecu.did(0xF1A0) ~= nil, "F1A0 not read" end }
EOF
out=$(XDG_CONFIG_HOME="$TEST_TMP/cfg-did" "$OBDCON" --port sim:demo features --json 2>/dev/null)
check_eq "ecu.did: F187 is the part number read" "true" \
	"$(printf '%s' "$out" | jq -r '.features[] | select(.id == "by_part") | .supported')"
check_eq "ecu.did: a DID not read is nil" "F1A0 not read" \
	"$(printf '%s' "$out" | jq -r '.features[] | select(.id == "by_other") | .reason')"

finish
