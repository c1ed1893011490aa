#!/usr/bin/env bash
# Coverage-guided fuzzing of chapter 6's reference parser and read loop
# (fuzz/, libFuzzer through cargo-fuzz), for a time budget:
#
#   .ci/fuzz.sh SECONDS      # each target runs SECONDS seconds (default 60)
#
# Only the stable toolchain exists here; cargo-fuzz needs nightly flags
# (`-Zsanitizer`), which RUSTC_BOOTSTRAP=1 unlocks on stable. Prints, per
# target, the executions and the crashes; exits non-zero on any crash,
# leaving the input that crashed in fuzz/artifacts/TARGET/ (turn it into
# a regression test in solutions/06-framing/tests/robust.rs).
#
# The corpus grows in fuzz/corpus/TARGET/ (not committed), from the seeds
# in fuzz/seeds/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --version 0.13.2
# -O: optimised, with debug assertions (cargo-fuzz's default) and
# AddressSanitizer.
cargo fuzz build -O

failed=0
for target in frame read_frame; do
    mkdir -p "corpus/$target" "artifacts/$target"
    before=$(find "artifacts/$target" -type f | wc -l)
    log=$(mktemp)
    set +e
    # -rss_limit_mb: an input that makes the parser allocate without
    # bound is a crash too. -max_len: frames of a few KiB reach every path.
    cargo fuzz run -O "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=1024 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    corpus=$(find "corpus/$target" -type f | wc -l)
    after=$(find "artifacts/$target" -type f | wc -l)
    crashes=$((after - before))
    echo "fuzz $target: ${seconds}s, ${runs:-?} executions (${speed:-?}/s), ${cov:-cov: ?}, corpus $corpus inputs, $crashes new crashes (exit $rc)"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed=1
        tail -40 "$log"
        find "artifacts/$target" -type f -newer "$log" -print
    fi
    rm -f "$log"
done
exit "$failed"
