#!/usr/bin/env python3
"""The release tarball's binaries run in an empty root (issue 20, 4a).

A chroot holds only bin/mockhub, bin/hubget, /dev/null, /dev/zero, /dev/urandom and an
empty /tmp: no /etc, no /proc, no library. Inside it `mockhub serve` serves the embedded
demo world and `hubget download` fetches an LFS file and a Xet file through it; the bytes
are compared with what the mock serves (read from outside the root), the LFS file with its
X-Linked-Etag (its sha256), and the journal shows that the Xet file came through the CAS.
A second root adds only Fedora's CA bundle path, holding the mock's CA: hubget then
downloads over HTTPS with no CA variable set, finding the bundle by itself. A third adds
only /etc/hosts: hubget reaches the hub by a host name it lists (c-ares, not glibc's NSS).

  empty_root_test.py --dist DIR --work DIR
Needs root (chroot, mknod); without it the test fails and says so.
"""
import argparse
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request

LFS = ("InvokeAI/ip_adapter_sd_image_encoder", "model.safetensors")
XET = ("black-forest-labs/FLUX.1-schnell", "ae.safetensors")
FEDORA_BUNDLE = "etc/pki/tls/certs/ca-bundle.crt"


def fail(message):
    print("FAIL: " + message, flush=True)
    sys.exit(1)


def tarball(dist):
    found = [n for n in os.listdir(dist) if n.endswith("-linux-x86_64.tar.gz")]
    if len(found) != 1:
        fail(f"expected one *-linux-x86_64.tar.gz in {dist}, found {found}")
    return os.path.join(dist, found[0])


def make_root(work, name, archive):
    """A root holding the tarball's two binaries, three devices and /tmp, nothing else."""
    root = os.path.join(work, name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "bin"))
    os.makedirs(os.path.join(root, "dev"))
    os.makedirs(os.path.join(root, "tmp"), mode=0o1777)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if len(parts) == 3 and parts[1] == "bin" and member.isfile():
                with tar.extractfile(member) as src, open(
                    os.path.join(root, "bin", parts[2]), "wb"
                ) as dst:
                    shutil.copyfileobj(src, dst)
                os.chmod(os.path.join(root, "bin", parts[2]), 0o755)
    for binary in ("mockhub", "hubget"):
        if not os.path.isfile(os.path.join(root, "bin", binary)):
            fail(f"the tarball {archive} has no bin/{binary}")
    for dev, minor in (("null", 3), ("zero", 5), ("urandom", 9)):
        os.mknod(os.path.join(root, "dev", dev), 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return root


def in_root(root):
    def enter():
        os.chroot(root)
        os.chdir("/")

    return enter


class Served:
    """`mockhub serve` inside a root, stopped on exit."""

    def __init__(self, root, extra):
        self.root = root
        env_path = os.path.join(root, "tmp", "env")
        self.log = open(os.path.join(root, "..", os.path.basename(root) + "-serve.log"), "wb")
        self.proc = subprocess.Popen(
            ["/bin/mockhub", "serve", "--env-file", "/tmp/env"] + extra,
            preexec_fn=in_root(root),
            env={"PATH": "/bin", "HOME": "/tmp", "TMPDIR": "/tmp"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while not os.path.exists(env_path):
            if self.proc.poll() is not None:
                fail(f"mockhub serve exited with {self.proc.returncode} in the root: {self.output()}")
            if time.monotonic() > deadline:
                fail(f"mockhub serve wrote no env file within 20 s: {self.output()}")
            time.sleep(0.05)
        with open(env_path) as f:
            self.vars = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)

    def output(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read().decode("utf-8", "replace")[-2000:]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def hubget(root, served, repo, file, extra_env=None):
    env = {"PATH": "/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "HF_HUB_DISABLE_TELEMETRY": "1"}
    env.update({k: v for k, v in served.vars.items() if k != "MOCKHUB_PID"})
    env.update(extra_env or {})
    out = "/tmp/out-" + hashlib.sha256(repo.encode()).hexdigest()[:8]
    run = subprocess.run(
        ["/bin/hubget", "download", "--quiet", "--local-dir", out, "--", repo, file],
        preexec_fn=in_root(root),
        env=env,
        capture_output=True,
        timeout=120,
    )
    if run.returncode != 0:
        fail(
            f"hubget download {repo} {file} in the root exited {run.returncode}:\n"
            + run.stderr.decode("utf-8", "replace")[-2000:]
        )
    return os.path.join(root, out.lstrip("/"), file)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def opener(context=None, follow=True):
    """urllib without the host's proxy variables (the mock is on loopback)."""
    handlers = [urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context)]
    if not follow:
        handlers.append(NoRedirect)
    return urllib.request.build_opener(*handlers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def served_bytes(endpoint, repo, file, context=None):
    """sha256 of the file as the mock serves it (resolve, redirects followed) and the hub's
    X-Linked-Etag, read from outside the root."""
    url = f"{endpoint}/{repo}/resolve/main/{file}"
    try:
        answer = opener(context, follow=False).open(
            urllib.request.Request(url, method="HEAD"), timeout=30)
    except urllib.error.HTTPError as redirect:
        answer = redirect
    etag = (answer.headers.get("X-Linked-Etag") or "").strip('"')
    h = hashlib.sha256()
    with opener(context).open(url, timeout=60) as body:
        for block in iter(lambda: body.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest(), etag


def journal_targets(endpoint, context=None):
    with opener(context).open(endpoint + "/_mockhub/requests", timeout=10) as r:
        return [(e.get("server"), e.get("method"), e.get("target")) for e in json.load(r)]


def check_plain_root(work, archive):
    root = make_root(work, "root", archive)
    with Served(root, []) as served:
        endpoint = served.vars.get("HF_ENDPOINT", "")
        if not endpoint.startswith("http://"):
            fail(f"no HF_ENDPOINT in the env file: {served.vars}")
        lfs = hubget(root, served, *LFS)
        want, etag = served_bytes(endpoint, *LFS)
        got = sha256_file(lfs)
        if got != want or got != etag:
            fail(f"LFS {LFS}: downloaded sha256 {got}, served {want}, X-Linked-Etag {etag}")
        print(f"ok: LFS {LFS[0]}/{LFS[1]} in an empty root, sha256 {got[:16]}… = X-Linked-Etag")
        xet = hubget(root, served, *XET)
        want, _ = served_bytes(endpoint, *XET)
        got = sha256_file(xet)
        if got != want:
            fail(f"Xet {XET}: downloaded sha256 {got}, served {want}")
        cas = [t for t in journal_targets(endpoint) if t[0] == "cas"]
        if not any("/reconstructions/" in (t[2] or "") for t in cas):
            fail(f"the Xet file did not come through the CAS: CAS requests {cas}")
        print(f"ok: Xet {XET[0]}/{XET[1]} in an empty root through the CAS, sha256 {got[:16]}…")


def check_fedora_ca(work, archive):
    """https with the mock's CA only at Fedora's bundle path and no CA variable."""
    import ssl

    root = make_root(work, "root-fedora-ca", archive)
    with Served(root, ["--tls", "--tls-dir", "/tmp/tls"]) as served:
        endpoint = served.vars.get("HF_ENDPOINT", "")
        ca_inside = os.path.join(root, "tmp", "tls", "ca.pem")
        if not endpoint.startswith("https://") or not os.path.isfile(ca_inside):
            fail(f"mockhub serve --tls gave {served.vars} and no {ca_inside}")
        os.makedirs(os.path.dirname(os.path.join(root, FEDORA_BUNDLE)))
        shutil.copy(ca_inside, os.path.join(root, FEDORA_BUNDLE))
        without_ca = {k: v for k, v in served.vars.items() if k not in ("MOCKHUB_CA",)}
        served.vars = without_ca
        path = hubget(root, served, *LFS)
        context = ssl.create_default_context(cafile=ca_inside)
        want, _ = served_bytes(endpoint, *LFS, context=context)
        if sha256_file(path) != want:
            fail("the LFS file fetched over https differs from what the mock serves")
        print("ok: https in a root whose only CA bundle is at Fedora's path, no CA variable set")


def check_hosts_file(work, archive):
    """A host name, resolved by the static hubget from /etc/hosts (c-ares, no NSS)."""
    root = make_root(work, "root-hosts", archive)
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc", "hosts"), "w") as f:
        f.write("127.0.0.1 hub.mockhub.test\n")
    with Served(root, []) as served:
        endpoint = served.vars.get("HF_ENDPOINT", "")
        port = endpoint.rsplit(":", 1)[-1]
        served.vars["HF_ENDPOINT"] = "http://hub.mockhub.test:" + port
        path = hubget(root, served, *LFS)
        want, _ = served_bytes(endpoint, *LFS)
        if sha256_file(path) != want:
            fail("the LFS file fetched through hub.mockhub.test differs from what the mock serves")
        print("ok: a host name from the root's /etc/hosts (hub.mockhub.test) resolved by hubget")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dist", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    if os.geteuid() != 0:
        fail("this test needs root (chroot and mknod build the empty root); CI runs as root: "
             "run ctest as root or through sudo")
    os.makedirs(args.work, exist_ok=True)
    archive = tarball(args.dist)
    check_plain_root(args.work, archive)
    check_fedora_ca(args.work, archive)
    check_hosts_file(args.work, archive)


if __name__ == "__main__":
    main()
