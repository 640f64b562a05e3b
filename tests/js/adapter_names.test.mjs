// The @huggingface/hub adapter (scenarios/adapters/hfjs-adapter.mjs) and
// hostile names (issue 25, N1/N2), as a process against a small recording
// HTTP server: a revision, repo id or file name that could land outside the
// cache is refused as invalid_argument before any request (the library
// writes refs/<revision> as given), and a name after `--` is a file name
// even when it looks like an option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { once } from "node:events";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const adapter = join(root, "scenarios", "adapters", "hfjs-adapter.mjs");

// A server that records each request and answers 404 RepoNotFound.
async function recordingHub() {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method, url: req.url, body });
      res.writeHead(404, { "Content-Type": "application/json", "X-Error-Code": "RepoNotFound" });
      res.end(JSON.stringify({ error: "Repository not found" }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { requests, server, url: `http://127.0.0.1:${server.address().port}` };
}

// The adapter's outcome line, run as `mockhub run` runs it (asynchronously:
// the recording server lives in this process).
async function runAdapter(args, hubUrl) {
  const work = mkdtempSync(join(tmpdir(), "hfjs-names-"));
  const child = spawn(process.execPath, [adapter, ...args], {
    cwd: work,
    env: { PATH: process.env.PATH, HOME: work, HF_HOME: join(work, "hf"), HF_HUB_CACHE: join(work, "hf", "hub"), HF_ENDPOINT: hubUrl },
  });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  await once(child, "close");
  const lines = out.trim().split("\n");
  return { line: JSON.parse(lines[lines.length - 1]), work };
}

for (const [what, args] of [
  ["a revision that climbs out", ["download", "--revision=../../../../escape", "--", "o/r"]],
  ["an absolute revision", ["download", "--revision=/tmp/escape", "--", "o/r", "config.json"]],
  ["a repo id that climbs out", ["download", "--", "../../escape", "config.json"]],
  ["a file name that climbs out", ["download", "--", "o/r", "../../../escape"]],
  ["a file name with a control character", ["download", "--", "o/r", "a\u0001b"]],
]) {
  test(`the hfjs adapter refuses ${what} before any request`, async () => {
    const hub = await recordingHub();
    try {
      const { line, work } = await runAdapter(args, hub.url);
      assert.equal(line.ok, false);
      assert.equal(line.error, "invalid_argument", JSON.stringify(line));
      assert.match(line.message, /^refusing /);
      assert.deepEqual(hub.requests, []);
      assert.deepEqual(readdirSync(work), []); // not even a cache folder
    } finally {
      hub.server.close();
    }
  });
}

test("the hfjs adapter reads a name after -- as a file, not an option", async () => {
  const hub = await recordingHub();
  try {
    const { line } = await runAdapter(["download", "--revision=main", "--", "o/r", "--local-dir"], hub.url);
    assert.equal(line.ok, false);
    const asked = hub.requests.map((r) => r.url + " " + r.body).join("\n");
    assert.match(asked, /--local-dir/, "the file named --local-dir was asked for");
  } finally {
    hub.server.close();
  }
});

test("the hfjs adapter refuses a positional before --", async () => {
  const hub = await recordingHub();
  try {
    const { line } = await runAdapter(["download", "o/r", "--", "x"], hub.url);
    assert.equal(line.error, "invalid_argument");
    assert.match(line.message, /unexpected argument before --: o\/r/);
    assert.deepEqual(hub.requests, []);
  } finally {
    hub.server.close();
  }
});
