#!/usr/bin/env bash
# Verdict stability: every gallery entry, every harness case and every
# solution check gets the same verdict N times in a row (the chapter
# checklist's "no flaky verdicts"), on an idle machine or beside spinning
# threads.
#
#   bench/verdicts.sh [ROUNDS] [--load] [--chapter N]   # default: 20 rounds, idle, all
#
# --chapter N keeps to one chapter: its gallery entries (`chapterN::`) and
# solution-N's checks, for a chapter's own 20 rounds in minutes.
#
# --load runs 2 x cores spinning threads for the whole run, standing in for
# a learner's editor, browser and compiler. Prints, for every trial that did
# not come out the same every time, how often it passed; exits non-zero if
# there is any. The gallery's own trials pass when the check rejected the
# entry with the right mistake, so "always passes" means "always rejected
# for the right reason"; a solution's check passes when the solution passes.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=20
load=0
chapter=
usage() { echo "usage: bench/verdicts.sh [ROUNDS] [--load] [--chapter N]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --load) load=1 ;;
        --chapter) [ $# -ge 2 ] || usage; chapter=$2; shift ;;
        *[!0-9]*) usage ;;
        *) rounds=$1 ;;
    esac
    shift
done
solutions="1 2 3 4"
gallery_filter=()
if [ -n "$chapter" ]; then
    solutions=$chapter
    gallery_filter=("chapter$chapter::")
fi
export INSTA_UPDATE=no CARGO_TERM_COLOR=never
cargo build -q -p grader --tests
cargo test -q --no-run -p solution-1 -p solution-2 -p solution-3 -p solution-4 2>/dev/null

spinners=()
stop_load() { for p in "${spinners[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT
if [ "$load" = 1 ]; then
    cores=$(nproc)
    for _ in $(seq 1 $((2 * cores))); do
        timeout 7200 sh -c 'while :; do :; done' &
        spinners+=("$!")
    done
    echo "load: $((2 * cores)) spinning threads on $cores cores"
fi

log=$(mktemp)
started=$(date +%s)
for round in $(seq 1 "$rounds"); do
    cargo test -q -p grader --test gallery -- --test-threads 4 "${gallery_filter[@]}" 2>&1 |
        sed -n 's/^test \(.*[^ ]\) *\.\.\. \(ok\|FAILED\)$/gallery \1 \2/p' >>"$log" || true
    for n in $solutions; do
        cargo test -q -p "solution-$n" --test grade 2>&1 |
            sed -n "s/^test \\(.*[^ ]\\) *\\.\\.\\. \\(ok\\|FAILED\\)\$/solution-$n \\1 \\2/p" >>"$log" || true
    done
    printf 'round %d of %d done (%d s)\n' "$round" "$rounds" $(( $(date +%s) - started ))
done

trials=$(awk '{print $1, $2}' "$log" | sort -u | wc -l)
unstable=$(awk '{k=$1" "$2; n[k]++; if ($3=="ok") ok[k]++} END {for (k in n) if (ok[k]+0 != '"$rounds"') printf "%s: passed %d of %d\n", k, ok[k]+0, n[k]}' "$log" | sort)
echo "$trials trials, $rounds rounds$( [ "$load" = 1 ] && echo ', loaded')$( [ -n "$chapter" ] && echo ", chapter $chapter"): $(date -u +%FT%TZ)"
if [ -n "$unstable" ]; then
    echo "not the same verdict every time:"
    echo "$unstable"
    exit 1
fi
echo "every trial passed in every round"
