#!/usr/bin/env bash
# The class page in a real browser.
#
# Writes a few synthetic learner reports into a scratch folder — one stuck
# (failing the same exercise in three reports in a row), one whose chapter
# does not compile, one not started, and a corrupt file — starts
# `workbook class DIR --serve`, and checks in headless Chromium that the
# page shows the grid, the stuck learner, the mistakes with their counts and
# book links, and the file it could not read. Then it writes a new report
# and checks that the page, left open, updated by itself (keeping the sort
# the instructor chose). A screenshot of the page is left in
# ${CLASS_PAGE_SCREENSHOT:-/tmp/class-page.png}.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update && apt-get install -y chromium
fi
cargo build -q -p workbook
workbook="${CARGO_TARGET_DIR:-target}/debug/workbook"

scratch=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
reports="$scratch/reports"
mkdir -p "$reports"
# The reports claim this checkout's grader, as real ones graded here would.
export GRADER_HASH
GRADER_HASH=$("$workbook" report --grader-hash)

# Synthetic reports, in the format of `cargo workbook report --json`.
python3 - "$reports" <<'PY'
import json, os, sys, time
from datetime import datetime, timezone

reports = sys.argv[1]
now = time.time()
EXERCISES = [("1.1", "hello-redis", "Say hello to Redis"),
             ("1.2", "runtime-by-hand", "Build the runtime by hand"),
             ("3.1", "shared-store", "One store for every connection"),
             ("3.2", "db-set", "Writing through a handle")]

def test(number, state, mistakes=()):
    ex = next(e for e in EXERCISES if e[0] == number)
    status = {"done": "pass", "does-not-compile": "error"}.get(state, "fail")
    return {
        "name": f"{ex[0]} {ex[2]}", "status": status,
        "score": 1 if state == "done" else 0, "max_score": 1,
        "message": None if state == "done" else
            ("chapter 3 was not graded: error[E0308]: mismatched types"
             if state == "does-not-compile" else "first failing check: x"),
        "exercise": ex[1], "check": "x" if state == "failing" else "",
        "mistake": mistakes[0] if mistakes else None, "mistakes": list(mistakes),
        "passed": 0, "ran": 3, "duration_ms": 5, "state": state,
    }

def report(file, learner, minutes_ago, tests):
    at = datetime.fromtimestamp(now - minutes_ago * 60, timezone.utc)
    body = {
        "version": 1, "status": "fail", "max_score": len(tests),
        "score": sum(t["score"] for t in tests), "learner": learner,
        "grader_hash": os.environ["GRADER_HASH"],
        "graded_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tests": tests,
    }
    with open(f"{reports}/{file}", "w") as f:
        json.dump(body, f, indent=2)

# ada: failing 3.1 with the same mistake in three reports in a row: stuck.
for i, ago in enumerate([10, 5, 0]):
    report(f"ada-{i}.json", "ada", ago, [test("1.1", "done"), test("1.2", "done"),
           test("3.1", "failing", ["lock-across-await"]), test("3.2", "not-started")])
# bob: chapter 1 done, chapter 3 does not compile.
report("bob.json", "bob", 2, [test("1.1", "done"), test("1.2", "done"),
       test("3.1", "does-not-compile"), test("3.2", "does-not-compile")])
# cy: 1.2 failing on a forgotten .await, one report: not stuck.
report("cy.json", "cy", 1, [test("1.1", "done"), test("1.2", "failing", ["forgotten-await"]),
       test("3.1", "not-started"), test("3.2", "not-started")])
# dee: nothing started yet: not stuck.
report("dee.json", "dee", 1, [test(n, "not-started") for n, _, _ in EXERCISES])
with open(f"{reports}/corrupt.json", "w") as f:
    f.write('{ "version": 1, "tests": [')
PY

log="$scratch/serve.log"
"$workbook" class "$reports" --serve >"$log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
    url=$(sed -n 's#.*Serving the class view on \(http://127\.0\.0\.1:[0-9]*/\).*#\1#p' "$log")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "class --serve did not start:" >&2; cat "$log" >&2; exit 1; }
echo "class --serve: $url"
[ -f "$reports/class.html" ] || { echo "no static class.html written" >&2; exit 1; }

chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync)

# 1. The page as a browser renders it, in one shot.
dom=$(chromium "${chromium_flags[@]}" --user-data-dir="$scratch/profile-dump" \
    --dump-dom "$url" 2>/dev/null)
for want in 'id="grid"' 'data-learner="ada"' 'data-learner="bob"' 'does not compile' \
    'lock-across-await' 'corrupt.json'; do
    grep -qF -- "$want" <<<"$dom" || { echo "dump-dom: no $want in the page" >&2; exit 1; }
done
echo "dump-dom: the grid renders"

# 2. The page left open: checks over the DevTools protocol (on a pipe, so
# no WebSocket client is needed), then a new report, then the same page
# again.
python3 - "$url" "$reports" "$scratch" "${CLASS_PAGE_SCREENSHOT:-/tmp/class-page.png}" \
    "${chromium_flags[@]}" <<'PY'
import base64, json, os, subprocess, sys, time
from datetime import datetime, timezone

url, reports, scratch, screenshot = sys.argv[1:5]
flags = sys.argv[5:]

to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()

def child_fds():
    # Chromium reads commands on fd 3 and writes replies on fd 4. Moved out
    # of the way first (a pipe may already sit on 3 or 4), and made
    # inheritable (os.pipe's are not, and dup2 onto itself keeps that).
    read_end, write_end = os.dup(to_chrome_r), os.dup(from_chrome_w)
    os.dup2(read_end, 3)
    os.dup2(write_end, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)

chrome = subprocess.Popen(
    ["chromium", *flags, f"--user-data-dir={scratch}/profile-cdp",
     "--remote-debugging-pipe", "about:blank"],
    preexec_fn=child_fds, close_fds=False,
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
# Whatever happens below, the browser goes with this script.
import atexit
atexit.register(lambda: (chrome.kill(), chrome.wait()))

buffer = b""
next_id = 0
events = []

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
call("Emulation.setDeviceMetricsOverride", session, width=1400, height=1000,
     deviceScaleFactor=1, mobile=False)
call("Page.navigate", session, url=url)
wait_event("Page.loadEventFired")

SUMMARY = r"""(() => {
  const rows = [...document.querySelectorAll('#grid tbody tr')];
  const cells = {};
  const stuck = {};
  for (const r of rows) {
    cells[r.dataset.learner] = [...r.querySelectorAll('td.cell')].map(td => td.dataset.state || 'absent');
    stuck[r.dataset.learner] = r.querySelectorAll('td.cell.stuck').length;
  }
  const text = sel => [...document.querySelectorAll(sel)].map(e => e.textContent.replace(/\s+/g, ' ').trim());
  return {
    updates: Number(document.body.dataset.updates),
    sort: document.body.dataset.sort,
    status: document.getElementById('status').className,
    learners: rows.map(r => r.dataset.learner),
    columns: text('#grid thead th[data-sort^="col-"]'),
    cells, stuck,
    mistakes: text('#mistakes li'),
    links: [...document.querySelectorAll('#mistakes a')].map(a => a.getAttribute('href')),
    stuckLines: text('#stuck li'),
    skipped: text('#skipped li'),
    scores: text('#grid tbody td.score'),
  };
})()"""

def summary():
    result = call("Runtime.evaluate", session, expression=SUMMARY, returnByValue=True)
    return result["result"]["value"]

def wait_for(condition, timeout=10):
    deadline = time.time() + timeout
    while True:
        s = summary()
        if condition(s) or time.time() > deadline:
            return s
        time.sleep(0.25)

def check(ok, what, got):
    if not ok:
        raise SystemExit(f"FAIL: {what}\n{json.dumps(got, indent=2)}")
    print(f"ok: {what}")

s = wait_for(lambda s: s["status"] == "live")
check(s["learners"] == ["ada", "bob", "cy", "dee"], "a row per learner, by name", s)
check(s["columns"] == ["1.1", "1.2", "3.1", "3.2"], "a column per exercise, in book order", s)
check(s["cells"]["bob"][2:] == ["does-not-compile"] * 2,
      "bob's chapter that does not compile is shown, not hidden", s)
check(s["cells"]["dee"] == ["not-started"] * 4 and s["stuck"]["dee"] == 0,
      "not started is not stuck", s)
check(s["stuck"]["ada"] == 1 and s["cells"]["ada"][2] == "failing",
      "ada, failing 3.1 in three reports in a row, is stuck", s)
check(any(l.startswith("ada: 3.1 failing [lock-across-await] — 3 reports in a row")
          for l in s["stuckLines"]), "the stuck list names ada, 3.1 and the mistake", s)
check("[lock-across-await] in 3.1: 1 of 4 ada" in s["mistakes"]
      and "[forgotten-await] in 1.2: 1 of 4 cy" in s["mistakes"],
      "mistakes counted against the room", s)
check(all(l.startswith("http") and "#" in l for l in s["links"]) and len(s["links"]) == 2,
      "each mistake links to its book section", s)
check(any(l.startswith("corrupt.json: not JSON") for l in s["skipped"]),
      "the corrupt file is a line, not a crash", s)
check(s["status"] == "live", "the served page says it is live", s)

# The instructor sorts by progress, then a new report lands.
call("Runtime.evaluate", session,
     expression="document.querySelector('button[data-sort=\"progress\"]').click()")
s = summary()
check(s["learners"][-1] == "dee" and s["sort"] == "progress", "sorted by progress", s)

shot = call("Page.captureScreenshot", session, format="png")["data"]
with open(screenshot, "wb") as f:
    f.write(base64.b64decode(shot))
print(f"screenshot: {screenshot}")

def test(number, ex_id, title, state, mistakes=()):
    return {"name": f"{number} {title}", "status": "pass" if state == "done" else "fail",
            "score": int(state == "done"), "max_score": 1,
            "message": None if state == "done" else "first failing check: x",
            "exercise": ex_id, "check": "" if state == "done" else "x",
            "mistake": mistakes[0] if mistakes else None, "mistakes": list(mistakes),
            "passed": 0, "ran": 3, "duration_ms": 5, "state": state}

now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
eve = {"version": 1, "status": "fail", "max_score": 4, "score": 2, "learner": "eve",
       "grader_hash": os.environ["GRADER_HASH"], "graded_at": now,
       "tests": [test("1.1", "hello-redis", "Say hello to Redis", "done"),
                 test("1.2", "runtime-by-hand", "Build the runtime by hand", "done"),
                 test("3.1", "shared-store", "One store for every connection", "failing",
                      ["lock-across-await"]),
                 test("3.2", "db-set", "Writing through a handle", "not-started")]}
# Written whole under another name, then renamed, as a download would land.
with open(f"{reports}/eve.json.part", "w") as f:
    json.dump(eve, f)
os.rename(f"{reports}/eve.json.part", f"{reports}/eve.json")

s = wait_for(lambda s: "eve" in s["learners"], timeout=20)
check("eve" in s["learners"] and s["updates"] >= 1,
      "the open page updated by itself after a new report", s)
check("[lock-across-await] in 3.1: 2 of 5 ada, eve" in s["mistakes"],
      "the mistake count follows: 2 of 5", s)
check(s["sort"] == "progress" and s["learners"][-1] == "dee",
      "the instructor's sort survived the update", s)

shot = call("Page.captureScreenshot", session, format="png")["data"]
with open(screenshot, "wb") as f:
    f.write(base64.b64decode(shot))
PY

# Ctrl-C stops the server.
kill -INT "$server"
for _ in $(seq 50); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$server" 2>/dev/null; then
    echo "class --serve did not stop on Ctrl-C (SIGINT)" >&2
    exit 1
fi
wait "$server" || { echo "class --serve exited with an error on Ctrl-C:" >&2; cat "$log" >&2; exit 1; }
server=
grep -q "Stopped." "$log" || { echo "class --serve did not say it stopped:" >&2; cat "$log" >&2; exit 1; }
grep -qF 'data-learner="eve"' "$reports/class.html" \
    || { echo "the static class.html did not follow the new report" >&2; exit 1; }
echo "class page: ok"
