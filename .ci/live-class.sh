#!/usr/bin/env bash
# The live classroom, end to end, over loopback (issue #18).
#
# Starts `workbook class DIR --serve` and checks, in this order:
#  1. a learner's own workspace (a scratch copy) joins with `workbook join`
#     and `workbook submit` sends its report; a wrong token is refused and
#     recorded for `doctor`; then a plain `cargo test -p chapter-1` there
#     (compiled for real) leaves its results in the workspace, and the next
#     `workbook grade` sends them, in a report dated when that run ended;
#  2. 30 simulated learners submit reports for a bounded time: every
#     accepted report is a file in the folder, none refused;
#  3. the page in headless Chromium shows every learner and updates by
#     itself after a new submission; the time from submit to the page is
#     measured;
#  4. every kind of bad input gets its 4xx, nothing is written for it, and
#     the server keeps serving (slow and idle connections are cut);
#  5. the server killed (SIGKILL) and started again shows the same room,
#     with the same token.
# Prints the figures: submissions per second held, submit-to-page latency,
# the server's memory. LIVE_CLASS_SECONDS (default 8) bounds the load.
# The learner's copy compiles chapter 1 in LIVE_CLASS_TARGET (default
# target/e2e, which `.ci/run`'s end-to-end tests have built just before).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update && apt-get install -y chromium
fi
cargo build -q -p workbook
workbook="${CARGO_TARGET_DIR:-$root/target}/debug/workbook"

scratch=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
reports="$scratch/reports"
mkdir -p "$reports"

start_server() {
    local log=$1
    shift
    "$workbook" class "$reports" --serve "$@" >"$log" 2>&1 &
    server=$!
    url=
    for _ in $(seq 100); do
        url=$(sed -n 's#.*Serving the class view on \(http://127\.0\.0\.1:[0-9]*/\).*#\1#p' "$log")
        [ -n "$url" ] && break
        sleep 0.1
    done
    [ -n "$url" ] || { echo "class --serve did not start:" >&2; cat "$log" >&2; exit 1; }
    token=$(sed -n 's/^Class token: \(.*\)$/\1/p' "$log")
    [ -n "$token" ] || { echo "class --serve printed no token:" >&2; cat "$log" >&2; exit 1; }
}

start_server "$scratch/serve1.log"
echo "class --serve: $url (token printed, $(wc -c <<<"$token") bytes)"
grep -q "cargo workbook join $url $token --name" "$scratch/serve1.log" ||
    { echo "class --serve did not print the learners' join command" >&2; exit 1; }
[ "$(stat -c %a "$reports/.class-token")" = 600 ] ||
    { echo "the class token is not kept private (DIR/.class-token)" >&2; exit 1; }

# 1. A learner's workspace: join, submit, and a wrong token.
learner="$scratch/learner"
mkdir -p "$learner"
# -m: the copy's files are newer than any build of another copy in the
# shared target folder, so cargo never takes that build for this one's.
tar --exclude=./target --exclude=./.git --exclude=./.workbook -cf - . | tar -xmf - -C "$learner"
mkdir -p "$learner/.workbook/results"
# Results as `cargo test -p chapter-1` leaves them with WORKBOOK_RESULTS
# pointing into the workspace (the grader's results format).
python3 - "$learner/.workbook/results/chapter-1.json" <<'PY'
import json, sys
json.dump({"format": "tokio-workbook-results/1", "chapter": 1, "title": "Hello Tokio",
           "package": "chapter-1",
           "exercises": [{"id": "hello-redis", "number": "1.1", "title": "Say hello to Redis",
                          "status": "done", "passed": 2, "ran": 2}],
           "checks": []}, open(sys.argv[1], "w"))
PY
(
    cd "$learner"
    out=$("$workbook" join "$url" "$token" --name "ada lovelace")
    echo "$out"
    grep -q "answered: report kept" <<<"$out" || { echo "join did not deliver the report" >&2; exit 1; }
    [ -f .workbook/class.json ] || { echo "join kept nothing in the workspace" >&2; exit 1; }
    "$workbook" join "$url" "wrong-token-123" --name "ada lovelace" | grep -q "Not reached yet (.*401" ||
        { echo "a wrong token was not reported as refused" >&2; exit 1; }
    if "$workbook" submit 2>/dev/null; then echo "submit with a wrong token succeeded" >&2; exit 1; fi
    grep -q '"error"' .workbook/class-status.json ||
        { echo "the failed sending was not recorded" >&2; exit 1; }
    "$workbook" join "$url" "$token" --name "ada lovelace" >/dev/null
    "$workbook" submit --background &&
        grep -q '"sent_at"' .workbook/class-status.json ||
        { echo "the background submit did not deliver" >&2; exit 1; }
)
echo "learner workspace: join, submit, wrong token refused and recorded: ok"

# 1b. The real path: a plain `cargo test -p chapter-1` (no WORKBOOK_RESULTS)
# leaves its results in the workspace; the next `grade` sends them first,
# in a report of their own dated when the test run wrote them.
(
    cd "$learner"
    export CARGO_TARGET_DIR="${LIVE_CLASS_TARGET:-$root/target/e2e}"
    left=.workbook/results/chapter-1.json
    rm -f "$left"
    if env -u WORKBOOK_RESULTS cargo test -q -p chapter-1 --test grade >"$scratch/plain.log" 2>&1; then
        echo "the pristine chapter 1 passed a plain cargo test" >&2; exit 1
    fi
    grep -q "not yet implemented" "$scratch/plain.log" ||
        { echo "the plain cargo test did not run the checks:" >&2; tail -20 "$scratch/plain.log" >&2; exit 1; }
    [ -f "$left" ] || { echo "a plain cargo test left no results in $left" >&2; exit 1; }
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["package"]=="chapter-1" and r["exercises"], r' "$left"
    ! ls .workbook/results/.*.tmp >/dev/null 2>&1 || { echo "a temporary results file was left" >&2; exit 1; }
    at=$(date -u -d "@$(stat -c %Y "$left")" +%Y-%m-%dT%H:%M:%SZ)
    # grade's own report is dated later: a second apart, the two are told apart.
    sleep 1.1
    "$workbook" grade 1 >"$scratch/grade.log" 2>&1 || true
    grep -q "chapter-1" "$scratch/grade.log" ||
        { echo "grade did not grade chapter 1:" >&2; cat "$scratch/grade.log" >&2; exit 1; }
    python3 - "$reports/.class-history" "$at" <<'PY' || exit 1
import json, os, sys, time
history, at = sys.argv[1:3]
def dated():
    found = []
    for d, _, files in os.walk(history):
        for f in files:
            if f.endswith(".json"):
                try:
                    r = json.load(open(os.path.join(d, f)))
                except (OSError, ValueError):
                    continue
                if r.get("learner") == "ada lovelace":
                    found.append(r.get("graded_at"))
    return found
deadline = time.time() + 20
while at not in dated() and time.time() < deadline:
    time.sleep(0.2)
if at not in dated():
    raise SystemExit(f"the plain cargo test's results (graded at {at}) did not reach the instructor: {sorted(dated())}")
later = [d for d in dated() if d and d > at]
while not later and time.time() < deadline:
    time.sleep(0.2)
    later = [d for d in dated() if d and d > at]
if not later:
    raise SystemExit(f"grade's own report did not follow: {sorted(dated())}")
print(f"ok: a plain cargo test's results, graded at {at}, reached the instructor with the next grade, then grade's own")
PY
    [ ! -e .workbook/outbox.json ] || { echo "the pending report was not cleared" >&2; exit 1; }
)

# 2–4 over HTTP, 3 in Chromium.
chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync)
WORKBOOK="$workbook" python3 - "$url" "$token" "$reports" "$scratch" "$server" "${LIVE_CLASS_SECONDS:-8}" \
    "${chromium_flags[@]}" <<'PY'
import json, os, re, socket, subprocess, sys, threading, time, tomllib, urllib.request, urllib.error

url, token, reports, scratch, pid, seconds = sys.argv[1:7]
seconds = float(seconds)
flags = sys.argv[7:]
manifest = tomllib.load(open("exercises.toml", "rb"))
EXERCISES = [(e["number"], e["id"], e["title"]) for e in manifest["exercise"]]
grader_hash = subprocess.run([os.environ.get("WORKBOOK", "target/debug/workbook"), "report",
                              "--grader-hash"], capture_output=True, text=True).stdout.strip()

def check(ok, what, got=None):
    if not ok:
        raise SystemExit(f"FAIL: {what}\n{got if got is not None else ''}")
    print(f"ok: {what}")

def report(learner, n, done=1, grader=None, **extra):
    tests = []
    for i, (number, ex_id, title) in enumerate(EXERCISES):
        ok = i < done
        tests.append({"name": f"{number} {title}", "status": "pass" if ok else "fail",
                      "score": int(ok), "max_score": 1,
                      "message": None if ok else "first failing check: x",
                      "exercise": ex_id, "check": "" if ok else "x", "mistake": None,
                      "mistakes": [], "passed": 0, "ran": 1, "duration_ms": n,
                      "state": "done" if ok else "failing"})
    body = {"version": 1, "status": "fail", "max_score": len(tests), "score": done,
            "learner": learner, "grader_hash": grader or grader_hash,
            "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "tests": tests}
    body.update(extra)
    return json.dumps(body).encode()

def post(body, auth=f"Bearer {token}", timeout=10):
    req = urllib.request.Request(url + "submit", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    if auth is not None:
        req.add_header("Authorization", auth)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def get(path):
    with urllib.request.urlopen(url + path, timeout=10) as r:
        return r.read().decode()

def kept():
    n = 0
    for d, _, files in os.walk(os.path.join(reports, ".class-history")):
        n += sum(1 for f in files if f.endswith(".json"))
    return n

def rss():
    status = open(f"/proc/{pid}/status").read()
    field = lambda k: int(re.search(rf"{k}:\s+(\d+) kB", status).group(1)) / 1024
    return field("VmRSS"), field("VmHWM")

# 2. Thirty learners, each submitting as fast as the rate limit allows
# (4 a second) for a bounded time.
LEARNERS = [f"learner-{i:02}" for i in range(30)]
before = kept()
accepted, refused, latencies = {}, [], []
lock = threading.Lock()
def learner(name, index):
    n, mine = 0, 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        n += 1
        t0 = time.time()
        status, text = post(report(name, n, done=1 + (n + index) % len(EXERCISES)))
        with lock:
            latencies.append(time.time() - t0)
            if status == 201:
                mine += 1
            else:
                refused.append((name, status, text))
        time.sleep(max(0, 0.25 - (time.time() - t0)))
    with lock:
        accepted[name] = mine
t0 = time.time()
threads = [threading.Thread(target=learner, args=(n, i)) for i, n in enumerate(LEARNERS)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.time() - t0
total = sum(accepted.values())
check(not refused, f"30 learners, {total} reports in {elapsed:.1f} s, none refused", refused[:5])
check(kept() - before == total, f"every accepted report is a file ({kept() - before} of {total})")
latencies.sort()
figures = {"learners": 30, "reports": total, "seconds": round(elapsed, 1),
           "submissions_per_s": round(total / elapsed, 1),
           "submit_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
           "submit_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1)}
figures["rss_mib"], figures["peak_rss_mib"] = (round(x, 1) for x in rss())

# 3. The page in headless Chromium, left open (DevTools over a pipe).
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
def child_fds():
    read_end, write_end = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(read_end, 3)
    os.dup2(write_end, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)
chrome = subprocess.Popen(
    ["chromium", *flags, f"--user-data-dir={scratch}/profile", "--remote-debugging-pipe",
     "about:blank"], preexec_fn=child_fds, close_fds=False,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
import atexit
atexit.register(lambda: (chrome.kill(), chrome.wait()))
buffer, next_id, events = b"", 0, []
def read_message():
    global buffer
    while b"\0" not in buffer:
        chunk = os.read(from_chrome_r, 1 << 16)
        if not chunk:
            raise SystemExit("chromium closed the DevTools pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)
def call(method, session=None, **params):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params}
    if session:
        message["sessionId"] = session
    os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
    while True:
        reply = read_message()
        if reply.get("id") == next_id:
            if "error" in reply:
                raise SystemExit(f"{method}: {reply['error']}")
            return reply.get("result", {})
        events.append(reply)
def wait_event(name, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for e in events:
            if e.get("method") == name:
                events.remove(e)
                return e
        events.append(read_message())
    raise SystemExit(f"no {name} within {timeout} s")
target = call("Target.createTarget", url="about:blank")["targetId"]
session = call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
call("Page.enable", session)
call("Page.navigate", session, url=url)
wait_event("Page.loadEventFired")
SUMMARY = r"""(() => ({
  status: document.getElementById('status').className,
  learners: [...document.querySelectorAll('#grid tbody tr')].map(r => r.dataset.learner),
  timeline: [...document.querySelectorAll('#timeline li')].map(l => l.dataset.learner),
  updates: Number(document.body.dataset.updates),
}))()"""
def summary():
    return call("Runtime.evaluate", session, expression=SUMMARY, returnByValue=True)["result"]["value"]
def wait_for(condition, timeout=10):
    deadline = time.time() + timeout
    while True:
        s = summary()
        if condition(s) or time.time() > deadline:
            return s
        time.sleep(0.05)
s = wait_for(lambda s: s["status"] == "live" and all(l in s["learners"] for l in LEARNERS))
check(all(l in s["learners"] for l in LEARNERS), "the page shows all 30 learners", s)
check(all(l in s["timeline"] for l in LEARNERS), "each learner has a timeline", s)
page_ms = []
for i in range(5):
    name = f"newcomer-{i}"
    t0 = time.time()
    status, _ = post(report(name, 1))
    check(status == 201, f"{name} submitted")
    s = wait_for(lambda s: name in s["learners"], timeout=5)
    page_ms.append((time.time() - t0) * 1000)
    check(name in s["learners"], f"the open page showed {name} {page_ms[-1]:.0f} ms after submitting", s)
check(max(page_ms) < 2000, "submit to page within 2 s, every time", page_ms)
figures["submit_to_page_ms"] = {"min": round(min(page_ms)), "max": round(max(page_ms))}

# 4. Bad input and bad actors: each its 4xx, nothing written, still serving.
def refused_with(what, want, body, auth=f"Bearer {token}"):
    n = kept()
    status, text = post(body, auth)
    check(status == want and kept() == n and get("version").strip() != "",
          f"{what}: {want}, nothing written, still serving ({text.strip()[:70]})", (status, text))
refused_with("no token", 401, report("mallory", 1), auth=None)
refused_with("wrong token", 401, report("mallory", 1), auth="Bearer " + "0" * len(token))
refused_with("token as a prefix", 401, report("mallory", 1), auth=f"Bearer {token[:-1]}")
refused_with("a body over 256 KiB", 413, report("mallory", 1, message="x" * (300 * 1024)))
refused_with("malformed JSON", 400, b'{"version": 1, "tests": [')
refused_with("an unknown field", 422, report("mallory", 1, admin=True))
refused_with("an unknown exercise", 422, report("mallory", 1).replace(b'"hello-redis"', b'"rm-rf"'))
refused_with("a name with a path separator", 422, report("../../etc/passwd", 1))
refused_with("a name with a backslash", 422, report("..\\evil", 1))
refused_with("a name with a control character", 422, report("eve\u0007\n", 1))
refused_with("a name of dots", 422, report("..", 1))
codes = [post(report("hasty", n))[0] for n in range(1, 16)]
check(codes[:10] == [201] * 10 and 429 in codes and set(codes) <= {201, 429},
      "a learner sending 15 reports at once: the first 10 taken, then 429", codes)
check(post(report("patient", 1))[0] == 201, "another learner is still served meanwhile")
# Slow and idle connections are cut; others are served meanwhile.
idle = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))
slow = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))
slow.sendall(b"POST /submit HTTP/1.1\r\nHost: x\r\n")
t0 = time.time()
check(get("version").strip() != "", "served while two connections hang")
for s_, what in ((idle, "an idle connection"), (slow, "a slow request head")):
    s_.settimeout(15)
    try:
        data = s_.recv(1024)
    except (ConnectionResetError, socket.timeout):
        data = b""
    check(time.time() - t0 < 12, f"{what} is closed by the server ({time.time() - t0:.1f} s)", data)
# A slow body (head sent, body trickled) hits the request timeout.
body = report("sloth", 1)
t0 = time.time()
s_ = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))
s_.sendall(f"POST /submit HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
           f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
s_.settimeout(20)
answer = s_.recv(1024)
check(answer.startswith(b"HTTP/1.1 408") and time.time() - t0 < 15,
      f"a trickled body gets 408 ({time.time() - t0:.1f} s)", answer)
# Shown as text: a learner named <script>; flagged: another grader.
check(post(report("<script>", 1))[0] == 201, "a learner named <script> is taken")
check(post(report("<img src=x onerror=alert(1)>", 1))[0] == 201, "a learner named <img …> is taken")
check(post(report("grace", 1, grader="f" * 64))[0] == 201, "a report from another grader is taken")
time.sleep(1.5)
page = get("")
check('<th scope="row">&lt;script&gt;</th>' in page and '<th scope="row"><script>' not in page
      and "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page,
      "the names show as text, escaped", page[:200])
check(re.search(r'data-learner="grace"[^>]*>.*?DIFFERENT', page) is not None
      and 'class="learner flag" data-learner="grace"' in page,
      "the other grader's report is shown, flagged DIFFERENT")
figures["rss_after_mib"], figures["peak_rss_mib"] = (round(x, 1) for x in rss())
import html
room = sorted(set(html.unescape(l) for l in
                  re.findall(r'<tr class="learner[^"]*" data-learner="([^"]*)"', page)))
check(len(room) >= 30 + 5 + 4, f"the room: {len(room)} learners", room)
json.dump({"figures": figures, "learners": room,
           "reports": re.search(r"(\d+) reports?", page).group(1)},
          open(f"{scratch}/before.json", "w"))
print("figures: " + json.dumps(figures))
PY

# 5. Killed (no goodbye) and started again: the same room, the same token.
before_page=$(curl -s "$url")
kill -KILL "$server"
wait "$server" 2>/dev/null || true
server=
old_token=$token
start_server "$scratch/serve2.log"
[ "$token" = "$old_token" ] || { echo "the restarted server has another token" >&2; exit 1; }
python3 - "$url" "$scratch/before.json" <<'PY'
import json, re, sys, urllib.request
url, before = sys.argv[1], json.load(open(sys.argv[2]))
page = urllib.request.urlopen(url, timeout=10).read().decode()
import html
learners = sorted(set(html.unescape(l) for l in re.findall(r'<tr class="learner[^"]*" data-learner="([^"]*)"', page)))
want = sorted(set(before["learners"]))
assert learners == want, f"after a restart: {len(learners)} learners, not {len(want)}"
reports = re.search(r"(\d+) reports?", page).group(1)
assert reports == before["reports"], f"after a restart: {reports} reports, not {before['reports']}"
print(f"ok: killed and restarted, the same room: {len(learners)} learners, {reports} reports")
PY
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @<(python3 -c 'import json; print(json.dumps({"version":1,"status":"fail","max_score":0,"score":0,"learner":"after-restart","tests":[]}))') \
    "${url}submit" >/dev/null || { echo "the restarted server does not take reports" >&2; exit 1; }
echo "ok: the restarted server takes reports with the same token"
grep -q 'data-learner="learner-29"' "$reports/class.html" ||
    { echo "the static class.html does not show the room" >&2; exit 1; }
echo "live class: ok"
