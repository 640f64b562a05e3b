// Test-side control of a `mockhub serve` process: start it on port 0, learn
// its addresses from the first stdout lines (never by sleeping), read and clear
// its request journal, stop it with SIGTERM. Every wait has a timeout whose
// message says what was awaited and shows the server's recent stderr.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import http from "node:http";
import https from "node:https";
import { readFileSync } from "node:fs";

// Servers still running when this process exits (a failed hook, an
// interrupted run) are killed, so none outlives the test run.
const live = new Set();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
// An interrupted run (Ctrl-C, a ctest timeout) still runs the exit handlers.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

// Environment for child processes: nothing from the user's Hugging Face setup
// (tokens, endpoint, cache) and no CA bundle unless a test sets one.
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("HF_") || k.startsWith("HUGGING_FACE") || k === "NODE_EXTRA_CA_CERTS") continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

// Resolves with `promise`, or rejects after `ms` with a message naming `what`.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function mockhubBinary() {
  const bin = process.env.MOCKHUB_BIN;
  if (!bin) {
    throw new Error(
      "MOCKHUB_BIN is not set: point it at the mockhub binary, e.g. " +
        "MOCKHUB_BIN=build/dev/mockhub/mockhub node --test tests/js/conformance.test.mjs",
    );
  }
  return bin;
}

// Starts `mockhub serve --port 0 ...args` and waits (at most `timeoutMs`) for
// the lines HF_ENDPOINT=, MOCKHUB_CDN= and, with --tls, MOCKHUB_CA=.
export async function startMockhub(args = [], { timeoutMs = 10_000 } = {}) {
  const bin = mockhubBinary();
  const tls = args.includes("--tls");
  const child = spawn(bin, ["serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: cleanEnv(),
  });
  live.add(child);
  // The server logs one line per request to stderr: keep draining it (a full
  // pipe would block the server) and keep the tail for failure messages.
  let stderrTail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderrTail = (stderrTail + chunk).slice(-8192);
  });
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  const describe = () => `\`${bin} serve --port 0 ${args.join(" ")}\``;
  const stderr = () => (stderrTail ? `\n--- mockhub stderr (tail) ---\n${stderrTail}` : "");

  const vars = {};
  const ready = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    let first = true;
    lines.on("line", (line) => {
      if (first && !line.startsWith("HF_ENDPOINT=")) {
        reject(new Error(`${describe()}: first stdout line is ${JSON.stringify(line)}, expected HF_ENDPOINT=<url>`));
      }
      first = false;
      const eq = line.indexOf("=");
      if (eq > 0) vars[line.slice(0, eq)] = line.slice(eq + 1);
      if (vars.HF_ENDPOINT && vars.MOCKHUB_CDN && (!tls || vars.MOCKHUB_CA)) resolve();
    });
    child.on("error", (err) => reject(new Error(`cannot start ${describe()}: ${err.message}`)));
    exited.then(({ code, signal }) =>
      reject(new Error(`${describe()} exited (code ${code}, signal ${signal}) before printing its addresses${stderr()}`)),
    );
  });
  try {
    await withTimeout(ready, timeoutMs, `${describe()} to print HF_ENDPOINT=<url> on stdout`);
  } catch (err) {
    child.kill("SIGKILL");
    err.message += stderr();
    throw err;
  }

  const server = {
    hubUrl: vars.HF_ENDPOINT,
    cdnUrl: vars.MOCKHUB_CDN,
    caFile: vars.MOCKHUB_CA,
    ca: vars.MOCKHUB_CA ? readFileSync(vars.MOCKHUB_CA) : undefined,
    stderr,
    running: () => child.exitCode === null && child.signalCode === null,
    // SIGTERM, then waits for the exit; resolves with { code, signal }.
    async stop({ timeoutMs: stopMs = 10_000 } = {}) {
      if (server.running()) child.kill("SIGTERM");
      try {
        return await withTimeout(exited, stopMs, `${describe()} to exit after SIGTERM`);
      } catch (err) {
        child.kill("SIGKILL");
        err.message += stderr();
        throw err;
      }
    },
    // Last resort for after() hooks: never leave a server behind.
    kill() {
      if (server.running()) child.kill("SIGKILL");
    },
  };
  return server;
}

// A plain request to the hub, outside the client under test (ground truth and
// admin API). Resolves with { status, headers, body: Buffer }.
export function hubRequest(server, method, path, { headers = {}, timeoutMs = 10_000 } = {}) {
  const url = new URL(path, server.hubUrl);
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers, ca: server.ca }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${timeoutMs} ms: ${method} ${url}`)));
    req.on("error", reject);
    req.end();
  });
}

export async function hubJson(server, path, opts) {
  const res = await hubRequest(server, "GET", path, opts);
  if (res.status !== 200) {
    throw new Error(`GET ${path}: status ${res.status}: ${res.body.toString("utf8").slice(0, 500)}`);
  }
  return JSON.parse(res.body.toString("utf8"));
}

export function journal(server) {
  return hubJson(server, "/_mockhub/requests");
}

export async function clearJournal(server) {
  // Admin POST and DELETE must say they are JSON (mockhub/README.md).
  const res = await hubRequest(server, "DELETE", "/_mockhub/requests", {
    headers: { "Content-Type": "application/json" },
  });
  if (Math.floor(res.status / 100) !== 2) throw new Error(`DELETE /_mockhub/requests: status ${res.status}`);
}

// Runs `fn`; on failure appends the server's journal to the message, so a
// failing case shows what the client actually sent and what it got.
export async function explained(server, fn) {
  try {
    return await fn();
  } catch (err) {
    try {
      err.message += `\n--- mockhub journal ---\n${formatJournal(await journal(server))}`;
    } catch {
      // the journal is diagnostics only
    }
    throw err;
  }
}

// One line per journal entry, for assertion messages.
export function formatJournal(entries) {
  return entries
    .map(
      (e) =>
        `  #${e.seq} ${e.server} ${e.method} ${e.target.slice(0, 110)} -> ${e.status}` +
        `${e.request_headers?.authorization ? ` [auth ${e.request_headers.authorization}]` : ""}` +
        `${e.flags?.length ? ` flags=${e.flags.join(",")}` : ""}`,
    )
    .join("\n");
}
