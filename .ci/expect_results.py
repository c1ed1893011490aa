"""Checks a chapter's results file (WORKBOOK_RESULTS) against what CI expects.

usage: expect_results.py todo|pass RESULTS.json CHECKS.txt

CHECKS.txt is the chapter's list of checks, as printed by
`cargo test -p chapter-N --test grade -- --list` (check names live in the
grader, not in exercises.toml).

  todo  every listed check ran and hit the stub's todo!() ("not yet
        implemented"): none passed, none failed otherwise; every exercise of
        the chapter in exercises.toml is "not-started"
  pass  every listed check ran and passed; every exercise of the chapter in
        exercises.toml is "done"
"""
import json
import sys
import tomllib

mode, path, listing = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, encoding="utf-8") as f:
    report = json.load(f)
with open("exercises.toml", "rb") as f:
    manifest = tomllib.load(f)
with open(listing, encoding="utf-8") as f:
    expected = {line[: -len(": test")] for line in f.read().splitlines() if line.endswith(": test")}

package = report["package"]
ran = {c["id"]: c for c in report["checks"]}
problems = []
if report.get("format") != "tokio-workbook-results/1":
    problems.append(f"unknown results format {report.get('format')!r}")
if not expected:
    problems.append(f"{listing} lists no check")
for missing in sorted(expected - ran.keys()):
    problems.append(f"{missing}: listed by the grader but never ran")
for extra in sorted(ran.keys() - expected):
    problems.append(f"{extra}: ran but not listed by the grader")
for check in ran.values():
    name, status, message = check["id"], check["status"], check["message"]
    if mode == "todo":
        if status == "pass":
            problems.append(f"{name}: PASSED on the pristine stub (a check that cannot fail?)")
        elif status != "todo" or not message.startswith("not yet implemented"):
            problems.append(f"{name}: {status} without 'not yet implemented':\n{message}")
    elif status != "pass":
        problems.append(f"{name}: {status} on the reference solution:\n{message}")

# Scores are per exercise: each exercise of the manifest is graded, by
# checks of its own, and stands as the mode says.
want = "not-started" if mode == "todo" else "done"
standing = {e["id"]: e for e in report["exercises"]}
for ex in manifest["exercise"]:
    if ex["chapter"] != report["chapter"]:
        continue
    label = f"exercise {ex['number']} ({ex['id']})"
    got = standing.get(ex["id"])
    if got is None:
        problems.append(f"{label}: in exercises.toml but not in the results")
        continue
    mine = [c for c in ran.values() if c["exercise"] == ex["id"]]
    if not mine:
        problems.append(f"{label}: no check grades it")
    if got["ran"] != len(mine):
        problems.append(f"{label}: the results say {got['ran']} checks ran, {len(mine)} are listed")
    if got["status"] != want:
        problems.append(f"{label}: {got['status']}, expected {want}")

if not ran:
    problems.append("no checks ran")
if problems:
    print(f"{package} ({mode}):", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
exercises = sum(1 for e in manifest["exercise"] if e["chapter"] == report["chapter"])
print(f"{package}: {exercises} exercises, {len(ran)} checks, all as expected ({mode})")
