// The Xet texts without sockets: the Link header by the JavaScript client's
// rules, X-Xet-Hash, the token exchange's body, v1 and v2 reconstructions
// and the plan made from them (multi-term, offset_into_first_range, a cut
// last term, a v2 entry with several ranges).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "xet/xet_json.h"
#include "xet/xet_metadata.h"
#include "xet/xet_reconstruction.h"
#include "xet/xet_token.h"

namespace hubget {
namespace {

using ::testing::HasSubstr;

const std::string kHash(64, 'a');

TEST(XetLinkTest, ReadsBothRelsOfTheHubsHeader) {
  const auto rels = ParseLinkRels(
      "<https://hub.test/api/models/o/r/xet-read-token/abc>; rel=\"xet-auth\", "
      "<https://cas.test/v1/reconstructions/" +
      kHash + ">; rel=\"xet-reconstruction-info\"");
  ASSERT_EQ(rels.size(), 2u);
  EXPECT_EQ(rels.at("xet-auth"), "https://hub.test/api/models/o/r/xet-read-token/abc");
  EXPECT_EQ(rels.at("xet-reconstruction-info"), "https://cas.test/v1/reconstructions/" + kHash);
}

TEST(XetLinkTest, FollowsTheJavaScriptPattern) {
  // No space after ';', a relative URL, an unquoted rel, an empty URL: no match.
  EXPECT_TRUE(ParseLinkRels("<https://a.test/x>;rel=\"a\"").empty());
  EXPECT_TRUE(ParseLinkRels("</api/x>; rel=\"a\"").empty());
  EXPECT_TRUE(ParseLinkRels("<https://a.test/x>; rel=a").empty());
  EXPECT_TRUE(ParseLinkRels("<https://>; rel=\"a\"").empty());
  EXPECT_TRUE(ParseLinkRels("<ftp://a.test/x>; rel=\"a\"").empty());
  // Several spaces or a tab after ';' match; the last entry of a rel wins.
  const auto rels =
      ParseLinkRels("<http://a.test/1>;  rel=\"a\", <http://a.test/2>;\trel=\"a\", junk <x");
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_EQ(rels.at("a"), "http://a.test/2");
}

TEST(XetLinkTest, AnEntryThatFailsDoesNotHideTheNextOne) {
  const auto rels = ParseLinkRels("<https://a.test/1>; rel=, <https://a.test/2>; rel=\"b\"");
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_EQ(rels.at("b"), "https://a.test/2");
}

Headers XetHeaders(const std::string& hash, const std::string& link) {
  Headers h;
  h.Add("X-Xet-Hash", hash);
  h.Add("Link", link);
  return h;
}

TEST(XetFileInfoTest, NeedsTheHashAndBothRels) {
  const std::string link =
      "<https://hub.test/t>; rel=\"xet-auth\", <https://cas.test/r>; "
      "rel=\"xet-reconstruction-info\"";
  std::string problem;
  auto info = XetFileInfoFrom(XetHeaders(kHash, link), &problem);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->hash, kHash);
  EXPECT_EQ(info->auth_url, "https://hub.test/t");
  EXPECT_EQ(info->reconstruction_url, "https://cas.test/r");
  EXPECT_EQ(problem, "");
  EXPECT_FALSE(XetFileInfoFrom(Headers{{"Link", link}}, &problem));
  EXPECT_EQ(problem, "");  // not a Xet file at all: nothing to say
}

TEST(XetFileInfoTest, LinkHeadersOnSeveralLinesAreJoined) {
  Headers h;
  h.Add("X-Xet-Hash", kHash);
  h.Add("Link", "<https://hub.test/t>; rel=\"xet-auth\"");
  h.Add("link", "<https://cas.test/r>; rel=\"xet-reconstruction-info\"");
  EXPECT_TRUE(XetFileInfoFrom(h, nullptr));
}

TEST(XetFileInfoTest, SaysWhyXetDataIsUnusable) {
  std::string problem;
  EXPECT_FALSE(
      XetFileInfoFrom(XetHeaders("abc", "<https://h.test/t>; rel=\"xet-auth\""), &problem));
  EXPECT_THAT(problem, HasSubstr("not 64 hex characters (3 characters)"));
  EXPECT_FALSE(
      XetFileInfoFrom(XetHeaders(kHash, "<https://h.test/t>; rel=\"xet-auth\""), &problem));
  EXPECT_THAT(problem, HasSubstr("xet-reconstruction-info"));
}

TEST(XetTokenJsonTest, ReadsTheExchangeBody) {
  auto t = ParseCasToken(
      R"({"accessToken":"eyJ.abc.def","exp":1767229200,"casUrl":"https://cas.test/"})");
  ASSERT_TRUE(t) << t.error().detail;
  EXPECT_EQ(t->access_token, "eyJ.abc.def");
  EXPECT_EQ(t->exp, 1767229200);
  EXPECT_EQ(t->cas_url, "https://cas.test");
}

TEST(XetTokenJsonTest, RefusesWhatCannotBeUsedWithoutQuotingTheToken) {
  for (const char* body : {R"({"accessToken":"sec ret","exp":1,"casUrl":"https://c.test"})",
                           R"({"accessToken":"secret","exp":-1,"casUrl":"https://c.test"})",
                           R"({"accessToken":"secret","exp":1.5,"casUrl":"https://c.test"})",
                           R"({"accessToken":"secret","exp":1,"casUrl":"ftp://c.test"})",
                           R"({"accessToken":"secret","exp":1})", "[]", "not json"}) {
    auto t = ParseCasToken(body);
    ASSERT_FALSE(t) << body;
    EXPECT_EQ(t.error().kind, Kind::kNotAHub);
    EXPECT_THAT(t.error().detail, ::testing::Not(HasSubstr("secret")));
  }
}

TEST(XetTokenUrlTest, TheRealHubsPrefixGoesToTheConfiguredEndpoint) {
  EXPECT_EQ(XetAuthUrlFor("https://huggingface.co/api/models/o/r/xet-read-token/c",
                          "https://mirror.test"),
            "https://mirror.test/api/models/o/r/xet-read-token/c");
  EXPECT_EQ(XetAuthUrlFor("https://huggingface.co/api/x", "https://huggingface.co"),
            "https://huggingface.co/api/x");
  EXPECT_EQ(XetAuthUrlFor("https://other.test/api/x", "https://mirror.test"),
            "https://other.test/api/x");
}

constexpr const char* kV1 = R"({
  "offset_into_first_range": 300,
  "terms": [
    {"hash": "xa", "unpacked_length": 2000, "range": {"start": 1, "end": 3}},
    {"hash": "xb", "unpacked_length": 1000, "range": {"start": 0, "end": 1}},
    {"hash": "xa", "unpacked_length": 1000, "range": {"start": 1, "end": 2}}],
  "fetch_info": {
    "xa": [{"range": {"start": 0, "end": 1}, "url": "https://cdn.test/xa?s=0", "url_range": {"start": 0, "end": 99}},
           {"range": {"start": 1, "end": 4}, "url": "https://cdn.test/xa?s=1", "url_range": {"start": 100, "end": 399}}],
    "xb": [{"range": {"start": 0, "end": 1}, "url": "http://cdn.test/xb", "url_range": {"start": 0, "end": 49}}]}})";

TEST(XetReconstructionTest, ParsesV1) {
  auto r = ParseReconstructionV1(kV1);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->offset_into_first_range, 300u);
  ASSERT_EQ(r->terms.size(), 3u);
  EXPECT_EQ(r->terms[1].xorb, "xb");
  EXPECT_EQ(r->terms[0].chunks.start, 1u);
  EXPECT_EQ(r->terms[0].chunks.end, 3u);
  ASSERT_EQ(r->fetch.at("xa").size(), 2u);
  EXPECT_EQ(r->fetch.at("xa")[1].bytes.start, 100u);
  EXPECT_EQ(r->fetch.at("xa")[1].bytes.end, 399u);
}

TEST(XetReconstructionTest, PlansEachTermWithTheEntryThatContainsIt) {
  auto r = ParseReconstructionV1(kV1);
  ASSERT_TRUE(r);
  // Bytes 5000.. of the file; the terms give 1700 + 1000 + 1000, 2500 wanted.
  auto units = PlanUnits(*r, 5000, 2500);
  ASSERT_TRUE(units) << units.error().detail;
  ASSERT_EQ(units->size(), 2u);
  const XetUnit& u0 = (*units)[0];
  EXPECT_EQ(u0.fetch->url, "https://cdn.test/xa?s=1");  // chunks 1-2 are in [1, 4)
  EXPECT_EQ(u0.slice.range_first, 1u);
  EXPECT_EQ(u0.slice.skip, 300u);
  EXPECT_EQ(u0.slice.take, 1700u);
  EXPECT_EQ(u0.file_offset, 5000u);
  EXPECT_EQ((*units)[1].fetch->url, "http://cdn.test/xb");
  EXPECT_EQ((*units)[1].slice.take, 800u);  // cut at the end of what was asked
  EXPECT_EQ((*units)[1].file_offset, 6700u);
}

TEST(XetReconstructionTest, ARepeatedRangeIsFetchedForEachTerm) {
  auto r = ParseReconstructionV1(kV1);
  ASSERT_TRUE(r);
  auto units = PlanUnits(*r, 0, 1u << 20);  // more than the terms hold: all of them
  ASSERT_TRUE(units) << units.error().detail;
  ASSERT_EQ(units->size(), 3u);
  EXPECT_EQ((*units)[2].fetch->url, "https://cdn.test/xa?s=1");
  EXPECT_EQ((*units)[2].slice.first, 1u);
  EXPECT_EQ((*units)[2].slice.skip, 0u);
  EXPECT_EQ((*units)[2].slice.take, 1000u);
  EXPECT_EQ((*units)[2].file_offset, 2700u);
}

TEST(XetReconstructionTest, ParsesV2AndSplitsMultiRangeEntries) {
  auto r = ParseReconstructionV2(R"({
    "offset_into_first_range": 0,
    "terms": [{"hash": "xa", "unpacked_length": 10, "range": {"start": 5, "end": 8}}],
    "xorbs": {"xa": [{"url": "https://cdn.test/xa",
                      "ranges": [{"chunks": {"start": 0, "end": 3}, "bytes": {"start": 0, "end": 1023}},
                                 {"chunks": {"start": 5, "end": 8}, "bytes": {"start": 2048, "end": 3071}}]}]}})");
  ASSERT_TRUE(r) << r.error().detail;
  ASSERT_EQ(r->fetch.at("xa").size(), 2u);
  auto units = PlanUnits(*r, 0, 10);
  ASSERT_TRUE(units) << units.error().detail;
  ASSERT_EQ(units->size(), 1u);
  EXPECT_EQ((*units)[0].fetch->url, "https://cdn.test/xa");
  EXPECT_EQ((*units)[0].fetch->bytes.start, 2048u);
  EXPECT_EQ((*units)[0].fetch->bytes.end, 3071u);
  EXPECT_EQ((*units)[0].slice.range_first, 5u);
}

TEST(XetReconstructionTest, MalformedBodiesSayWhere) {
  auto bad = ParseReconstructionV1(
      R"({"offset_into_first_range":0,"terms":[{"hash":"x","unpacked_length":1,"range":{"start":2,"end":2}}],"fetch_info":{}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, Kind::kNotAHub);
  EXPECT_THAT(bad.error().detail, HasSubstr(".terms[0].range is empty"));
  auto url = ParseReconstructionV2(
      R"({"offset_into_first_range":0,"terms":[],"xorbs":{"x":[{"url":"/rel","ranges":[]}]}})");
  ASSERT_FALSE(url);
  EXPECT_THAT(url.error().detail, HasSubstr("not an absolute http(s) URL"));
  auto name = ParseReconstructionV1(
      R"({"offset_into_first_range":0,"terms":[{"hash":"a\nb","unpacked_length":1,"range":{"start":0,"end":1}}],"fetch_info":{}})");
  ASSERT_FALSE(name);
  EXPECT_THAT(name.error().detail, HasSubstr("is not a xorb hash"));
  EXPECT_FALSE(ParseReconstructionV2(kV1));  // v1 body where v2 is expected
}

TEST(XetReconstructionTest, UnusablePlansAreNotAHub) {
  XetReconstruction r;
  r.terms.push_back({"xa", {0, 2}, 100});
  auto missing = PlanUnits(r, 0, 100);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().detail, HasSubstr("no fetch entry of its xorb contains term 0"));
  r.fetch["xa"].push_back({"https://cdn.test/xa", {0, 2}, {0, 99}});
  r.offset_into_first_range = 100;
  auto offset = PlanUnits(r, 0, 100);
  ASSERT_FALSE(offset);
  EXPECT_THAT(offset.error().detail, HasSubstr("offset_into_first_range 100"));
  r.offset_into_first_range = 0;
  r.terms.clear();
  EXPECT_FALSE(PlanUnits(r, 0, 100));
}

}  // namespace
}  // namespace hubget
