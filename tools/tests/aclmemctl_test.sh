#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Description: aclmemctl at work, as root, with aclmem.ko loaded (the QEMU
# guest runs it from /tests; busybox sh is enough). TAP on stdout:
#   help without netlink; stats as a table and as JSON, agreeing with
#   /sys/kernel/aclmem; the counters and "handles --pid" follow a process
#   that holds a handle (tools/tests/aclmem_hold); "pool set" moves the
#   pool as root, waits for a big fill to end (and --no-wait does not),
#   is refused to nobody (exit 4, "needs CAP_SYS_ADMIN") and
#   relays the kernel's message for a bad node; "monitor", human and JSON,
#   prints the alloc-failed event of a refused allocation and stops on
#   SIGINT, and "monitor --count 1" after one event; in another network
#   namespace the family is not there (exit 3). With no 1 GiB pool to lose
#   (pool_1g=0), the module is unloaded under "monitor" and "stats", which
#   say so (exit 3), and loaded again with the same parameters; with one,
#   that is skipped: the 1 GiB page would not come back and later tests
#   would miss it.
#
# Environment: ACLMEMCTL, ACLMEM_HOLD (default: found in PATH).

ACLMEMCTL=${ACLMEMCTL:-aclmemctl}
ACLMEM_HOLD=${ACLMEM_HOLD:-aclmem_hold}
TMP=$(mktemp -d /tmp/aclmemctl_test.XXXXXX) || exit 1
NR=0
FAILED=0
HOLD_PID=
MON_PID=

TESTS="t_help t_stats_table t_stats_json t_stats_sysfs t_hold_counters
t_handles_pid t_handles_json t_handles_all t_pool_set_root
t_pool_set_waits t_pool_set_nobody t_pool_set_bad_node t_usage_errors t_monitor
t_monitor_json t_monitor_count t_other_netns t_not_loaded"

cleanup() {
	[ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() {
	NR=$((NR + 1))
	echo "ok $NR $1"
}

not_ok() {
	NR=$((NR + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $NR $1"
}

skip() {
	NR=$((NR + 1))
	echo "ok $NR $1 # SKIP $2"
}

# Show a file as TAP comments.
show() {
	sed 's/^/# /' "$1"
}

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $RC.
run() {
	"$@" > "$TMP/out" 2> "$TMP/err"
	RC=$?
	echo "# \$ $* -> $RC"
}

# field KEY < JSON line: the value of "KEY" (numbers, true/false, null,
# or a string with its quotes).
field() {
	sed -n "s/.*\"$1\":\(\"[^\"]*\"\|[^,}]*\).*/\1/p"
}

# pool_sum PAGE_SIZE KEY: KEY of the JSON pool rows of PAGE_SIZE, summed.
pool_sum() {
	"$ACLMEMCTL" --json stats | grep "\"page_size\":$1," | field "$2" |
		awk '{ s += $1 } END { print s + 0 }'
}

# wait_for CMD...: up to 10 s for CMD to succeed.
wait_for() {
	i=0
	while [ $i -lt 50 ]; do
		"$@" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

alive() {
	kill -0 "$1" 2>/dev/null
}

dead() {
	! kill -0 "$1" 2>/dev/null
}

nonempty() {
	[ -s "$1" ]
}

# Start a process holding a 6 MiB handle of 2 MiB pages, mapped.
hold_start() {
	"$ACLMEM_HOLD" 6M 2M > "$TMP/hold" 2> "$TMP/hold.err" &
	HOLD_PID=$!
	wait_for nonempty "$TMP/hold" || return 1
	HOLD_TGID=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TMP/hold")
	[ "$HOLD_TGID" = "$HOLD_PID" ]
}

hold_stop() {
	[ -n "$HOLD_PID" ] || return 0
	kill "$HOLD_PID" 2>/dev/null
	wait "$HOLD_PID" 2>/dev/null
	HOLD_PID=
}

t_help() {
	run "$ACLMEMCTL" help
	if [ $RC -eq 0 ] && grep -q "pool set 2m=PAGES" "$TMP/out" &&
		grep -q "monitor" "$TMP/out"; then
		ok "help lists the commands"
	else
		show "$TMP/out"; show "$TMP/err"; not_ok "help lists the commands"
	fi
}

t_stats_table() {
	run "$ACLMEMCTL" stats
	show "$TMP/out"
	if [ $RC -eq 0 ] && head -n 1 "$TMP/out" | grep -q "^PAGE *NODE *TOTAL" &&
		grep -q "^2.0 MiB " "$TMP/out" && grep -q "^1.0 GiB " "$TMP/out"; then
		ok "stats prints a table with both page sizes"
	else
		show "$TMP/err"; not_ok "stats prints a table with both page sizes"
	fi
}

t_stats_json() {
	run "$ACLMEMCTL" stats --json
	show "$TMP/out"
	if [ $RC -eq 0 ] && [ "$(head -n 1 "$TMP/out")" = "[" ] &&
		[ "$(tail -n 1 "$TMP/out")" = "]" ] &&
		grep -q '^{"page_size":2097152,"node":0,"total":[0-9]*,"free":' "$TMP/out" &&
		grep -q '^{"page_size":1073741824,"node":0,' "$TMP/out"; then
		ok "stats --json prints one object per pool"
	else
		show "$TMP/err"; not_ok "stats --json prints one object per pool"
	fi
}

t_stats_sysfs() {
	bad=
	for ps in 2M:2097152 1G:1073741824; do
		dir=/sys/kernel/aclmem/${ps%%:*}
		for key in total free in_use target grown shrunk failed poisoned; do
			want=$(cat "$dir/$key" 2>/dev/null)
			got=$(pool_sum "${ps#*:}" "$key")
			if [ "$want" != "$got" ]; then
				echo "# $dir/$key: sysfs '$want', aclmemctl '$got'"
				bad=1
			fi
		done
	done
	if [ -z "$bad" ]; then
		ok "stats --json agrees with /sys/kernel/aclmem"
	else
		not_ok "stats --json agrees with /sys/kernel/aclmem"
	fi
}

t_hold_counters() {
	before=$(pool_sum 2097152 in_use)
	if ! hold_start; then
		show "$TMP/hold.err"
		not_ok "in_use grows by the 3 pages a process holds"
		return
	fi
	after=$(pool_sum 2097152 in_use)
	echo "# 2 MiB in_use: $before before, $after holding 6 MiB"
	if [ "$after" -eq $((before + 3)) ] &&
		[ "$(cat /sys/kernel/aclmem/2M/in_use)" -eq "$after" ]; then
		ok "in_use grows by the 3 pages a process holds"
	else
		not_ok "in_use grows by the 3 pages a process holds"
	fi
}

t_handles_pid() {
	if [ -z "$HOLD_PID" ]; then
		not_ok "handles --pid shows the holder's handle"
		return
	fi
	run "$ACLMEMCTL" handles --pid "$HOLD_PID"
	show "$TMP/out"
	if [ $RC -eq 0 ] && head -n 1 "$TMP/out" | grep -q "^ *PID *COMMAND *HANDLE *SIZE *PAGE" &&
		[ "$(wc -l < "$TMP/out")" -eq 2 ] &&
		grep -q "^ *$HOLD_PID  aclmem_hold  .*6.0 MiB  2.0 MiB  *any  *1 " "$TMP/out"; then
		ok "handles --pid shows the holder's handle"
	else
		show "$TMP/err"; not_ok "handles --pid shows the holder's handle"
	fi
}

t_handles_json() {
	run "$ACLMEMCTL" --json handles --pid "$HOLD_PID"
	show "$TMP/out"
	line=$(grep '^{' "$TMP/out")
	if [ $RC -eq 0 ] && [ "$(grep -c '^{' "$TMP/out")" -eq 1 ] &&
		[ "$(echo "$line" | field pid)" = "$HOLD_PID" ] &&
		[ "$(echo "$line" | field comm)" = '"aclmem_hold"' ] &&
		[ "$(echo "$line" | field size)" = 6291456 ] &&
		[ "$(echo "$line" | field page_size)" = 2097152 ] &&
		[ "$(echo "$line" | field mappings)" = 1 ] &&
		[ "$(echo "$line" | field imported)" = false ] &&
		[ "$(echo "$line" | field token)" = null ]; then
		ok "handles --json --pid: pid, comm, sizes, mappings"
	else
		show "$TMP/err"; not_ok "handles --json --pid: pid, comm, sizes, mappings"
	fi
}

t_handles_all() {
	run "$ACLMEMCTL" handles
	n=$(grep -c "^ *$HOLD_PID  aclmem_hold " "$TMP/out")
	hold_stop
	run "$ACLMEMCTL" handles --pid "$$"
	if [ "$n" -eq 1 ] && [ $RC -eq 0 ] &&
		grep -q "^no handles in process $$" "$TMP/out"; then
		ok "handles lists every process; a pid without handles has none"
	else
		show "$TMP/out"; not_ok "handles lists every process; a pid without handles has none"
	fi
}

t_pool_set_root() {
	target=$(pool_sum 2097152 target)
	nodes=$("$ACLMEMCTL" --json stats | grep -c '"page_size":2097152,')
	per_node=$((target / nodes))
	run "$ACLMEMCTL" pool set 2m=12
	show "$TMP/out"
	up_free=$(pool_sum 2097152 free)
	up_target=$(pool_sum 2097152 target)
	rc_up=$RC
	run "$ACLMEMCTL" pool set 2m="$per_node"
	down_free=$(pool_sum 2097152 free)
	echo "# free: $up_free at target 12, $down_free back at $per_node"
	if [ $rc_up -eq 0 ] && [ $RC -eq 0 ] &&
		[ "$up_target" -eq $((12 * nodes)) ] &&
		[ "$up_free" -eq $((12 * nodes)) ] &&
		[ "$down_free" -eq "$target" ] &&
		grep -q "^2.0 MiB " "$TMP/out" && ! grep -q "^1.0 GiB" "$TMP/out"; then
		ok "pool set 2m=12 as root: free grows to 12, and back"
	else
		show "$TMP/err"; not_ok "pool set 2m=12 as root: free grows to 12, and back"
	fi
}

# A big target: the kernel fills in the background, pool set waits for
# its end event and prints the full pool; --no-wait returns while it grows.
t_pool_set_waits() {
	target=$(pool_sum 2097152 target)
	nodes=$("$ACLMEMCTL" --json stats | grep -c '"page_size":2097152,')
	per_node=$((target / nodes))
	big=$((per_node + 256))
	run "$ACLMEMCTL" pool set 2m=$big --node 0
	show "$TMP/out"
	rc_big=$RC
	big_free=$("$ACLMEMCTL" --json stats |
		grep '"page_size":2097152,"node":0,' | field free)
	row_free=$(awk '$1 == "2.0" && $3 == 0 { print $5 }' "$TMP/out")
	run "$ACLMEMCTL" pool set 2m=$per_node --node 0 --no-wait
	rc_down=$RC
	down_free=$(pool_sum 2097152 free)
	echo "# free: $big_free (table $row_free) at target $big, $down_free back at $per_node"
	if [ $rc_big -eq 0 ] && [ $rc_down -eq 0 ] &&
		[ "$big_free" -eq $big ] && [ "$row_free" = $big ] &&
		[ "$down_free" -eq "$target" ]; then
		ok "pool set 2m=+256: returns with the pool filled; --no-wait back down"
	else
		show "$TMP/err"; not_ok "pool set 2m=+256: returns with the pool filled; --no-wait back down"
	fi
}

t_pool_set_nobody() {
	if ! grep -q '^nobody:' /etc/passwd 2>/dev/null; then
		if [ -e /etc/passwd ]; then
			skip "pool set as nobody" "no user nobody"
			return
		fi
		# the test guest has no /etc/passwd: busybox su needs one
		mkdir -p /etc
		echo "root:x:0:0:root:/:/bin/sh" > /etc/passwd
		echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> /etc/passwd
		echo "root:x:0:" > /etc/group
		echo "nogroup:x:65534:" >> /etc/group
	fi
	target=$(pool_sum 2097152 target)
	su -s /bin/sh nobody -c "$ACLMEMCTL pool set 2m=13" > "$TMP/out" 2> "$TMP/err"
	RC=$?
	echo "# as nobody: aclmemctl pool set 2m=13 -> $RC"
	show "$TMP/err"
	if [ $RC -eq 4 ] &&
		grep -q "^aclmemctl: pool set needs CAP_SYS_ADMIN$" "$TMP/err" &&
		[ "$(pool_sum 2097152 target)" = "$target" ]; then
		ok "pool set as nobody: refused, exit 4, nothing changes"
	else
		not_ok "pool set as nobody: refused, exit 4, nothing changes"
	fi
}

t_pool_set_bad_node() {
	run "$ACLMEMCTL" pool set 2m=8 --node 9999
	show "$TMP/err"
	if [ $RC -eq 1 ] && grep -q "^aclmemctl: kernel says: " "$TMP/err" &&
		grep -q "^aclmemctl: pool set 2m=8: Invalid argument (-22)$" "$TMP/err"; then
		ok "pool set --node 9999: the kernel's message, then the error"
	else
		not_ok "pool set --node 9999: the kernel's message, then the error"
	fi
}

t_usage_errors() {
	bad=
	for args in "pool set" "pool set 3m=1" "pool set 2m=x" "pool set 2m=1 2m=2" \
		"handles --pid" "handles --pid 0" "monitor --count 0" "stats extra" \
		"nosuchcommand"; do
		# shellcheck disable=SC2086
		"$ACLMEMCTL" $args > /dev/null 2>&1
		rc=$?
		if [ $rc -ne 2 ]; then
			echo "# aclmemctl $args -> $rc, wanted 2"
			bad=1
		fi
	done
	if [ -z "$bad" ]; then
		ok "bad arguments: exit 2"
	else
		not_ok "bad arguments: exit 2"
	fi
}

# monitor_run [--json] [--count N]: start "aclmemctl monitor" (output in
# $TMP/mon), then make refused allocations of 2 MiB pages until its output
# has an alloc-failed event or it exits; with --count it must exit by
# itself, otherwise it gets SIGINT. Succeeds when it exited with 0; the
# allocations' errors are in $TMP/alloc.err.
monitor_run() {
	: > "$TMP/mon"
	: > "$TMP/alloc.err"
	"$ACLMEMCTL" monitor "$@" > "$TMP/mon" 2> "$TMP/mon.err" &
	MON_PID=$!
	# nothing tells when it has joined the group: provoke until heard
	i=0
	while alive "$MON_PID" && ! grep -q "alloc-failed" "$TMP/mon" &&
		[ $i -lt 50 ]; do
		"$ACLMEM_HOLD" -n 64G 2M 2>> "$TMP/alloc.err"
		sleep 0.2
		i=$((i + 1))
	done
	case " $* " in
	*" --count "*)
		wait_for dead "$MON_PID" ;;
	*)
		kill -INT "$MON_PID" 2>/dev/null
		wait_for dead "$MON_PID" ;;
	esac
	if alive "$MON_PID"; then
		echo "# monitor did not exit"
		kill -KILL "$MON_PID"
	fi
	wait "$MON_PID"
	MON_RC=$?
	MON_PID=
	echo "# \$ aclmemctl monitor $* -> $MON_RC"
	show "$TMP/mon"
	show "$TMP/mon.err"
	[ "$MON_RC" -eq 0 ]
}

EVENTS='\(alloc-failed\|pool-grown\|pool-shrunk\|pool-low\)'

t_monitor() {
	if monitor_run &&
		grep -q "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]\{3\} alloc-failed: page 2.0 MiB, node [0-9]*, total [0-9]*, free " "$TMP/mon" &&
		! grep -v "^[0-9:.]* $EVENTS: page [0-9.]* [MG]iB, node [0-9]*, " "$TMP/mon" | grep -q . &&
		grep -q "Cannot allocate memory" "$TMP/alloc.err"; then
		ok "monitor prints alloc-failed for a refused allocation, stops on SIGINT"
	else
		not_ok "monitor prints alloc-failed for a refused allocation, stops on SIGINT"
	fi
}

t_monitor_json() {
	failed=$(pool_sum 2097152 failed)
	if monitor_run --json &&
		line=$(grep '"event":"alloc-failed"' "$TMP/mon" | head -n 1) &&
		echo "$line" | grep -q '^{"time":[0-9]*\.[0-9]*,"event":"alloc-failed","page_size":2097152,"node":[0-9]*,"total":' &&
		[ "$(echo "$line" | field failed)" -gt "$failed" ] &&
		! grep -v "^{\"time\":[0-9.]*,\"event\":\"$EVENTS\",\"page_size\":[0-9]*,.*}\$" "$TMP/mon" | grep -q .; then
		ok "monitor --json: one JSON object a line, alloc-failed among them"
	else
		not_ok "monitor --json: one JSON object a line, alloc-failed among them"
	fi
}

t_monitor_count() {
	if monitor_run --count 1 && [ "$(wc -l < "$TMP/mon")" -eq 1 ]; then
		ok "monitor --count 1 exits after one event"
	else
		not_ok "monitor --count 1 exits after one event"
	fi
}

t_other_netns() {
	if ! unshare -n true 2>/dev/null; then
		skip "in another network namespace" "unshare -n does not work here"
		return
	fi
	unshare -n "$ACLMEMCTL" stats > "$TMP/out" 2> "$TMP/err"
	RC=$?
	echo "# \$ unshare -n aclmemctl stats -> $RC"
	show "$TMP/err"
	if [ $RC -eq 3 ] &&
		grep -q '^aclmemctl: the aclmem module is loaded, but its generic netlink family "aclmem" is not here' "$TMP/err"; then
		ok "in another network namespace: no family, exit 3"
	else
		not_ok "in another network namespace: no family, exit 3"
	fi
}

# The parameters to load the module with again: those the test runner
# gave (aclmemtest.params= on the kernel command line), or else the ones
# the loaded module shows in sysfs.
module_params() {
	read -r cmdline < /proc/cmdline
	for arg in $cmdline; do
		case $arg in
		aclmemtest.params=*)
			echo "${arg#*=}" | tr ',' ' '
			return ;;
		esac
	done
	for p in /sys/module/aclmem/parameters/*; do
		[ -r "$p" ] && echo "${p##*/}=$(cat "$p")"
	done | tr '\n' ' '
}

t_not_loaded() {
	ko=/aclmem.ko
	if [ ! -f $ko ]; then
		skip "without the module" "no $ko to load it again"
		return
	fi
	params=$(module_params)
	"$ACLMEMCTL" monitor > "$TMP/mon" 2> "$TMP/mon.err" &
	MON_PID=$!
	sleep 2
	if ! rmmod aclmem; then
		kill "$MON_PID"; wait "$MON_PID"; MON_PID=
		not_ok "without the module: rmmod failed"
		return
	fi
	wait_for dead "$MON_PID"
	wait "$MON_PID"
	mon_rc=$?
	MON_PID=
	show "$TMP/mon.err"
	run "$ACLMEMCTL" stats
	show "$TMP/err"
	stats_rc=$RC
	grep -q '^aclmemctl: the aclmem module is not loaded (no generic netlink family "aclmem")$' \
		"$TMP/err" || stats_rc="$stats_rc, wrong message"
	# shellcheck disable=SC2086
	insmod $ko $params
	loaded=$?
	echo "# insmod $ko $params -> $loaded"
	run "$ACLMEMCTL" stats
	if [ $mon_rc -eq 3 ] &&
		grep -q "^aclmemctl: the aclmem module was unloaded$" "$TMP/mon.err" &&
		[ "$stats_rc" = 3 ] && [ $loaded -eq 0 ] && [ $RC -eq 0 ]; then
		ok "without the module: monitor and stats say so, exit 3"
	else
		not_ok "without the module: monitor and stats say so, exit 3"
	fi
}

main() {
	n=0
	for t in $TESTS; do
		n=$((n + 1))
	done
	echo "TAP version 13"
	echo "1..$n"
	if ! command -v "$ACLMEMCTL" > /dev/null ||
		! command -v "$ACLMEM_HOLD" > /dev/null; then
		echo "Bail out! $ACLMEMCTL or $ACLMEM_HOLD not found"
		exit 1
	fi
	for t in $TESTS; do
		$t
	done
	hold_stop
	echo "# $((NR - FAILED)) passed, $FAILED failed"
	[ $FAILED -eq 0 ]
}

main
