// The CDN on the decision function: signatures, expiry, flavours, Range.
#include "hub_fixture.h"

namespace mockhub::testing {
namespace {

class CdnTest : public HubTest {
 protected:
  std::string Url() {
    return Head(std::string("/") + kClip + "/resolve/main/model.safetensors").Get("Location");
  }
  const Content& Object() { return *MainCommit().files.at("model.safetensors").content; }
};

TEST_F(CdnTest, ServesTheObjectWithEtagAndCloudFrontMarker) {
  HttpResponse r = Cdn(Url());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_length, Object().size());
  EXPECT_EQ(r.Get("ETag"), "\"" + Object().Sha256() + "\"");
  EXPECT_EQ(r.Get("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.Get("X-Cache"), "Miss from cloudfront");
  EXPECT_TRUE(r.flags.empty());
}

TEST_F(CdnTest, RejectsExpiredSignature) {
  const std::string url = Url();
  now_ += world_.options.cdn_url_ttl;
  HttpResponse r = Cdn(url);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("<Code>AccessDenied</Code><Message>Request has expired</Message>"),
            std::string::npos);
}

TEST_F(CdnTest, RejectsForgedSignatureOrExtendedExpiry) {
  std::string url = Url();
  std::string forged = url;
  forged[forged.size() - 1] = forged.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(Cdn(forged).status, 403);
  const auto e = url.find("Expires=") + 8;
  std::string extended = url;
  extended[e] = extended[e] == '9' ? '8' : '9';
  EXPECT_EQ(Cdn(extended).status, 403);
  EXPECT_EQ(Cdn(url.substr(0, url.find('?'))).status, 403);
}

TEST_F(CdnTest, CloudFrontServesARequestWithAuthorizationButFlagsTheLeak) {
  HttpResponse r = Cdn(Url(), {{"Authorization", "Bearer hf_alice"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.flags, std::vector<std::string>{"token_leak"});
}

TEST_F(CdnTest, S3RefusesARequestWithAuthorizationWith400InvalidArgument) {
  world_.options.cdn_flavour = CdnFlavour::kS3;
  const std::string url = Url();
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
  EXPECT_EQ(Cdn(url, {}, CdnFlavour::kS3).status, 200);
  HttpResponse r = Cdn(url, {{"Authorization", "Bearer hf_alice"}}, CdnFlavour::kS3);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>InvalidArgument</Code><Message>Only one auth mechanism allowed"),
            std::string::npos);
  EXPECT_EQ(r.body.find("hf_alice"), std::string::npos);
  EXPECT_EQ(r.flags, std::vector<std::string>{"token_leak"});
}

TEST_F(CdnTest, SingleRangeIs206WithExactContentRange) {
  HttpResponse r = Cdn(Url(), {{"Range", "bytes=1000-"}});
  ASSERT_EQ(r.status, 206);
  EXPECT_EQ(r.Get("Content-Range"), "bytes 1000-67108863/67108864");
  EXPECT_EQ(r.content_offset, 1000u);
  EXPECT_EQ(r.content_length, 67108864u - 1000);
}

TEST_F(CdnTest, UnsatisfiableRangeIs416WithObjectSize) {
  HttpResponse r = Cdn(Url(), {{"Range", "bytes=67108864-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.Get("Content-Range"), "bytes */67108864");
}

TEST_F(CdnTest, IfRangeWithAnotherEtagServesTheWholeObject) {
  HttpResponse stale = Cdn(Url(), {{"Range", "bytes=10-"}, {"If-Range", "\"something-else\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.content_length, Object().size());
  HttpResponse fresh =
      Cdn(Url(), {{"Range", "bytes=10-"}, {"If-Range", "\"" + Object().Sha256() + "\""}});
  EXPECT_EQ(fresh.status, 206);
}

TEST_F(CdnTest, UnknownObjectIs404NoSuchKey) {
  std::string url = Url();
  const auto sha_at = url.find(Object().Sha256());
  url.replace(sha_at, 64, std::string(64, '0'));
  HttpResponse r = Cdn(url);
  EXPECT_EQ(r.status, 403);  // the path is signed: a changed path fails the signature first
}

}  // namespace
}  // namespace mockhub::testing
