#!/usr/bin/env bash
# A/B comparison of two checkouts of the SDK on one harness:
#   bench/ab.sh REV_A [REV_B] [ROUNDS]
# REV_A, REV_B: git revisions; REV_B defaults to "." (the working tree as it
# is). ROUNDS defaults to 5.
#
# Both sides are built from this checkout's harness (the files in HARNESS
# below, which use only the SDK's exported API), each with its go.mod's
# replace pointing at its own checkout, so the two binaries differ only in
# the SDK. The rounds alternate A B, then B A, so that drift on a shared
# machine falls on both sides alike. Each round runs BenchmarkAB once per
# side; the table gives, per figure, the median over rounds with min-max, and
# for the SDK's CPU per call the median of the per-round ratios B/A.
# Raw output goes to bench/results/ab-*.txt (not committed).
set -euo pipefail
cd "$(dirname "$0")"
bench=$(pwd)
root=$(git rev-parse --show-toplevel)
a=${1:?usage: bench/ab.sh REV_A [REV_B] [ROUNDS]}
b=${2:-.}
rounds=${3:-5}
HARNESS="go.mod go.sum ab_test.go bench_test.go clients_test.go server_test.go"

tmp=$(mktemp -d)
cleanup() {
	for side in A B; do
		if [ -d "$tmp/src-$side" ]; then git -C "$root" worktree remove --force "$tmp/src-$side" || true; fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# build SIDE REV: a test binary of the harness against REV's SDK.
build() {
	local side=$1 rev=$2 src
	if [ "$rev" = "." ]; then
		src=$root
	else
		src=$tmp/src-$side
		git -C "$root" worktree add --detach -q "$src" "$rev"
	fi
	mkdir -p "$tmp/bench-$side"
	for f in $HARNESS; do cp "$bench/$f" "$tmp/bench-$side/"; done
	(
		cd "$tmp/bench-$side"
		go mod edit -replace "github.com/oktasessions/okta-session-go=$src"
		GOFLAGS=-mod=mod go test -c -o "$tmp/$side.test" . >/dev/null
	)
	echo "$side = $rev ($(git -C "$src" rev-parse --short HEAD)$( [ "$rev" = "." ] && ! git -C "$src" diff --quiet HEAD && echo ', with changes'))"
}

mkdir -p results
out=results/ab-$(date +%Y%m%d-%H%M%S).txt
{
	build A "$a"
	build B "$b"
	echo "rounds = $rounds"
	{ uname -srm; grep -m1 'model name' /proc/cpuinfo || true; nproc; go version; } | sed 's/^/# /'
} | tee "$out"

for ((r = 1; r <= rounds; r++)); do
	order="A B"
	if ((r % 2 == 0)); then order="B A"; fi
	for side in $order; do
		"$tmp/$side.test" -test.run '^$' -test.bench '^BenchmarkAB$' -test.benchtime 20x |
			awk -v side="$side" -v round="$r" '/^BenchmarkAB\// {
				name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkAB\//, "", name)
				for (i = 3; i < NF; i += 2) print "round", round, side, name, $(i + 1), $i
			}'
	done
done | tee -a "$out" >"$tmp/rows"

# summary: median (min-max) over the rounds of each figure per side, and of
# the per-round ratio B/A of the SDK's CPU per call.
awk '
function sortlist(list, v,   n, i, j, t) {
	n = split(list, v, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n
}
function num(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3f", x) }
function median(list,   n, v, i, j, t) {
	n = split(list, v, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
	lo = v[1]; hi = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{
	key = $4 "|" $5; val[$3, key] = val[$3, key] " " $6; byround[$2, $3, key] = $6
	if (!(key in seen)) { seen[key] = 1; keylist = keylist " " key }
	if (!($2 in roundseen)) { roundseen[$2] = 1; rounds = rounds " " $2 }
}
END {
	nk = sortlist(keylist, ks)
	printf "\n%-44s | %-28s | %-28s\n", "figure: median of rounds (min-max)", "A", "B"
	for (i = 1; i <= nk; i++) {
		k = ks[i]; label = k; sub(/\|/, " ", label)
		ma = median(val["A", k]); la = lo; ha = hi
		mb = median(val["B", k]); lb = lo; hb = hi
		printf "%-44s | %-28s | %-28s\n", label, num(ma) " (" num(la) "-" num(ha) ")", num(mb) " (" num(lb) "-" num(hb) ")"
	}
	print ""
	for (i = 1; i <= nk; i++) {
		k = ks[i]
		if (k !~ /sdk-cpu-ns\/call/) continue
		list = ""; nr = split(rounds, rs, " ")
		for (j = 1; j <= nr; j++) list = list " " byround[rs[j], "B", k] / byround[rs[j], "A", k]
		label = k; sub(/\|/, " ", label)
		m = median(list)
		printf "ratio B/A of %-31s: median %.3f (%.3f-%.3f)\n", label, m, lo, hi
	}
}' "$tmp/rows" | tee -a "$out"
echo "raw rows and summary: bench/$out"
