// URL signing (signer.h): what a signature binds, and expiry as the CDN
// enforces it on a URL the hub signed.
#include "mockhub/http/signer.h"

#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

const std::string kPath = "/repos/models/org/name/" + std::string(64, 'a');
const std::string kQuery = "response-content-disposition=inline&Expires=1767229200&Key-Pair-Id=K1";

bool Verifies(const Signer& signer, const std::string& target,
              const std::string& param = "Signature") {
  return signer.Verify(ParseTarget(target), param);
}

// Replaces the first `from` in `s` with `to`.
std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << s;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Signer, SignAppendsTheSignatureParameterToPathAndQuery) {
  const std::string signed_url = Signer(kKey).Sign(kPath, kQuery, "Signature");
  const std::string prefix = kPath + "?" + kQuery + "&Signature=";
  ASSERT_EQ(signed_url.rfind(prefix, 0), 0u) << signed_url;
  const std::string sig = signed_url.substr(prefix.size());
  EXPECT_EQ(sig.size(), 64u) << sig;  // HMAC-SHA256, hex
  EXPECT_EQ(sig.find_first_not_of("0123456789abcdef"), std::string::npos) << sig;
}

TEST(Signer, SignedUrlVerifiesWithTheSameKey) {
  const Signer signer(kKey);
  EXPECT_TRUE(Verifies(signer, signer.Sign(kPath, kQuery, "Signature")));
}

TEST(Signer, SigningIsDeterministic) {
  EXPECT_EQ(Signer(kKey).Sign(kPath, kQuery, "Signature"),
            Signer(kKey).Sign(kPath, kQuery, "Signature"));
}

TEST(Signer, AnotherKeyDoesNotVerify) {
  const std::string url = Signer(kKey).Sign(kPath, kQuery, "Signature");
  EXPECT_FALSE(Verifies(Signer("another-key"), url));
}

TEST(Signer, TamperedPathDoesNotVerify) {
  const Signer signer(kKey);
  const std::string url = signer.Sign(kPath, kQuery, "Signature");
  EXPECT_FALSE(Verifies(signer, Replace(url, "/org/name/", "/org/other/")));
  EXPECT_FALSE(Verifies(signer, Replace(url, "/repos/models/", "/repos/datasets/")));
}

TEST(Signer, TamperedQueryValueDoesNotVerify) {
  const Signer signer(kKey);
  const std::string url = signer.Sign(kPath, kQuery, "Signature");
  EXPECT_FALSE(Verifies(signer, Replace(url, "Expires=1767229200", "Expires=1767229201")));
  EXPECT_FALSE(Verifies(signer, Replace(url, "=inline", "=attachment")));
}

TEST(Signer, AddedOrRemovedParameterDoesNotVerify) {
  const Signer signer(kKey);
  const std::string url = signer.Sign(kPath, kQuery, "Signature");
  EXPECT_FALSE(Verifies(signer, url + "&Expires=9999999999"));
  EXPECT_FALSE(Verifies(signer, Replace(url, "&Key-Pair-Id=K1", "")));
}

TEST(Signer, ReorderedParametersDoNotVerify) {
  // The signature covers the parameters in URL order.
  const Signer signer(kKey);
  const std::string url = signer.Sign(kPath, "a=1&b=2", "Signature");
  EXPECT_TRUE(Verifies(signer, url));
  EXPECT_FALSE(Verifies(signer, Replace(url, "a=1&b=2", "b=2&a=1")));
}

TEST(Signer, TamperedSignatureDoesNotVerify) {
  const Signer signer(kKey);
  std::string url = signer.Sign(kPath, kQuery, "Signature");
  url.back() = url.back() == '0' ? '1' : '0';
  EXPECT_FALSE(Verifies(signer, url));
  const std::string good = signer.Sign(kPath, kQuery, "Signature");
  EXPECT_FALSE(Verifies(signer, good + "0"));  // one character too many
  EXPECT_FALSE(Verifies(signer, good.substr(0, good.size() - 1)));
}

TEST(Signer, MissingSignatureDoesNotVerify) {
  EXPECT_FALSE(Verifies(Signer(kKey), kPath + "?" + kQuery));
  EXPECT_FALSE(Verifies(Signer(kKey), kPath + "?" + kQuery + "&Signature="));
}

TEST(Signer, SignatureUnderAnotherParameterNameDoesNotVerify) {
  const Signer signer(kKey);
  const std::string url = signer.Sign(kPath, kQuery, "X-Amz-Signature");
  EXPECT_TRUE(Verifies(signer, url, "X-Amz-Signature"));
  EXPECT_FALSE(Verifies(signer, url, "Signature"));
}

TEST(Signer, SignsAnyPathOfAnySite) {
  // Not only CDN object paths: a later site (Xet) signs its own.
  const Signer signer(kKey);
  for (const std::string& path :
       {std::string("/xorbs/default/") + std::string(64, 'b'), std::string("/"),
        std::string("/a%2Fb/c d"), std::string("/api/resolve-cache/models/o/n")}) {
    const std::string url = signer.Sign(path, "X-Xet-Expires=5", "sig");
    EXPECT_TRUE(Verifies(signer, url, "sig")) << url;
    // The same query and signature on another path is refused.
    EXPECT_FALSE(Verifies(signer, "/elsewhere" + url.substr(path.size()), "sig")) << url;
  }
}

TEST(Signer, EncodedAndDecodedSlashAreDifferentPaths) {
  const Signer signer(kKey);
  const std::string url = signer.Sign("/a%2Fb", "x=1", "Signature");
  EXPECT_FALSE(Verifies(signer, Replace(url, "/a%2Fb", "/a/b")));
}

// --- expiry, as the CDN checks it on a URL the hub signed -----------------------

class SignedUrlExpiryTest : public HubTest {
 protected:
  std::string Url() {
    return Head(std::string("/") + kClip + "/resolve/main/model.safetensors").Get("Location");
  }
};

TEST_F(SignedUrlExpiryTest, ValidUntilTheLastSecondOfItsTtl) {
  const std::string url = Url();
  now_ = kNow + world_.options.cdn_url_ttl - 1;
  EXPECT_EQ(Cdn(url).status, 200);
}

TEST_F(SignedUrlExpiryTest, ExpiredAtItsTtlWith403RequestHasExpired) {
  const std::string url = Url();
  now_ = kNow + world_.options.cdn_url_ttl;
  HttpResponse r = Cdn(url);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("<Code>AccessDenied</Code><Message>Request has expired</Message>"),
            std::string::npos)
      << r.body;
}

TEST_F(SignedUrlExpiryTest, PushingTheExpiryBackIsAForgeryNotARenewal) {
  const std::string url = Url();
  now_ = kNow + world_.options.cdn_url_ttl;
  const std::string expires = "Expires=" + std::to_string(kNow + world_.options.cdn_url_ttl);
  const std::string later = "Expires=" + std::to_string(kNow + 10 * world_.options.cdn_url_ttl);
  HttpResponse r = Cdn(Replace(url, expires, later));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("Request has expired"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<Code>AccessDenied</Code><Message>Access denied</Message>"),
            std::string::npos)
      << r.body;
}

TEST_F(SignedUrlExpiryTest, S3UrlExpiresAtItsDatePlusExpiresAndForgeriesAreSignatureDoesNotMatch) {
  world_.options.cdn_flavour = CdnFlavour::kS3;
  const std::string url = Url();
  EXPECT_EQ(Cdn(url, {}, CdnFlavour::kS3).status, 200);
  HttpResponse forged =
      Cdn(Replace(url, "X-Amz-Expires=3600", "X-Amz-Expires=7200"), {}, CdnFlavour::kS3);
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos)
      << forged.body;
  now_ = kNow + world_.options.cdn_url_ttl;
  HttpResponse expired = Cdn(url, {}, CdnFlavour::kS3);
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("Request has expired"), std::string::npos) << expired.body;
}

}  // namespace
}  // namespace mockhub::testing
