#!/usr/bin/env python3
"""Summarises a cargo-nextest JUnit report: counts, failures and time-outs by name, and the
slowest tests.  Usage: scripts/test-report.py JUNIT.xml [how-many-slowest]"""
import sys
import xml.etree.ElementTree as ET


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    slowest = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"no test report at {path}: {e}", file=sys.stderr)
        return 1
    cases = []
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')} {case.get('name', '')}".strip()
        seconds = float(case.get("time") or 0)
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        outcome = "passed"
        if failure is not None:
            text = " ".join(filter(None, [failure.get("type"), failure.get("message")])).lower()
            outcome = "timed out" if "timeout" in text or "timed out" in text else "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        cases.append((seconds, name, outcome))
    count = lambda what: sum(1 for c in cases if c[2] == what)
    print(f"slowest {min(slowest, len(cases))} of {len(cases)} tests:")
    for seconds, name, outcome in sorted(cases, reverse=True)[:slowest]:
        note = "" if outcome == "passed" else f"  [{outcome}]"
        print(f"  {seconds:7.2f} s  {name}{note}")
    for what in ("failed", "timed out"):
        for seconds, name, outcome in cases:
            if outcome == what:
                print(f"{what.upper()}: {name} ({seconds:.1f} s)")
    print(f"report: {count('passed')} passed, {count('failed')} failed, "
          f"{count('timed out')} timed out, {count('skipped')} skipped")
    return 0 if count("failed") + count("timed out") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
