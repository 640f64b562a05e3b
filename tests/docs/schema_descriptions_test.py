#!/usr/bin/python3
"""Every property of scenarios/schema.json has a description.

Editors show a property's description on hover, so a property without one is
a hole in the format's documentation. Walks every "properties" map of the
schema (in $defs, oneOf branches and items too) and fails, listing each
property by its place in the schema, when one lacks a non-empty description.

Usage: schema_descriptions_test.py SCHEMA
"""
import json
import sys


def missing_descriptions(node, where, out):
    if isinstance(node, list):
        for i, item in enumerate(node):
            missing_descriptions(item, f"{where}/{i}", out)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            for name, prop in value.items():
                place = f"{where}/properties/{name}"
                text = prop.get("description") if isinstance(prop, dict) else None
                if not isinstance(text, str) or not text.strip():
                    out.append(place)
                missing_descriptions(prop, place, out)
        elif key != "enum" and key != "const":
            missing_descriptions(value, f"{where}/{key}", out)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    missing = []
    missing_descriptions(schema, "", missing)
    if missing:
        print(f"{argv[1]}: {len(missing)} properties without a description:", file=sys.stderr)
        for place in missing:
            print(f"  {place}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: every property has a description")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
