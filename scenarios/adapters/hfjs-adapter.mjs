#!/usr/bin/env node
// The scenario adapter for the npm package @huggingface/hub (pinned in
// tests/js): it turns the runner's hubget-style arguments into library calls
// and prints the contract's JSON line. The library reads no environment, so
// the token is found the way the `hf` CLI would (HF_TOKEN, then
// HUGGING_FACE_HUB_TOKEN, then the token file), and HF_ENDPOINT is hubUrl.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, dirname, resolve, sep } from "node:path";
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
  if (err instanceof UnsafeNameError) return "invalid_argument";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (status) return "forbidden";
  if (/fetch failed|ECONNRESET|socket|terminated|other side closed/i.test(text + (err?.cause?.message ?? ""))) {
    return "network";
  }
  return "invalid_argument";
}

// Why a name from the step cannot be joined onto the cache folder, or "".
// The library checks file names itself (validateRelativeFilename, the
// server's too), but joins the revision (refs/<revision>) and the repo id
// as given: every name is checked here, before any call.
function nameProblem(name) {
  if (typeof name !== "string" || name === "") return "it is empty";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "it contains NUL or a control character";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is absolute";
  if (/^[a-zA-Z]:/.test(name)) return "it has a drive letter";
  const parts = name.split("/");
  if (parts.includes("..")) return "it has a '..' component";
  if (parts.some((p) => p === "" || p === ".")) return "it has an empty or '.' component";
  return "";
}

class UnsafeNameError extends Error {}

function checkNames(what, names) {
  for (const name of names) {
    const why = nameProblem(name);
    if (why) throw new UnsafeNameError(`refusing ${what} ${JSON.stringify(name)}: ${why}`);
  }
}

// Every path the library reports, checked to be inside the cache folder.
function checkInside(root, paths) {
  const base = realpathSync(root);
  for (const p of paths) {
    const real = realpathSync(resolve(p));
    if (!real.startsWith(base + sep)) throw new UnsafeNameError(`refusing ${p}: it resolves outside ${root}`);
  }
  return paths;
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
  if (argv[0]?.startsWith("--token=")) {
    accessToken = argv[0].slice("--token=".length);
    argv = argv.slice(1);
  }
  // The contract: the action, its options as --name=VALUE, then `--`, then
  // the repo and the files; nothing after `--` is an option.
  const [action, ...rest] = argv;
  const opts = { revision: undefined, type: "model", include: [], exclude: [] };
  const dashes = rest.indexOf("--");
  const options = dashes < 0 ? rest : rest.slice(0, dashes);
  const positional = dashes < 0 ? [] : rest.slice(dashes + 1);
  for (const a of options) {
    const [, name, value] = /^--([a-z-]+)=(.*)$/s.exec(a) ?? [];
    if (name === "revision") opts.revision = value;
    else if (name === "repo-type") opts.type = value;
    else if (name === "include" || name === "exclude") opts[name].push(value);
    else return { ok: false, error: "invalid_argument", status: null, message: `unexpected argument before --: ${a}` };
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
  checkNames("repo id", [name]);
  if (opts.revision !== undefined) checkNames("revision", [opts.revision]);
  checkNames("file name", files);
  if (files.length === 0) {
    if (opts.include.length || opts.exclude.length) {
      return { ok: false, error: "invalid_argument", status: null, message: "@huggingface/hub has no include/exclude" };
    }
    const folder = await hub.snapshotDownload({ repo, revision: opts.revision, hubUrl, cacheDir, ...credentials });
    return { ok: true, snapshot: folder, paths: checkInside(cacheDir, walk(folder)) };
  }
  const paths = [];
  for (const path of files) {
    paths.push(await hub.downloadFileToCacheDir({ repo, path, revision: opts.revision, hubUrl, cacheDir, ...credentials }));
  }
  return { ok: true, paths: checkInside(cacheDir, paths) };
}

try {
  emit(await main(process.argv.slice(2)));
} catch (err) {
  emit({ ok: false, error: kindOf(err), status: err?.statusCode ?? null, message: String(err?.message ?? err) });
}
