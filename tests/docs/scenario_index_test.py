#!/usr/bin/python3
"""tools/scenario_index.py on a small library in a temporary folder: --check
fails with a diff while the README is stale and passes once it is rewritten;
a file without a symptom or an archetype tag is bad input naming the file;
the rows group files by archetype and symptom.

Usage: scenario_index_test.py PATH/TO/scenario_index.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = None


def scenario(symptom, tags):
    about = {"description": "d", "tags": tags}
    if symptom is not None:
        about["symptom"] = symptom
    return {"about": about, "steps": [{"whoami": {}}]}


class ScenarioIndexTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.readme = os.path.join(self.dir, "README.md")
        with open(self.readme, "w", encoding="utf-8") as f:
            f.write("# Scenarios\n\n<!-- index:begin -->\nold\n<!-- index:end -->\n\nafter\n")
        self.write("s01-a.json", scenario("401 | on a public repo", ["s1", "auth"]))
        self.write("s01-b.json", scenario("401 | on a public repo", ["s1"]))
        self.write("s08-c.json", scenario("lost token on a hop", ["s8", "s7"]))
        self.write("schema.json", {"not": "a scenario"})

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, doc):
        with open(os.path.join(self.dir, name), "w", encoding="utf-8") as f:
            json.dump(doc, f)

    def run_index(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args, self.dir], capture_output=True,
                              text=True, timeout=60, check=False)

    def readme_text(self):
        with open(self.readme, encoding="utf-8") as f:
            return f.read()

    def test_stale_then_current(self):
        stale = self.run_index("--check")
        self.assertEqual(stale.returncode, 1, stale.stderr)
        self.assertIn("-old", stale.stderr)
        self.assertIn("the scenario index is stale", stale.stderr)
        self.assertIn("old", self.readme_text(), "--check must not write")
        self.assertEqual(self.run_index().returncode, 0)
        current = self.run_index("--check")
        self.assertEqual(current.returncode, 0, current.stderr)

    def test_rows_group_by_archetype_and_symptom(self):
        self.assertEqual(self.run_index().returncode, 0)
        text = self.readme_text()
        self.assertTrue(text.startswith("# Scenarios\n\n<!-- index:begin -->"))
        self.assertTrue(text.endswith("<!-- index:end -->\n\nafter\n"))
        self.assertIn("| 401 \\| on a public repo | [s01-a](s01-a.json), [s01-b](s01-b.json) |",
                      text)
        # Under each of its archetypes, in archetype order.
        s7, s8 = text.index("**S7."), text.index("**S8.")
        self.assertLess(s7, s8)
        self.assertEqual(text.count("[s08-c](s08-c.json)"), 2)
        self.assertNotIn("schema", text)

    def test_missing_symptom_is_bad_input(self):
        self.write("s02-d.json", scenario(None, ["s2"]))
        r = self.run_index("--check")
        self.assertEqual(r.returncode, 2)
        self.assertIn("s02-d.json: /about/symptom", r.stderr)

    def test_missing_archetype_tag_is_bad_input(self):
        self.write("x.json", scenario("s", ["auth"]))
        r = self.run_index()
        self.assertEqual(r.returncode, 2)
        self.assertIn("x.json: /about/tags", r.stderr)
        self.assertIn("old", self.readme_text(), "nothing written on bad input")

    def test_missing_markers_is_bad_input(self):
        with open(self.readme, "w", encoding="utf-8") as f:
            f.write("# no markers\n")
        r = self.run_index()
        self.assertEqual(r.returncode, 2)
        self.assertIn("index:begin", r.stderr)


if __name__ == "__main__":
    SCRIPT = sys.argv.pop(1)
    unittest.main()
