// Conformance of mockhub against a real client nobody here wrote:
// @huggingface/hub 2.17.5 (pinned in package-lock.json), driven through its
// public API with `hubUrl` pointing at `mockhub serve` (the package does not
// read HF_ENDPOINT). Ground truth comes from the mock's own /raw and
// /api/...?blobs=true; what crossed the wire comes from its request journal.
//
// The client has a known defect (hub-protocol.md section 12): when the CDN
// marks itself as CloudFront (`X-Cache: ... cloudfront`) it re-requests the
// CDN URL with `Authorization: Bearer <token>`. These tests assert that the
// journal flags it, rather than working around it.
//
// Run: MOCKHUB_BIN=build/dev/mockhub/mockhub node --test tests/js/conformance.test.mjs
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  HubApiError,
  datasetInfo,
  downloadFile,
  fileDownloadInfo,
  listFiles,
  modelInfo,
} from "@huggingface/hub";
import {
  cleanEnv,
  clearJournal,
  explained,
  hubJson,
  hubRequest,
  journal,
  startMockhub,
  withTimeout,
} from "./mockhub.mjs";

const CLIP = "InvokeAI/clip-vit-large-patch14";
const FLUX = "black-forest-labs/FLUX.1-dev";
const DATASET = { type: "dataset", name: "demo/tiny-dataset" };
const MODEL_SIZE = 67108864; // model.safetensors in the demo world: synthetic 64 MiB
const T = { timeout: 60_000 }; // per test; every inner wait has its own, shorter timeout

// World files and TLS material of this run; removed at exit whatever happened.
const TMP = mkdtempSync(join(tmpdir(), "mockhub-js-"));
process.on("exit", () => rmSync(TMP, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// Helpers

// Awaits `promise`, which must reject with a HubApiError of `status`.
async function hubApiError(promise, status, what) {
  const err = await withTimeout(promise, 30_000, what).then(
    () => null,
    (e) => e,
  );
  assert.ok(err, `${what}: expected HubApiError ${status}, but the call succeeded`);
  assert.ok(err instanceof HubApiError, `${what}: expected HubApiError ${status}, got ${err.stack}`);
  assert.equal(err.statusCode, status, `${what}: status of ${err.message}`);
  return err;
}

const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");
const unquote = (etag) => etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");

async function bytesOf(blob, what) {
  return Buffer.from(await withTimeout(blob.arrayBuffer(), 30_000, `${what} to finish downloading`));
}

// The mock's own view of a repo: siblings with sizes, blob ids and lfs.sha256.
async function siblings(server, apiPath) {
  const info = await hubJson(server, `${apiPath}?blobs=true`);
  return new Map(info.siblings.map((s) => [s.rfilename, s]));
}

async function raw(server, path, headers = {}) {
  const res = await hubRequest(server, "GET", path, { headers });
  assert.equal(res.status, 200, `GET ${path} (ground truth) answered ${res.status}`);
  return res.body;
}

const cdnEntries = (entries) => entries.filter((e) => e.server === "cdn");
const leaks = (entries) => entries.filter((e) => e.flags?.includes("token_leak"));

// Starts a server for a describe() block and checks its clean shutdown.
function useServer(args, { label = args.join(" ") || "default flags" } = {}) {
  const ctx = { server: undefined };
  before(async () => {
    ctx.server = await startMockhub(typeof args === "function" ? args() : args);
  });
  beforeEach(async () => {
    await clearJournal(ctx.server);
  });
  after(() => ctx.server?.kill());
  ctx.itStopsCleanly = () =>
    it(`mockhub (${label}) exits with code 0 on SIGTERM`, T, async () => {
      const { code, signal } = await ctx.server.stop();
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, `exit status${ctx.server.stderr()}`);
    });
  return ctx;
}

// A demo-world download of model.safetensors through an S3-flavoured CDN
// (CloudFront in front of S3, forwarding Authorization). The CDN marks itself
// with `X-Cache: ... from cloudfront`, so 2.17.5 fetches the final CDN URL
// directly and sets Authorization itself: S3 refuses a presigned URL with a
// second credential (400 InvalidArgument), the download fails, and the
// journal flags the leak. Anonymous, the same download works.
async function assertS3RefusesTheLeakedToken(server) {
  const lfs = (await siblings(server, `/api/models/${CLIP}`)).get("model.safetensors").lfs;
  await explained(server, async () => {
    await assert.rejects(
      withTimeout(
        downloadFile({ repo: CLIP, path: "model.safetensors", hubUrl: server.hubUrl, accessToken: "hf_alice" }).then(
          (blob) => bytesOf(blob, "model.safetensors"),
        ),
        30_000,
        "downloadFile(model.safetensors) with a token through the s3 CDN",
      ),
      "the download with a token fails",
    );
    const entries = await journal(server);
    const cdn = cdnEntries(entries);
    assert.ok(cdn.length > 0, "the download went through the CDN");
    assert.ok(cdn.every((e) => e.target.includes("X-Amz-Signature=")), "the hub signed S3-style URLs");
    const refused = cdn.filter((e) => e.status === 400);
    assert.ok(refused.length > 0, "the CDN answered 400 to the request carrying the token");
    assert.ok(
      refused.every((e) => e.flags?.includes("token_leak") && e.request_headers?.authorization?.startsWith("Bearer hf_")),
      "every refused request is flagged token_leak, with the token redacted",
    );
    assert.ok(!JSON.stringify(entries).includes("hf_alice"), "the journal never holds a whole token");
  });
  await clearJournal(server);
  await explained(server, async () => {
    const blob = await withTimeout(
      downloadFile({ repo: CLIP, path: "model.safetensors", hubUrl: server.hubUrl }),
      30_000,
      "anonymous downloadFile(model.safetensors) through the s3 CDN",
    );
    const bytes = await bytesOf(blob, "model.safetensors");
    assert.equal(bytes.length, MODEL_SIZE);
    assert.equal(sha256(bytes), lfs.sha256, "downloaded bytes hash to lfs.sha256");
    assert.deepEqual(leaks(await journal(server)), [], "no request is flagged token_leak");
  });
}

// ---------------------------------------------------------------------------
// Default server: demo world, CloudFront-flavoured CDN.

describe("mockhub serve (demo world, cloudfront CDN)", () => {
  const ctx = useServer([]);

  it("listFiles lists the clip repo with the sizes and LFS ids the mock's API reports", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const truth = await siblings(server, `/api/models/${CLIP}`);
      const files = [];
      for await (const f of listFiles({ repo: CLIP, hubUrl: server.hubUrl })) files.push(f);
      assert.deepEqual(
        files.map((f) => f.path).sort(),
        ["config.json", "model.safetensors", "tokenizer.json"],
      );
      for (const f of files) {
        assert.equal(f.type, "file", f.path);
        assert.equal(f.size, truth.get(f.path).size, `size of ${f.path}`);
        assert.equal(f.oid, truth.get(f.path).blobId, `oid of ${f.path}`);
      }
      const model = files.find((f) => f.path === "model.safetensors");
      assert.equal(model.size, MODEL_SIZE);
      assert.equal(model.lfs?.size, MODEL_SIZE);
      assert.equal(model.lfs?.oid, truth.get("model.safetensors").lfs.sha256);
      const config = files.find((f) => f.path === "config.json");
      assert.equal(config.size, (await raw(server, `/${CLIP}/raw/main/config.json`)).length);

      const entries = await journal(server);
      assert.ok(
        entries.some(
          (e) => e.target === `/api/models/${CLIP}/tree/main?recursive=false&expand=false` && e.status === 200,
        ),
        "the client asked /api/models/{repo}/tree/main?recursive=false&expand=false",
      );
    });
  });

  it("modelInfo asks revision HEAD with repeated expand= keys and reads the answer", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const info = await modelInfo({ name: CLIP, hubUrl: server.hubUrl });
      assert.equal(info.name, CLIP);
      assert.equal(info.private, false);
      assert.equal(info.gated, false);
      assert.ok(info.updatedAt instanceof Date && !isNaN(info.updatedAt), "updatedAt is a date");

      const [entry] = await journal(server);
      const url = new URL(entry.target, server.hubUrl);
      assert.equal(url.pathname, `/api/models/${CLIP}/revision/HEAD`);
      assert.ok(url.searchParams.getAll("expand").length > 1, `repeated expand= keys in ${entry.target}`);
      assert.equal(entry.status, 200);

      const gated = await modelInfo({ name: FLUX, hubUrl: server.hubUrl });
      assert.equal(gated.gated, "manual", "gated repo metadata stays readable anonymously");
    });
  });

  it("fileDownloadInfo and downloadFile of config.json give what /raw serves", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const truth = await raw(server, `/${CLIP}/raw/main/config.json`);
      const blobId = (await siblings(server, `/api/models/${CLIP}`)).get("config.json").blobId;
      await clearJournal(server);

      const info = await fileDownloadInfo({ repo: CLIP, path: "config.json", hubUrl: server.hubUrl });
      assert.equal(info.size, truth.length);
      assert.equal(unquote(info.etag), blobId, "etag is the git blob sha1");
      assert.equal(info.url, `${server.hubUrl}/${CLIP}/resolve/main/config.json`);
      const [probe] = await journal(server);
      assert.equal(probe.request_headers?.range, "bytes=0-0", "size is learnt with a Range GET");
      assert.equal(probe.status, 206);
      assert.equal(probe.response_headers?.["content-range"], `bytes 0-0/${truth.length}`);

      const blob = await downloadFile({ repo: CLIP, path: "config.json", hubUrl: server.hubUrl });
      assert.ok((await bytesOf(blob, "config.json")).equals(truth), "bytes equal /raw");
    });
  });

  it("fileDownloadInfo of model.safetensors: size 64 MiB, etag = lfs.sha256, URL on the CDN", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const lfs = (await siblings(server, `/api/models/${CLIP}`)).get("model.safetensors").lfs;
      await clearJournal(server);
      const info = await fileDownloadInfo({ repo: CLIP, path: "model.safetensors", hubUrl: server.hubUrl });
      assert.equal(info.size, MODEL_SIZE);
      assert.equal(unquote(info.etag), lfs.sha256);
      assert.ok(info.url.startsWith(`${server.cdnUrl}/`), `URL ${info.url} is on the CDN ${server.cdnUrl}`);
      const entries = await journal(server);
      assert.deepEqual(
        entries.map((e) => [e.server, e.status]),
        [
          ["hub", 302],
          ["cdn", 206],
        ],
      );
    });
  });

  it("a dataset: datasetInfo, recursive listFiles and downloadFile of data/train.csv", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const truth = await raw(server, "/datasets/demo/tiny-dataset/raw/main/data/train.csv");
      const info = await datasetInfo({ name: DATASET.name, hubUrl: server.hubUrl });
      assert.equal(info.name, DATASET.name);

      const files = [];
      for await (const f of listFiles({ repo: DATASET, recursive: true, hubUrl: server.hubUrl })) {
        if (f.type === "file") files.push([f.path, f.size]);
      }
      assert.deepEqual(files.sort(), [
        ["README.md", (await raw(server, "/datasets/demo/tiny-dataset/raw/main/README.md")).length],
        ["data/train.csv", truth.length],
      ]);

      const blob = await downloadFile({ repo: DATASET, path: "data/train.csv", hubUrl: server.hubUrl });
      assert.ok((await bytesOf(blob, "data/train.csv")).equals(truth), "bytes equal /raw");
      const targets = (await journal(server)).map((e) => e.target);
      assert.ok(targets.includes("/datasets/demo/tiny-dataset/resolve/main/data/train.csv"), targets.join("\n"));
      assert.ok(
        targets.some((t) => t.startsWith("/api/datasets/demo/tiny-dataset/revision/HEAD?expand=")),
        targets.join("\n"),
      );
    });
  });

  it("a missing file is null (404 EntryNotFound), not an error", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const info = await fileDownloadInfo({ repo: CLIP, path: "no-such-file.bin", hubUrl: server.hubUrl });
      assert.equal(info, null);
    });
  });

  it("gated repo, anonymous: HubApiError 401 carrying the GatedRepo message", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const err = await hubApiError(
        downloadFile({ repo: FLUX, path: "model_index.json", hubUrl: server.hubUrl }),
        401,
        "anonymous download from the gated repo",
      );
      // /resolve errors have a text body; the client keeps it as data.message.
      const expected =
        `Access to model ${FLUX} is restricted. You must have access to it and be authenticated to access it. ` +
        "Please log in.";
      assert.equal(err.data?.message, expected);
      const [entry] = await journal(server);
      assert.equal(entry.response_headers?.["x-error-code"], "GatedRepo");
      assert.equal(entry.response_headers?.["x-error-message"], expected);
    });
  });

  it("gated repo, hf_bob (not approved): HubApiError 403 carrying the GatedRepo message", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const err = await hubApiError(
        downloadFile({ repo: FLUX, path: "model_index.json", hubUrl: server.hubUrl, accessToken: "hf_bob" }),
        403,
        "hf_bob's download from the gated repo",
      );
      assert.equal(
        err.data?.message,
        `Access to model ${FLUX} is restricted and you are not in the authorized list. ` +
          `Visit ${server.hubUrl}/${FLUX} to ask for access.`,
      );
      const [entry] = await journal(server);
      assert.equal(entry.response_headers?.["x-error-code"], "GatedRepo");
    });
  });

  it("gated repo, hf_alice (approved): the download succeeds", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const truth = await raw(server, `/${FLUX}/raw/main/model_index.json`, { Authorization: "Bearer hf_alice" });
      const blob = await downloadFile({
        repo: FLUX,
        path: "model_index.json",
        hubUrl: server.hubUrl,
        accessToken: "hf_alice",
      });
      assert.ok((await bytesOf(blob, "model_index.json")).equals(truth), "bytes equal /raw");
    });
  });

  it('revoked token on a public file: HubApiError 401 "Invalid credentials in Authorization header"', T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const err = await hubApiError(
        downloadFile({ repo: CLIP, path: "config.json", hubUrl: server.hubUrl, accessToken: "hf_revoked" }),
        401,
        "download of a public file with a revoked token",
      );
      // A JSON body: the client takes its "error" as the message.
      assert.equal(err.data?.error, "Invalid credentials in Authorization header");
      assert.ok(err.message.startsWith("Invalid credentials in Authorization header. URL: "), err.message);
    });
  });

  it('expired token: HubApiError 401 "User Access Token "old-laptop" is expired"', T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const err = await hubApiError(
        downloadFile({ repo: CLIP, path: "config.json", hubUrl: server.hubUrl, accessToken: "hf_expired" }),
        401,
        "download with an expired token",
      );
      assert.equal(err.data?.error, 'User Access Token "old-laptop" is expired');
      assert.ok(err.message.startsWith('User Access Token "old-laptop" is expired. URL: '), err.message);
    });
  });

  it("KNOWN CLIENT DEFECT: with a token, the LFS download succeeds but sends the token to the CloudFront CDN (journal: token_leak)", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const lfs = (await siblings(server, `/api/models/${CLIP}`)).get("model.safetensors").lfs;
      await clearJournal(server);
      const blob = await downloadFile({
        repo: CLIP,
        path: "model.safetensors",
        hubUrl: server.hubUrl,
        accessToken: "hf_alice",
      });
      const bytes = await bytesOf(blob, "model.safetensors");
      assert.equal(bytes.length, MODEL_SIZE, "the download itself succeeds");
      assert.equal(sha256(bytes), lfs.sha256, "downloaded bytes hash to lfs.sha256");

      const entries = await journal(server);
      const cdn = cdnEntries(entries);
      // The size probe reaches the CDN through the hub's 302: fetch drops the
      // token on that cross-origin redirect...
      const probe = cdn.find((e) => e.request_headers?.range === "bytes=0-0");
      assert.ok(probe, "a Range probe reached the CDN");
      assert.equal(probe.request_headers?.authorization, undefined, "no token on the redirected probe");
      // ...but the body is then fetched from the CDN URL directly, token set.
      const leaked = leaks(entries);
      assert.equal(leaked.length, 1, "exactly one request is flagged token_leak");
      assert.equal(leaked[0].server, "cdn");
      assert.equal(leaked[0].method, "GET");
      assert.equal(leaked[0].status, 200, "the CloudFront flavour serves it anyway");
      assert.match(leaked[0].request_headers?.authorization ?? "", /^Bearer hf_a…$/);
      assert.ok(!JSON.stringify(entries).includes("hf_alice"), "the journal never shows the whole token");
    });
  });

  it("without a token the LFS download succeeds and nothing is flagged", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const blob = await downloadFile({ repo: CLIP, path: "model.safetensors", hubUrl: server.hubUrl });
      assert.equal((await bytesOf(blob, "model.safetensors")).length, MODEL_SIZE);
      const entries = await journal(server);
      assert.ok(cdnEntries(entries).length >= 2, "probe and body both went to the CDN");
      assert.deepEqual(leaks(entries), [], "no request is flagged token_leak");
      assert.ok(entries.every((e) => !e.request_headers?.authorization), "no Authorization anywhere");
    });
  });

  ctx.itStopsCleanly();
});

// ---------------------------------------------------------------------------
// S3-flavoured CDN, chosen on the command line.

describe("mockhub serve --cdn s3", () => {
  const ctx = useServer(["--cdn", "s3"]);

  it("with a token, 2.17.5 sends it to the CDN, which refuses with 400; anonymous works", T, async () => {
    await assertS3RefusesTheLeakedToken(ctx.server);
  });

  ctx.itStopsCleanly();
});

// ---------------------------------------------------------------------------
// S3-flavoured CDN chosen in the world file, plus one-entry tree pages.

describe("mockhub serve --world (demo world with cdn.flavour s3 and hub.tree_page_size 1)", () => {
  const ctx = useServer(() => {
    const world = JSON.parse(readFileSync(new URL("../../mockhub/worlds/demo.json", import.meta.url), "utf8"));
    world.cdn = { flavour: "s3" };
    world.hub = { tree_page_size: 1 };
    const file = join(TMP, "world-s3.json");
    writeFileSync(file, JSON.stringify(world));
    return ["--world", file];
  }, { label: "--world s3" });

  it("listFiles follows Link rel=next across one-entry pages", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const paths = [];
      for await (const f of listFiles({ repo: CLIP, hubUrl: server.hubUrl })) paths.push(f.path);
      assert.deepEqual(paths.sort(), ["config.json", "model.safetensors", "tokenizer.json"]);
      const pages = (await journal(server)).filter((e) => e.target.includes("/tree/"));
      assert.equal(pages.length, 3, "one request per page");
    });
  });

  it("with a token, 2.17.5 sends it to the CDN, which refuses with 400; anonymous works", T, async () => {
    await assertS3RefusesTheLeakedToken(ctx.server);
  });

  ctx.itStopsCleanly();
});

// ---------------------------------------------------------------------------
// HTTPS with the CA generated at start-up. NODE_EXTRA_CA_CERTS is read when
// node starts, so the client runs in a child node process.

const TLS_CLIENT = fileURLToPath(new URL("./tls-client.mjs", import.meta.url));

async function runTlsClient(server, env) {
  const child = spawn(process.execPath, [TLS_CLIENT, server.hubUrl], { stdio: ["ignore", "pipe", "pipe"], env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  let code;
  try {
    code = await withTimeout(exited, 45_000, "the TLS client child process to finish");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  const last = stdout.trim().split("\n").pop();
  assert.equal(code, 0, `TLS client exit code; stderr:\n${stderr}`);
  try {
    return JSON.parse(last);
  } catch {
    assert.fail(`TLS client printed no JSON result. stdout:\n${stdout}\nstderr:\n${stderr}`);
  }
}

describe("mockhub serve --tls", () => {
  const ctx = useServer(() => {
    const dir = join(TMP, "tls");
    mkdirSync(dir);
    return ["--tls", "--tls-dir", dir];
  }, { label: "--tls" });

  it("without the generated CA the client refuses the server's certificate", T, async () => {
    const { server } = ctx;
    assert.ok(server.hubUrl.startsWith("https://") && server.cdnUrl.startsWith("https://"));
    const result = await runTlsClient(server, cleanEnv());
    assert.equal(result.ok, false, "the client must not accept an unknown CA");
    assert.match(String(result.cause), /CERT|UNABLE_TO_VERIFY/, `a certificate error, got ${JSON.stringify(result)}`);
    assert.deepEqual(await journal(server), [], "no HTTP request got past the handshake");
  });

  it("with NODE_EXTRA_CA_CERTS=<MOCKHUB_CA> it verifies the CA and downloads from hub and CDN", T, async () => {
    const { server } = ctx;
    await explained(server, async () => {
      const truth = await siblings(server, `/api/models/${CLIP}`);
      const config = await raw(server, `/${CLIP}/raw/main/config.json`);
      await clearJournal(server);
      const result = await runTlsClient(server, cleanEnv({ NODE_EXTRA_CA_CERTS: server.caFile }));
      assert.equal(result.ok, true, `client result: ${JSON.stringify(result)}`);
      assert.deepEqual(
        result.files.sort((a, b) => a.path.localeCompare(b.path)),
        [...truth.values()].map((s) => ({ path: s.rfilename, size: s.size })).sort((a, b) => a.path.localeCompare(b.path)),
      );
      assert.equal(result.config, config.toString("utf8"));
      assert.equal(result.modelSize, MODEL_SIZE);
      assert.equal(result.modelSha256, truth.get("model.safetensors").lfs.sha256);
      const entries = await journal(server);
      assert.ok(cdnEntries(entries).length > 0, "the LFS file came from the https CDN");
      assert.deepEqual(leaks(entries), []);
    });
  });

  ctx.itStopsCleanly();
});
