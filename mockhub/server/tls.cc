// Certificate generation with OpenSSL 3 (see tls.h for why).
#include "mockhub/server/tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mockhub {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

std::string OpenSslError() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

bool AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Owned<X509> MakeCert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                     long serial) {
  Owned<X509> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("mockhub"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  (void)issuer_key;
  return cert;
}

std::string Pem(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string Pem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << data;
  out.close();
  return out.good() && ::chmod(path.c_str(), mode) == 0;
}

}  // namespace

Status GenerateTls(const std::string& dir, const std::vector<std::string>& ip_sans,
                   const std::vector<std::string>& dns_sans, TlsMaterial& out) {
  Owned<EVP_PKEY> ca_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  Owned<EVP_PKEY> leaf_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!ca_key || !leaf_key) return Internal("key generation failed: " + OpenSslError());
  Owned<X509> ca = MakeCert(ca_key.get(), "mockhub test CA", nullptr, nullptr, 1);
  bool ok = AddExt(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE") &&
            AddExt(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") &&
            AddExt(ca.get(), ca.get(), NID_subject_key_identifier, "hash") &&
            X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0;
  Owned<X509> leaf = MakeCert(leaf_key.get(), "mockhub", ca.get(), ca_key.get(), 2);
  std::string san;
  for (const auto& ip : ip_sans) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  for (const auto& dns : dns_sans) san += (san.empty() ? "" : ",") + std::string("DNS:") + dns;
  ok = ok && AddExt(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") &&
       AddExt(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature") &&
       AddExt(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth") &&
       AddExt(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always") &&
       AddExt(leaf.get(), ca.get(), NID_subject_alt_name, san) &&
       X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0;
  if (!ok) return Internal("certificate generation failed: " + OpenSslError());
  out.ca_pem = Pem(ca.get());
  out.cert_pem = Pem(leaf.get());
  out.key_pem = Pem(leaf_key.get());
  out.ca_file = dir + "/ca.pem";
  out.cert_file = dir + "/cert.pem";
  out.key_file = dir + "/key.pem";
  if (!WriteFile(out.ca_file, out.ca_pem, 0644) || !WriteFile(out.cert_file, out.cert_pem, 0644) ||
      !WriteFile(out.key_file, out.key_pem, 0600)) {
    return FailedPrecondition("cannot write certificates into " + dir);
  }
  return Status::Ok();
}

namespace {

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mockhub-tls-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return "";
  return tmpl;
}

bool LooksLikeIp(const std::string& h) {
  return !h.empty() && (h.find(':') != std::string::npos ||
                        h.find_first_not_of("0123456789.") == std::string::npos);
}

}  // namespace

Status SetUpSiteTls(const std::string& dir, const std::vector<std::string>& hosts, TlsMaterial& out,
                    std::string& owned_dir) {
  const std::string where = dir.empty() ? MakeTempDir() : dir;
  if (where.empty())
    return FailedPrecondition("cannot create a directory for the TLS certificates");
  if (dir.empty()) owned_dir = where;
  std::error_code ec;
  std::filesystem::create_directories(where, ec);
  std::vector<std::string> ips = {"127.0.0.1", "::1"}, names = {"localhost"};
  for (const auto& h : hosts) {
    auto& list = LooksLikeIp(h) ? ips : names;
    if (std::find(list.begin(), list.end(), h) == list.end()) list.push_back(h);
  }
  return GenerateTls(where, ips, names, out);
}

void RemoveTlsDir(std::string& owned_dir) {
  if (owned_dir.empty()) return;
  for (const char* f : {"/ca.pem", "/cert.pem", "/key.pem"}) std::remove((owned_dir + f).c_str());
  ::rmdir(owned_dir.c_str());
  owned_dir.clear();
}

}  // namespace mockhub
