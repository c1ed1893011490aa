#!/usr/bin/env bash
# `workbook server` and `workbook bench`, end to end, bounded: one round of
# short runs (asserting every server answered and the table printed, not
# how fast anything was: speed is bench/servers.sh's business), then the
# reference server started and stopped with Ctrl-C, leaving no process.
# On a pristine checkout the chapter-6 stub must be reported as not done.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-benchmark >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
    apt-get update && apt-get install -y redis-server redis-tools
fi
cargo build -q -p workbook
workbook=target/debug/workbook
out=$(mktemp)
log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT

# 1. The benchmark: one round, about 0.2 s per test. While it runs, the
#    reference server it started must have the one worker thread the table
#    says every Tokio server gets (TOKIO_WORKER_THREADS=1, the default),
#    on the one CPU the table names.
timeout 1200 "$workbook" bench --rounds 1 --seconds 0.2 >"$out" &
bench=$!
threads=
for _ in $(seq 1200); do
    server=$(pgrep -f 'examples/reference-server --port 0' | head -1 || true)
    if [ -n "$server" ]; then
        threads=$(tr '\0' '\n' <"/proc/$server/environ" 2>/dev/null | sed -n 's/^TOKIO_WORKER_THREADS=//p' || true)
        cpus=$(taskset -cp "$server" 2>/dev/null | sed -n 's/.*affinity list: //p' || true)
        [ -n "$threads" ] && break
    fi
    kill -0 "$bench" 2>/dev/null || break
    sleep 0.5
done
wait "$bench"
cat "$out"
[ "$threads" = 1 ] || { echo "servers.sh: the reference ran with TOKIO_WORKER_THREADS='$threads', not 1" >&2; exit 1; }
grep -qF 'The Tokio servers ran with one worker thread' "$out" ||
    { echo "servers.sh: the table does not say how many threads the servers had" >&2; exit 1; }
# On two or more CPUs with taskset, the server is pinned to one CPU (and
# the client to another), and the table says so.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
    case $cpus in
    '' | *[!0-9]*) { echo "servers.sh: the reference was not pinned to one CPU: '$cpus'" >&2; exit 1; } ;;
    esac
    grep -qF "Each server ran on CPU $cpus and redis-benchmark on CPU" "$out" ||
        { echo "servers.sh: the table does not say the server ran on CPU $cpus" >&2; exit 1; }
fi
grep -q '^| server | mode | test |' "$out" || { echo "servers.sh: no table" >&2; exit 1; }
for server in reference mini-redis redis-server; do
    for mode in 'no pipelining' '-P 16'; do
        for test in SET GET; do
            grep -qF "| $server | $mode | $test |" "$out" ||
                { echo "servers.sh: no '$server, $mode, $test' row: that server did not answer" >&2; exit 1; }
        done
    done
done
grep -q '^chapter-6: not measured: not done yet' "$out" ||
    { echo "servers.sh: the chapter-6 stub was not reported as not done" >&2; exit 1; }

# 2. `workbook server`: starts, answers redis-cli, stops on SIGINT with
#    exit 0, and leaves no server behind.
timeout 600 "$workbook" server --impl reference --port 0 >"$log" 2>&1 &
pid=$!
for _ in $(seq 600); do
    grep -q "listening on" "$log" && break
    sleep 0.5
done
addr=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\);.*/\1/p' "$log")
[ -n "$addr" ] || { echo "servers.sh: workbook server did not start:" >&2; cat "$log" >&2; exit 1; }
reply=$(timeout 10 redis-cli -h "${addr%:*}" -p "${addr##*:}" ping)
[ "$reply" = PONG ] || { echo "servers.sh: redis-cli ping got '$reply'" >&2; exit 1; }
child=$(pgrep -P "$pid" || true)
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
cat "$log"
[ "$rc" -eq 0 ] || { echo "servers.sh: workbook server exited with $rc on SIGINT" >&2; exit 1; }
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    echo "servers.sh: the server process $child outlived workbook server" >&2
    exit 1
fi
echo "servers.sh: every server answered; workbook server stopped cleanly"
