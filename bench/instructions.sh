#!/usr/bin/env bash
# How much work each server does per request, counted rather than timed:
# the reference server, mini-redis 0.4 and redis-server, each run under
# valgrind's callgrind while redis-benchmark sends it GETs and SETs, with
# and without 16-command pipelines. Callgrind counts the instructions the
# server runs outside the kernel, so the figures repeat from one run to the
# next however busy the machine is (requests/s do not: see servers.sh).
# What they leave out: the kernel's share (system calls, the loopback),
# and how the server's threads meet the client's on the CPUs.
#
#   bench/instructions.sh [REQUESTS]   # default 200000 per test; ~2 minutes
#
# Installs valgrind, redis-tools and redis-server with apt when they are
# missing, and says so. Release builds; loopback only. The Tokio servers run
# with one worker thread, as in `cargo workbook bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200000}
case $requests in
'' | *[!0-9]*)
    echo "usage: bench/instructions.sh [REQUESTS]" >&2
    exit 2
    ;;
esac
need=()
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench/instructions.sh: installing ${need[*]} (apt-get)" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Where cargo put each example, as it says itself.
built=$(cargo build --release -p solution-6 --example reference-server \
    -p solution-1 --example mini-redis-server --message-format=json-render-diagnostics)
executable() {
    printf '%s\n' "$built" | python3 -c '
import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == sys.argv[1]:
        print(message["executable"])' "$1"
}
reference=$(executable reference-server)
mini_redis=$(executable mini-redis-server)
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Instructions per request of one test against the server now running.
count() { # port test pipeline
    local port=$1 test=$2 pipeline=$3 before after dump
    callgrind_control -z "$server" >/dev/null 2>&1
    timeout 600 redis-benchmark -p "$port" -c 50 -P "$pipeline" -n "$requests" -t "$test" -q >/dev/null 2>&1
    callgrind_control -d "$server" >/dev/null 2>&1
    # The dump is written when the server next runs: wait for the file.
    for _ in $(seq 100); do
        dump=$(ls -t "$work"/out.* 2>/dev/null | head -1 || true)
        [ -n "$dump" ] && [ "$dump" != "${last_dump:-}" ] && break
        sleep 0.1
    done
    last_dump=$dump
    callgrind_annotate "$dump" 2>/dev/null |
        awk -v n="$requests" '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%d", $1 / n }'
}

echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
echo "- $(valgrind --version); $(redis-server --version | cut -d' ' -f1-3)"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "- command: bench/instructions.sh $requests (redis-benchmark -c 50 -n $requests)"
echo
echo "Instructions per request outside the kernel (callgrind):"
echo
echo "| server | no pipelining, SET | no pipelining, GET | -P 16, SET | -P 16, GET |"
echo "|---|---:|---:|---:|---:|"
port=7380
for name in redis-server reference mini-redis; do
    port=$((port + 1))
    rm -f "$work"/out.*
    case $name in
    redis-server) cmd=(redis-server --port "$port" --save '' --appendonly no) ;;
    reference) cmd=("$reference" --port "$port") ;;
    mini-redis) cmd=("$mini_redis" --port "$port") ;;
    esac
    TOKIO_WORKER_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/out.%p" \
        "${cmd[@]}" >"$work/log" 2>&1 &
    server=$!
    for _ in $(seq 300); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.2
    done
    # GET finds a value: the key redis-benchmark uses without -r.
    redis-cli -p "$port" set key:__rand_int__ xxx >/dev/null
    row="| $name"
    for pipeline in 1 16; do
        for test in set get; do
            row="$row | $(count "$port" "$test" "$pipeline")"
        done
    done
    echo "$row |"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=
done
