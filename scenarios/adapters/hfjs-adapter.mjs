#!/usr/bin/env node
// The scenario adapter for the npm package @huggingface/hub (pinned in
// tests/js): it turns the runner's hubget-style arguments into library calls
// and prints the contract's JSON line. The library reads no environment, so
// the token is found the way the `hf` CLI would (HF_TOKEN, then
// HUGGING_FACE_HUB_TOKEN, then the token file), and HF_ENDPOINT is hubUrl.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../tests/js/package.json"));
const hub = await import(pathToFileURL(require.resolve("@huggingface/hub")).href);

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

function tokenFromEnvironment() {
  if (/^(1|on|yes|true)$/i.test(process.env.HF_HUB_DISABLE_IMPLICIT_TOKEN ?? "")) return undefined;
  for (const name of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]) {
    const v = (process.env[name] ?? "").trim();
    if (v) return v;
  }
  const file = process.env.HF_TOKEN_PATH || join(process.env.HF_HOME ?? "", "token");
  try {
    return readFileSync(file, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

// The error kinds of scenarios/README.md, from what HubApiError carries. Xet
// errors are plain Errors whose message holds the status: "Failed to get JWT
// token: 401 <body>" (the token exchange), "Api error with status 503" (the
// CAS), or a chunk format error.
function kindOf(err) {
  const message = String(err?.message ?? err ?? ""); // some Xet errors are thrown as strings
  const jwt = /^Failed to get JWT token: (\d{3})/.exec(message) ?? /Api error with status (\d{3})/.exec(message);
  const status = err?.statusCode ?? (jwt ? Number(jwt[1]) : undefined);
  const text = `${message} ${JSON.stringify(err?.data ?? {})}`;
  if (!status && /Unsupported (compression scheme|chunk version)|decoded to \d+ bytes, expected/.test(text)) {
    return "integrity";
  }
  if (status === 401) {
    if (text.includes("Invalid credentials in Authorization header")) return "invalid_token";
    if (/User Access Token .* is expired/.test(text)) return "token_expired";
    if (text.includes("is restricted")) return "gated_auth_required";
    return "auth_required";
  }
  if (status === 403) {
    if (text.includes("is restricted and you are not in the authorized list")) return "gated_not_authorized";
    if (text.includes("Access to this resource is disabled")) return "disabled";
    return "forbidden";
  }
  if (status === 404) {
    if (jwt && message.startsWith("Failed to get JWT token")) return "not_a_hub"; // no Xet token route
    if (text.includes("Invalid rev id")) return "revision_not_found";
    if (text.includes("Entry not found")) return "entry_not_found";
    return "repo_not_found";
  }
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status) return "forbidden";
  if (/fetch failed|ECONNRESET|socket|terminated|other side closed/i.test(text + (err?.cause?.message ?? ""))) {
    return "network";
  }
  return "invalid_argument";
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

async function main(argv) {
  let accessToken = tokenFromEnvironment();
  if (argv[0] === "--token") {
    accessToken = argv[1];
    argv = argv.slice(2);
  }
  const [action, ...rest] = argv;
  const positional = [];
  const opts = { revision: undefined, type: "model", include: [], exclude: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--revision") opts.revision = rest[++i];
    else if (a === "--repo-type") opts.type = rest[++i];
    else if (a === "--include") opts.include.push(rest[++i]);
    else if (a === "--exclude") opts.exclude.push(rest[++i]);
    else positional.push(a);
  }
  const hubUrl = process.env.HF_ENDPOINT;
  const cacheDir = process.env.HF_HUB_CACHE;
  const credentials = accessToken ? { accessToken } : {};
  // huggingface_hub's HF_HUB_DISABLE_XET, in this package's words: `xet: false`.
  if (/^(1|on|yes|true)$/i.test(process.env.HF_HUB_DISABLE_XET ?? "")) credentials.xet = false;
  const [name, ...files] = positional;
  const repo = { type: opts.type, name };
  if (action === "whoami") {
    const me = await hub.whoAmI({ hubUrl, ...credentials });
    return { ok: true, name: me.name };
  }
  if (action === "info") {
    const info = opts.type === "dataset"
      ? await hub.datasetInfo({ name, hubUrl, revision: opts.revision, ...credentials })
      : await hub.modelInfo({ name, hubUrl, revision: opts.revision, ...credentials });
    return { ok: true, id: info.id ?? info.name, sha: info.sha };
  }
  if (action !== "download") return { ok: false, error: "invalid_argument", status: null, message: `unknown action ${action}` };
  if (files.length === 0) {
    if (opts.include.length || opts.exclude.length) {
      return { ok: false, error: "invalid_argument", status: null, message: "@huggingface/hub has no include/exclude" };
    }
    const folder = await hub.snapshotDownload({ repo, revision: opts.revision, hubUrl, cacheDir, ...credentials });
    return { ok: true, snapshot: folder, paths: walk(folder) };
  }
  const paths = [];
  for (const path of files) {
    paths.push(await hub.downloadFileToCacheDir({ repo, path, revision: opts.revision, hubUrl, cacheDir, ...credentials }));
  }
  return { ok: true, paths };
}

try {
  emit(await main(process.argv.slice(2)));
} catch (err) {
  emit({ ok: false, error: kindOf(err), status: err?.statusCode ?? null, message: String(err?.message ?? err) });
}
