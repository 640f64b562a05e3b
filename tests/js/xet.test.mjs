// The Xet path of mockhub against a real client nobody here wrote:
// @huggingface/hub 2.17.5's downloadFile, which takes XetBlob when the hub's
// fileinfo probe answers with the Xet headers (xet-protocol.md §7). The
// journal must show the probe, the token exchange, v2 reconstructions and
// xorb GETs without Authorization, and the bytes must hash to the LFS oid.
//
// Run: MOCKHUB_BIN=build/ci/mockhub/mockhub node --test tests/js/xet.test.mjs
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { downloadFile } from "@huggingface/hub";
import { clearJournal, explained, hubRequest, journal, startMockhub, withTimeout } from "./mockhub.mjs";

const SCHNELL = "black-forest-labs/FLUX.1-schnell";
const DEV = "black-forest-labs/FLUX.1-dev";
const T = { timeout: 120_000 };
const sha256 = (buf) => createHash("sha256").update(buf).digest("hex");

// What the hub says about the file, outside the client under test.
async function truth(server, repo, path, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const head = await hubRequest(server, "HEAD", `/${repo}/resolve/main/${path}`, { headers });
  assert.equal(head.status, 302, `HEAD ${path}`);
  return { etag: JSON.parse(head.headers["x-linked-etag"]), size: Number(head.headers["x-linked-size"]) };
}

// Asserts the journal of one Xet download and returns its entries by site.
// The client caches CAS tokens per (token URL, Hub token) while more than a
// minute is left, so only its first download of a repo exchanges one.
function assertXetPath(entries, { hubToken, exchange }) {
  const at = (site) => entries.filter((e) => e.server === site);
  const hub = at("hub"), cas = at("cas"), cdn = at("cdn");
  assert.ok(hub.some((e) => e.target.includes("/resolve/")), "the fileinfo probe reached the hub");
  const exchanged = hub.some((e) => e.target.includes("/xet-read-token/") && e.status === 200);
  assert.equal(exchanged, exchange, exchange ? "a CAS token was exchanged" : "the cached CAS token was reused");
  assert.ok(cas.every((e) => e.request_headers?.authorization?.startsWith("Bearer eyJ")), "the CAS got a CAS token");
  assert.ok(cas.length > 0 && cas.every((e) => e.target.startsWith("/v2/reconstructions/")), "v2 reconstructions");
  assert.ok(cas.every((e) => e.status === 200), "every reconstruction answered 200");
  const xorbs = cdn.filter((e) => e.target.startsWith("/xorbs/default/"));
  assert.ok(xorbs.length > 0, "xorbs were fetched from presigned URLs");
  assert.ok(xorbs.every((e) => e.status === 206), "every xorb GET was an exact range");
  assert.ok(!cdn.some((e) => e.target.startsWith("/xet-bridge-us/")), "the bridge was not used");
  assert.ok(cdn.every((e) => !e.request_headers?.authorization), "no Authorization reached the CDN");
  assert.ok(cas.every((e) => !e.flags?.includes("hub_token_to_cas")), "no Hub token reached the CAS");
  assert.ok(hub.every((e) => !e.flags?.includes("cas_token_to_hub")), "no CAS token reached the hub");
  if (hubToken) {
    assert.ok(hub.some((e) => e.request_headers?.authorization?.startsWith("Bearer hf_")), "the Hub token went to the hub");
  }
}

describe("Xet downloads through @huggingface/hub (XetBlob)", () => {
  let server;
  before(async () => {
    server = await startMockhub();
  });
  after(async () => {
    if (server) await server.stop();
  });

  for (const [i, path] of ["ae.safetensors", "transformer/diffusion_pytorch_model.safetensors"].entries()) {
    it(`downloadFile(${path}) takes the Xet path and gets the right bytes`, T, async () => {
      const want = await truth(server, SCHNELL, path);
      await clearJournal(server);
      const bytes = await explained(server, async () => {
        const blob = await withTimeout(downloadFile({ repo: SCHNELL, path, hubUrl: server.hubUrl }), 90_000, `downloadFile(${path})`);
        assert.ok(blob, "downloadFile returned a blob");
        return Buffer.from(await blob.arrayBuffer());
      });
      assert.equal(bytes.length, want.size);
      assert.equal(sha256(bytes), want.etag, "the bytes hash to X-Linked-Etag (the LFS oid)");
      await explained(server, async () => assertXetPath(await journal(server), { hubToken: false, exchange: i === 0 }));
    });
  }

  it("a gated Xet file with an approved user's token: the token stays on the hub", T, async () => {
    const want = await truth(server, DEV, "flux1-dev.safetensors", "hf_alice");
    await clearJournal(server);
    const bytes = await explained(server, async () => {
      const blob = await withTimeout(
        downloadFile({ repo: DEV, path: "flux1-dev.safetensors", hubUrl: server.hubUrl, accessToken: "hf_alice" }),
        90_000,
        "downloadFile(flux1-dev.safetensors)",
      );
      return Buffer.from(await blob.arrayBuffer());
    });
    assert.equal(sha256(bytes), want.etag);
    await explained(server, async () => assertXetPath(await journal(server), { hubToken: true, exchange: true }));
  });

  it("xet: false takes the plain bridge and gets the same bytes", T, async () => {
    const want = await truth(server, SCHNELL, "ae.safetensors");
    await clearJournal(server);
    const blob = await withTimeout(
      downloadFile({ repo: SCHNELL, path: "ae.safetensors", hubUrl: server.hubUrl, xet: false }),
      90_000,
      "downloadFile(ae.safetensors, xet: false)",
    );
    const bytes = Buffer.from(await blob.arrayBuffer());
    assert.equal(sha256(bytes), want.etag);
    const entries = await journal(server);
    await explained(server, async () => {
      assert.ok(!entries.some((e) => e.server === "cas"), "no CAS request without Xet");
      assert.ok(entries.some((e) => e.server === "cdn" && e.target.startsWith("/xet-bridge-us/")), "the bridge served it");
    });
  });
});
