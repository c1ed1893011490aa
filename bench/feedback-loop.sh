#!/usr/bin/env bash
# The learner's feedback loop: from saving a one-line change in a chapter to
# seeing the grader's result, with `cargo test -p chapter-N` and with
# `cargo workbook watch`. Median of 5 runs each, warm build. Also splits the
# loop into compile+link and running the checks, to show what dominates.
#
# usage: bench/feedback-loop.sh [CHAPTER]   (default 1)
# Works on a scratch copy of the workspace; your chapters are not touched.
set -euo pipefail
chapter=${1:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT
tar -C "$root" --exclude=./target --exclude=./.git --exclude=./.workbook -cf - . | tar -xf - -C "$scratch"
export CARGO_TARGET_DIR="$root/target/bench"
cd "$scratch"
cargo workbook dev gen >/dev/null
slug=$(basename chapters/0"$chapter"-*)
file=$(ls chapters/"$slug"/src/*.rs | grep -v lib.rs | head -1)
package="chapter-$chapter"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

echo "warming up ($package)…"
cargo test -q -p "$package" >/dev/null 2>&1 || true

echo "cargo test -p $package after a one-line edit (5 runs):"
for i in 1 2 3 4 5; do
    echo "// edit $i" >> "$file"
    t0=$(now); cargo test -q -p "$package" >/dev/null 2>&1 || true; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
done | tee /tmp/bench-test.txt
echo "  median: $(median < /tmp/bench-test.txt) s"

echo "of which compile + link (cargo build --tests), 5 runs:"
for i in 1 2 3 4 5; do
    echo "// build $i" >> "$file"
    t0=$(now); cargo build -q -p "$package" --tests >/dev/null 2>&1 || true; t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
done | tee /tmp/bench-build.txt
echo "  median: $(median < /tmp/bench-build.txt) s"

echo "cargo workbook watch $chapter, from save to result (5 runs):"
out="$scratch/watch.out"
# Standard input stays open (a sleeping writer), as in a terminal.
sleep 3600 | cargo workbook watch "$chapter" >"$out" 2>/dev/null &
until grep -q "q then Enter quits" "$out" 2>/dev/null; do sleep 0.05; done
for i in 1 2 3 4 5; do
    before=$(grep -c "q then Enter quits" "$out")
    echo "// watch $i" >> "$file"
    t0=$(now)
    until [ "$(grep -c "q then Enter quits" "$out")" -gt "$before" ]; do sleep 0.01; done
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
    sleep 0.5
done | tee /tmp/bench-watch.txt
echo "  median: $(median < /tmp/bench-watch.txt) s (includes the 200 ms wait for an editor's burst of writes to end)"
