"""Reads libtest JSON lines (a chapter's `--format json` run) on stdin and
checks them against what CI expects of that chapter.

usage: expect_results.py todo|pass PACKAGE

  todo  every check failed, and each failure says "not yet implemented"
  pass  every check passed
"""
import json
import sys

mode, package = sys.argv[1], sys.argv[2]
events = []
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        events.append(json.loads(line))

tests = [e for e in events if e.get("type") == "test" and e.get("event") != "started"]
suite = [e for e in events if e.get("type") == "suite" and e.get("event") == "started"]
problems = []
if not suite or suite[0].get("test_count", 0) == 0:
    problems.append("no checks ran")
if suite and len(tests) != suite[0]["test_count"]:
    problems.append(f"{suite[0]['test_count']} checks announced, {len(tests)} reported")
for t in tests:
    name, event = t["name"], t["event"]
    if mode == "todo":
        # libtest-mimic writes a failure as `Error: "<message, escaped>"`.
        message = t.get("stdout", "").removeprefix('Error: "')
        if event != "failed":
            problems.append(f"{name}: {event} on the pristine stub (a check that cannot fail?)")
        elif not message.startswith("not yet implemented"):
            problems.append(f"{name}: failed without 'not yet implemented':\n{message}")
    elif event != "ok":
        problems.append(f"{name}: {event} on the reference solution:\n{t.get('stdout', '')}")

if problems:
    print(f"{package} ({mode}):", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"{package}: {len(tests)} checks, all as expected ({mode})")
