// scenarios/schema.json and `mockhub validate` must agree: every scenario in
// the library passes both, and the same broken variants fail both. Editors
// use the schema, the runner uses its own loader; this keeps them one format.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCENARIOS = join(ROOT, "scenarios");
const MOCKHUB = process.env.MOCKHUB_BIN;
const schema = JSON.parse(readFileSync(join(SCENARIOS, "schema.json"), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const files = readdirSync(SCENARIOS).filter((f) => f.endsWith(".json") && f !== "schema.json").sort();

function mockhubValidate(file) {
  const r = spawnSync(MOCKHUB, ["validate", file], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("scenarios/schema.json", () => {
  it("has scenarios to check", () => assert.ok(files.length > 0));
  for (const f of files) {
    it(`${f} matches the schema and mockhub validate`, () => {
      const doc = JSON.parse(readFileSync(join(SCENARIOS, f), "utf8"));
      assert.ok(validate(doc), `schema errors: ${JSON.stringify(validate.errors, null, 1)}`);
      const v = mockhubValidate(join(SCENARIOS, f));
      assert.equal(v.code, 0, v.out);
    });
  }
});

describe("broken scenarios fail both the schema and mockhub validate", () => {
  const base = JSON.parse(readFileSync(join(SCENARIOS, "s01-invokeai-stale-token-file.json"), "utf8"));
  const variants = {
    "unknown top-level key": (d) => (d.hubb = {}),
    "unknown expectation": (d) => (d.steps[0].expect.wire.bogus = true),
    "unknown outcome": (d) => (d.steps[0].expect.outcome = "kaput"),
    "unknown fault verb": (d) => (d.faults = [{ do: { explode: {} } }]),
    "fault with two verbs": (d) => (d.faults = [{ do: { delay: { ms: 1 }, ignore_range: {} } }]),
    "attempt zero": (d) => (d.faults = [{ when: { only: [0] }, do: { ignore_range: {} } }]),
    "bad token source": (d) => (d.client.token.source = "keychain"),
    "step with two actions": (d) => (d.steps[0].whoami = {}),
    "expectation on a hub change": (d) => d.steps.push({ advance_clock: 10, expect: { outcome: "ok" } }),
    "missing description": (d) => delete d.about.description,
    "env that preloads a library": (d) => (d.client.env = { LD_PRELOAD: "./home/hf/hub/lib.so" }),
    "env that requires a module": (d) => (d.client.env = { NODE_OPTIONS: "--require ./x.js" }),
    "env path outside the temp dir": (d) => (d.client.env = { HF_XET_CACHE: "/home/user/.cache" }),
  };
  const dir = mkdtempSync(join(tmpdir(), "mockhub-schema-"));
  for (const [name, mutate] of Object.entries(variants)) {
    it(name, () => {
      const doc = structuredClone(base);
      mutate(doc);
      assert.equal(validate(doc), false, "the schema accepted it");
      const file = join(dir, "broken.json");
      writeFileSync(file, JSON.stringify(doc));
      const v = mockhubValidate(file);
      assert.equal(v.code, 2, `mockhub validate accepted it: ${v.out}`);
      assert.match(v.out, /broken\.json: \/\S*: /, "the error names the file and the JSON pointer");
    });
  }
  it("cleans up", () => rmSync(dir, { recursive: true, force: true }));
});
