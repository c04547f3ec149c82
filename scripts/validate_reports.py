#!/usr/bin/env python3
"""Validates every JSON report a test run made against docs/report.schema.json.

Usage: validate_reports.py SCHEMA DIR

DIR holds the copies axlog wrote with AXLOG_REPORT_DUMP=DIR (crates/cli/src/report_dump.rs):
`report-*.json` are whole reports (the schema's root), `window-*.json` lines of
`--every` (its `$defs/window_line`). Fails when DIR holds no report, or any copy does not
parse or validate; prints how many it checked.
"""

import json
import pathlib
import sys

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


def main() -> int:
    schema_path, dump = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    report = Draft202012Validator(schema)
    # A window line's `report` refers to the root (`#`): the schema is looked up by its id.
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    window = Draft202012Validator(
        {"$ref": schema["$id"] + "#/$defs/window_line"}, registry=registry
    )
    checked = {"report": 0, "window": 0}
    bad = 0
    for path in sorted(dump.glob("*.json")):
        kind = path.name.split("-", 1)[0]
        validator = {"report": report, "window": window}.get(kind)
        if validator is None:
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            print(f"{path}: not JSON: {e}", file=sys.stderr)
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:5]:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: at /{where}: {e.message[:300]}", file=sys.stderr)
        bad += bool(errors)
        checked[kind] += 1
    print(
        f"validated {checked['report']} JSON reports and {checked['window']} --every lines "
        f"against {schema_path}: {bad} invalid"
    )
    if checked["report"] == 0:
        print(f"no JSON report in {dump}", file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
