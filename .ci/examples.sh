#!/usr/bin/env bash
# Every chapter's server example, run as the book runs it, poked with the
# workspace's client (`cargo workbook cli`).
#
#   bash .ci/examples.sh [SCRATCH]
#
# SCRATCH is a copy of the workspace whose chapters hold the solutions
# (`.ci/run` passes the one it made); without it, this script makes its own.
# For each chapter whose `examples/server.rs` takes `--exercise`, and each
# server exercise its `--help` lists, the example must
#   - on the committed stub (when chapters/ is as committed), stop at once
#     with "exercise N.M is not written yet" rather than a panic report;
#   - on the solution, print its port, answer the client as the book says
#     (the expectations are below, one case per exercise), and stop with
#     exit code 0 on Ctrl-C (SIGINT).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export CARGO_TERM_COLOR=never
scratch_target="$root/target/scratch"

scratch=${1:-}
own_scratch=
if [ -z "$scratch" ]; then
    scratch=$(mktemp -d)
    own_scratch=yes
    tar --exclude=./target --exclude=./.git -cf - . | tar -xf - -C "$scratch"
    for chapter in chapters/[0-9][0-9]-*/; do
        slug=$(basename "$chapter")
        cp -r "solutions/$slug/src/." "$scratch/chapters/$slug/src/"
    done
fi

server_pid=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
cleanup() {
    stop_server
    if [ -n "$own_scratch" ]; then rm -rf "$scratch"; fi
}
trap cleanup EXIT

fail() {
    echo "examples: $*" >&2
    [ -n "${log:-}" ] && [ -f "$log" ] && { echo "--- the server's output:" >&2; cat "$log" >&2; }
    exit 1
}

# `cargo workbook cli`, with a deadline: a server that never answers must
# fail this script, not hang it.
cli() {
    local rc=0
    timeout 20 cargo workbook cli "$@" || rc=$?
    [ "$rc" -eq 0 ] || fail "\`cargo workbook cli $*\` failed (exit $rc; 124 is the 20 s deadline)"
}

# expect WHAT GOT WANTED
expect() {
    if [ "$2" != "$3" ]; then
        fail "$1: expected $(printf '%q' "$3"), got $(printf '%q' "$2")"
    fi
    echo "    ok: $1 → $(head -c 60 <<<"$2" | tr '\n' ' ')"
}

# What the client must see from exercise $1's server on port $2.
poke() {
    local ex=$1 port=$2 got
    case "$ex" in
    2.1 | 2.2)
        got=$(cli --port "$port" ping)
        expect "$ex ping" "$got" "(error) ERR this server cannot run commands yet"
        if [ "$ex" = 2.2 ]; then
            # The book's demo: one client connected and silent, a second
            # one still answered.
            cargo workbook cli --port "$port" < <(sleep 5) >/dev/null &
            local idle=$!
            sleep 1
            got=$(cli --port "$port" get hello)
            kill "$idle" 2>/dev/null || true
            expect "$ex second client beside an idle one" "$got" \
                "(error) ERR this server cannot run commands yet"
        fi
        ;;
    2.3)
        # One store per connection: a SET is seen on its own connection only.
        got=$(printf 'set hello world\nget hello\n' | cli --port "$port")
        expect "$ex set, then get on the same connection" "$got" $'OK\n"world"'
        got=$(cli --port "$port" get hello)
        expect "$ex get on another connection" "$got" "(nil)"
        got=$(cli --port "$port" frobnicate)
        expect "$ex unknown command" "$got" "(error) ERR unknown command 'frobnicate'"
        ;;
    3.1 | 3.5)
        got=$(cli --port "$port" set hello world)
        expect "$ex set" "$got" "OK"
        got=$(cli --port "$port" get hello)
        expect "$ex get on another connection" "$got" '"world"'
        got=$(cli --port "$port" set bytes $'a\r\nb')
        expect "$ex set CR LF" "$got" "OK"
        got=$(printf 'get bytes\nget nothing\n' | cli --port "$port")
        expect "$ex get CR LF, then a missing key" "$got" $'"a\\r\\nb"\n(nil)'
        ;;
    6.5)
        got=$(cli --port "$port" ping)
        expect "$ex ping" "$got" "PONG"
        got=$(cli --port "$port" set hello world)
        expect "$ex set" "$got" "OK"
        got=$(printf 'get hello\nget nothing\nfrobnicate a\n' | cli --port "$port")
        expect "$ex get, a missing key, an unknown command" "$got" \
            $'"world"\n(nil)\n(error) ERR unknown command \'frobnicate\', with args beginning with: \'a\' '
        if command -v redis-cli >/dev/null 2>&1; then
            got=$(timeout 20 redis-cli -p "$port" ping)
            expect "$ex redis-cli ping" "$got" "PONG"
        fi
        ;;
    *)
        fail "exercise $ex has a server example but no expectations: add a case to poke() in .ci/examples.sh"
        ;;
    esac
}

# The port from the example's "listening on 127.0.0.1:PORT" line.
wait_for_port() {
    local port=
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
        [ -n "$port" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || fail "the server did not say which port it listens on"
    echo "$port"
}

log=$(mktemp)
checked=0
stubs_pristine=no
git -C "$root" diff --quiet HEAD -- chapters 2>/dev/null && stubs_pristine=yes

for chapter in "$scratch"/chapters/[0-9][0-9]-*/; do
    slug=$(basename "$chapter")
    [ -f "$chapter/examples/server.rs" ] || continue
    grep -q -- '--exercise' "$chapter/examples/server.rs" || continue
    package=$(sed -n 's/^name = "\(chapter-[0-9]*\)"$/\1/p' "$chapter/Cargo.toml")
    echo "  $package: examples/server.rs"

    # The exercises it serves, from its own usage text.
    # Built before they run, so that no deadline below counts compile time.
    (cd "$scratch" && CARGO_TARGET_DIR="$scratch_target" cargo build -q -p "$package" --example server)
    (cd "$scratch" && CARGO_TARGET_DIR="$scratch_target" cargo build -q -p workbook)
    help=$(cd "$scratch" && CARGO_TARGET_DIR="$scratch_target" \
        cargo run -q -p "$package" --example server -- --help 2>&1 || true)
    exercises=$(sed -n 's/^  \([0-9][0-9]*\.[0-9][0-9]*\)  .*/\1/p' <<<"$help")
    [ -n "$exercises" ] || fail "$package: --help lists no exercise:"$'\n'"$help"

    for ex in $exercises; do
        if [ "$stubs_pristine" = yes ]; then
            set +e
            out=$(cd "$root" && cargo run -q -p "$package" --example server -- --exercise "$ex" 2>&1)
            rc=$?
            set -e
            grep -q "^exercise [0-9.]* is not written yet" <<<"$out" ||
                fail "$package $ex on the stub: expected 'exercise … is not written yet' (exit $rc), got:"$'\n'"$out"
            grep -q "panicked at\|RUST_BACKTRACE" <<<"$out" &&
                fail "$package $ex on the stub: Rust's raw panic report leaked through:"$'\n'"$out"
            echo "    ok: $ex on the stub says it is not written yet"
        fi

        (cd "$scratch" && CARGO_TARGET_DIR="$scratch_target" exec cargo run -q -p "$package" \
            --example server -- --exercise "$ex") >"$log" 2>&1 &
        server_pid=$!
        port=$(wait_for_port)
        echo "    --exercise $ex on port $port"
        (cd "$scratch" && CARGO_TARGET_DIR="$scratch_target" poke "$ex" "$port")

        # Ctrl-C stops it, cleanly.
        kill -INT "$server_pid"
        set +e
        wait "$server_pid"
        rc=$?
        set -e
        server_pid=
        [ "$rc" -eq 0 ] || fail "$package $ex: exit $rc after Ctrl-C (SIGINT), expected 0"
        grep -q "^stopped" "$log" || fail "$package $ex: no 'stopped.' after Ctrl-C"
        echo "    ok: Ctrl-C stops it (exit 0)"
        checked=$((checked + 1))
    done
done
[ "$checked" -gt 0 ] || fail "no chapter has a server example that takes --exercise"
echo "examples: $checked server examples answered as expected"
