// Child process of the TLS case in conformance.test.mjs. NODE_EXTRA_CA_CERTS
// is read only when node starts, so trusting (or not) mockhub's generated CA
// needs a process of its own. Usage: node tls-client.mjs <hubUrl>
// Prints one JSON line: what the client saw, or the error it raised.
import { createHash } from "node:crypto";
import { downloadFile, listFiles } from "@huggingface/hub";

const hubUrl = process.argv[2];
const repo = "InvokeAI/clip-vit-large-patch14";

try {
  const files = [];
  for await (const f of listFiles({ repo, hubUrl })) files.push({ path: f.path, size: f.size });
  const config = await downloadFile({ repo, path: "config.json", hubUrl });
  const model = await downloadFile({ repo, path: "model.safetensors", hubUrl });
  const bytes = Buffer.from(await model.arrayBuffer());
  console.log(
    JSON.stringify({
      ok: true,
      files,
      config: await config.text(),
      modelSize: bytes.length,
      modelSha256: createHash("sha256").update(bytes).digest("hex"),
    }),
  );
} catch (err) {
  // fetch reports TLS failures as TypeError("fetch failed") with the OpenSSL
  // verification code on err.cause.
  console.log(
    JSON.stringify({ ok: false, name: err.name, message: err.message, cause: err.cause?.code ?? err.cause?.message }),
  );
}
