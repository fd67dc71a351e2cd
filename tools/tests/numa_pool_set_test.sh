#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Description: "aclmemctl pool set --node 1" on a guest with two NUMA nodes
# (scripts/qemu-test.sh QEMU_NODES=2; the one-node runs leave it out), as
# root, with aclmem.ko loaded. TAP on stdout:
#   stats has a 2 MiB pool row for node 0 and for node 1;
#   "pool set 2m=T+6 --node 1" raises node 1's target and free pages by 6,
#   grown by 6, and node 1's free memory (/proc/zoneinfo) drops by the
#   12 MiB, less 2 MiB for the kernel's own small allocations meanwhile,
#   while node 0's pool does not move;
#   "pool set 2m=T --node 1" gives the 6 pages back (shrunk by 6, node 1's
#   free memory back up), node 0's pool still where it was.
#
# Environment: ACLMEMCTL (default: found in PATH).

ACLMEMCTL=${ACLMEMCTL:-aclmemctl}
TMP=$(mktemp -d /tmp/numa_pool_set_test.XXXXXX) || exit 1
NR=0
FAILED=0
EXTRA=6
# kB of node 1's free memory the kernel may take or give meanwhile
SLACK=2048
TESTS="t_two_pools t_raise_node_1 t_lower_node_1"

trap 'rm -rf "$TMP"' EXIT

ok() {
	NR=$((NR + 1))
	echo "ok $NR $1"
}

not_ok() {
	NR=$((NR + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $NR $1"
}

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $RC.
run() {
	"$@" > "$TMP/out" 2> "$TMP/err"
	RC=$?
	echo "# \$ $* -> $RC"
	sed 's/^/# /' "$TMP/err"
}

# field KEY < JSON line: the value of "KEY".
field() {
	sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"
}

# The JSON stats row of node $1's 2 MiB pool, in $TMP/node$1.
pool_row() {
	"$ACLMEMCTL" --json stats | grep "\"page_size\":2097152,\"node\":$1," \
		> "$TMP/node$1"
}

# counter NODE KEY, from the row pool_row saved last.
counter() {
	field "$2" < "$TMP/node$1"
}

# node_free NODE: the free memory of NODE in kB, per-CPU lists included
# (/proc/zoneinfo; a fill drains those lists, which MemFree leaves out).
node_free() {
	awk -v node="$1," '
	$1 == "Node" { on = $2 == node }
	on && $1 == "pages" && $2 == "free" { kb += $3 * 4 }
	on && $1 == "count:" { kb += $2 * 4 }
	END { print kb + 0 }' /proc/zoneinfo
}

# Save node 0's counters as they are now (in $TMP/node0.before).
node0_save() {
	pool_row 0 && cp "$TMP/node0" "$TMP/node0.before"
}

# Is node 0's pool as node0_save left it (target, free, in use, grown)?
node0_same() {
	pool_row 0 || return 1
	for key in target free in_use grown shrunk; do
		[ "$(counter 0 "$key")" = "$(field "$key" < "$TMP/node0.before")" ] ||
			return 1
	done
}

t_two_pools() {
	if pool_row 0 && pool_row 1 && [ -s "$TMP/node0" ] &&
		[ -s "$TMP/node1" ]; then
		ok "stats: a 2 MiB pool on node 0 and on node 1"
	else
		"$ACLMEMCTL" --json stats | sed 's/^/# /'
		not_ok "stats: a 2 MiB pool on node 0 and on node 1"
	fi
}

t_raise_node_1() {
	node0_save
	pool_row 1
	TARGET1=$(counter 1 target)
	free1=$(counter 1 free)
	grown1=$(counter 1 grown)
	mem1=$(node_free 1)
	run "$ACLMEMCTL" pool set 2m=$((TARGET1 + EXTRA)) --node 1
	pool_row 1
	drop=$((mem1 - $(node_free 1)))
	echo "# node 1: target $TARGET1 -> $(counter 1 target)," \
		"free $free1 -> $(counter 1 free), grown $grown1 ->" \
		"$(counter 1 grown), free memory down $drop kB"
	if [ $RC -eq 0 ] &&
		[ "$(counter 1 target)" -eq $((TARGET1 + EXTRA)) ] &&
		[ "$(counter 1 free)" -eq $((free1 + EXTRA)) ] &&
		[ "$(counter 1 grown)" -eq $((grown1 + EXTRA)) ] &&
		[ "$drop" -ge $((EXTRA * 2048 - SLACK)) ] && node0_same; then
		ok "pool set --node 1: node 1 grows by $EXTRA pages, node 0 does not move"
	else
		not_ok "pool set --node 1: node 1 grows by $EXTRA pages, node 0 does not move"
	fi
}

t_lower_node_1() {
	node0_save
	pool_row 1
	free1=$(counter 1 free)
	shrunk1=$(counter 1 shrunk)
	mem1=$(node_free 1)
	run "$ACLMEMCTL" pool set 2m="$TARGET1" --node 1
	pool_row 1
	back=$(($(node_free 1) - mem1))
	echo "# node 1: free $free1 -> $(counter 1 free), shrunk $shrunk1 ->" \
		"$(counter 1 shrunk), free memory up $back kB"
	if [ $RC -eq 0 ] && [ "$(counter 1 target)" -eq "$TARGET1" ] &&
		[ "$(counter 1 free)" -eq $((free1 - EXTRA)) ] &&
		[ "$(counter 1 shrunk)" -eq $((shrunk1 + EXTRA)) ] &&
		[ "$back" -ge $((EXTRA * 2048 - SLACK)) ] && node0_same; then
		ok "pool set --node 1 back: node 1 gives its $EXTRA pages back"
	else
		not_ok "pool set --node 1 back: node 1 gives its $EXTRA pages back"
	fi
}

main() {
	n=0
	for t in $TESTS; do
		n=$((n + 1))
	done
	echo "TAP version 13"
	echo "1..$n"
	if ! command -v "$ACLMEMCTL" > /dev/null; then
		echo "Bail out! $ACLMEMCTL not found"
		exit 1
	fi
	for t in $TESTS; do
		$t
	done
	echo "# $((NR - FAILED)) passed, $FAILED failed"
	[ $FAILED -eq 0 ]
}

main
