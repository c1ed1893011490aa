"""Checks a chapter's results file (WORKBOOK_RESULTS) against what CI expects.

usage: expect_results.py todo|pass RESULTS.json

  todo  every exercise of the manifest ran, and every check hit the
        stub's todo!() ("not yet implemented"): none passed, none failed
        otherwise
  pass  every exercise of the manifest ran, and every check passed

The checks are named in the grader alone; the manifest names the
exercises, and each must have run at least one check.
"""
import json
import sys
import tomllib

mode, path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    report = json.load(f)
with open("exercises.toml", "rb") as f:
    manifest = tomllib.load(f)

package = report["package"]
expected = {e["id"] for e in manifest["exercise"] if e["chapter"] == report["chapter"]}
exercised = {c["exercise"] for c in report["checks"]}
ran = {c["id"]: c for c in report["checks"]}
problems = []
if report.get("format") != "tokio-workbook-results/1":
    problems.append(f"unknown results format {report.get('format')!r}")
for missing in sorted(expected - exercised):
    problems.append(f"exercise {missing}: listed in exercises.toml but no check of it ran")
for check in ran.values():
    name, status, message = check["id"], check["status"], check["message"]
    if mode == "todo":
        if status == "pass":
            problems.append(f"{name}: PASSED on the pristine stub (a check that cannot fail?)")
        elif status != "todo" or not message.startswith("not yet implemented"):
            problems.append(f"{name}: {status} without 'not yet implemented':\n{message}")
    elif status != "pass":
        problems.append(f"{name}: {status} on the reference solution:\n{message}")

if not ran:
    problems.append("no checks ran")
if problems:
    print(f"{package} ({mode}):", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"{package}: {len(ran)} checks, all as expected ({mode})")
