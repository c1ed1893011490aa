#!/usr/bin/env bash
# The servers side by side under redis-benchmark: the reference server
# (chapter 6's solution), the chapter-6 server as it stands in chapters/,
# stock mini-redis 0.4 and redis-server, all in one run (`cargo workbook
# bench`), with a header to paste into bench/RESULTS.md.
#
#   bench/servers.sh [workbook bench options]   # default: 5 rounds, ~2 s per test
#
# Installs redis-tools and redis-server with apt when they are missing, and
# says so. Release builds; loopback only. Runs for about 3 to 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench/servers.sh: installing ${need[*]} (apt-get) for redis-benchmark and the yardstick" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(redis-benchmark --version 2>/dev/null || echo 'redis-benchmark ?'); $(redis-server --version | cut -d' ' -f1-3)"
echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "- command: bench/servers.sh $*  (cargo workbook bench $*)"
echo
cargo run -q -p workbook -- bench "$@"
