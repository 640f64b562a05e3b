// The Xet JSON bodies. See xet_json.h.
#include "xet_json.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>

#include "hubget/url.h"

namespace hubget {
namespace {

using nlohmann::json;

// A parse failure: the reason, with the JSON path where it was found.
struct Bad {
  std::string why;
};

std::uint64_t Unsigned(const json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) {
    throw Bad{where + "." + key + " is not a non-negative integer"};
  }
  return it->get<std::uint64_t>();
}

const json& Member(const json& j, const char* key, json::value_t type, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || it->type() != type) {
    throw Bad{where + "." + key + " is missing or of the wrong type"};
  }
  return *it;
}

// Xorb hashes are 64 hex on the Hub; any short word is accepted (tests and
// other servers use names like "xorb0"), nothing that could garble a
// message.
std::string XorbName(const std::string& name, const std::string& where) {
  const bool word = !name.empty() && name.size() <= 128 &&
                    std::all_of(name.begin(), name.end(), [](unsigned char c) {
                      return std::isalnum(c) != 0 || c == '_' || c == '-';
                    });
  if (!word) throw Bad{where + " is not a xorb hash (1 to 128 letters, digits, '-', '_')"};
  return name;
}

std::string String(const json& j, const char* key, const std::string& where) {
  return Member(j, key, json::value_t::string, where).get<std::string>();
}

XetRange Range(const json& j, const char* key, const std::string& where, bool inclusive) {
  const std::string at = where + "." + key;
  const json& r = Member(j, key, json::value_t::object, where);
  XetRange out{Unsigned(r, "start", at), Unsigned(r, "end", at)};
  if (inclusive ? out.end < out.start : out.end <= out.start) {
    throw Bad{at + " is empty or reversed (" + std::to_string(out.start) + ", " +
              std::to_string(out.end) + ")"};
  }
  return out;
}

std::string HttpUrl(const json& j, const char* key, const std::string& where) {
  std::string url = String(j, key, where);
  const auto u = ParseUrl(url);
  if (!u || (u->scheme != "http" && u->scheme != "https")) {
    throw Bad{where + "." + key + " is not an absolute http(s) URL"};
  }
  return url;
}

json Document(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw Bad{"the body is not a JSON object"};
  return j;
}

void ReadTerms(const json& j, XetReconstruction& r) {
  r.offset_into_first_range = Unsigned(j, "offset_into_first_range", "");
  const json& terms = Member(j, "terms", json::value_t::array, "");
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const std::string at = ".terms[" + std::to_string(i) + "]";
    const json& t = terms[i];
    if (!t.is_object()) throw Bad{at + " is not an object"};
    XetTerm term{XorbName(String(t, "hash", at), at + ".hash"), Range(t, "range", at, false),
                 Unsigned(t, "unpacked_length", at)};
    r.terms.push_back(std::move(term));
  }
}

template <class Fn>
Result<XetReconstruction> Parse(const std::string& body, Fn read_fetch) {
  try {
    const json j = Document(body);
    XetReconstruction r;
    ReadTerms(j, r);
    read_fetch(j, r);
    return r;
  } catch (const Bad& bad) {
    return MakeError(Kind::kNotAHub, "the reconstruction is malformed: " + bad.why);
  }
}

}  // namespace

Result<CasToken> ParseCasToken(const std::string& body) {
  try {
    const json j = Document(body);
    CasToken t;
    t.access_token = String(j, "accessToken", "");
    const bool header_safe = std::all_of(t.access_token.begin(), t.access_token.end(),
                                         [](char c) { return c > ' ' && c < 0x7f; });
    if (t.access_token.empty() || t.access_token.size() > 64000 || !header_safe) {
      throw Bad{".accessToken is empty, over 64000 characters or not printable ASCII"};
    }
    const std::uint64_t exp = Unsigned(j, "exp", "");
    if (exp > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw Bad{".exp is out of range"};
    }
    t.exp = static_cast<std::int64_t>(exp);
    t.cas_url = TrimEndpoint(HttpUrl(j, "casUrl", ""));
    return t;
  } catch (const Bad& bad) {
    return MakeError(Kind::kNotAHub, "the token exchange's answer is malformed: " + bad.why);
  }
}

Result<XetReconstruction> ParseReconstructionV1(const std::string& body) {
  return Parse(body, [](const json& j, XetReconstruction& r) {
    const json& info = Member(j, "fetch_info", json::value_t::object, "");
    for (const auto& [xorb, entries] : info.items()) {
      const std::string at = ".fetch_info[\"" + XorbName(xorb, ".fetch_info key") + "\"]";
      if (!entries.is_array() || entries.empty()) throw Bad{at + " is not a non-empty array"};
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string e = at + "[" + std::to_string(i) + "]";
        if (!entries[i].is_object()) throw Bad{e + " is not an object"};
        r.fetch[xorb].push_back({HttpUrl(entries[i], "url", e),
                                 Range(entries[i], "range", e, false),
                                 Range(entries[i], "url_range", e, true)});
      }
    }
  });
}

Result<XetReconstruction> ParseReconstructionV2(const std::string& body) {
  return Parse(body, [](const json& j, XetReconstruction& r) {
    const json& xorbs = Member(j, "xorbs", json::value_t::object, "");
    for (const auto& [xorb, entries] : xorbs.items()) {
      const std::string at = ".xorbs[\"" + XorbName(xorb, ".xorbs key") + "\"]";
      if (!entries.is_array() || entries.empty()) throw Bad{at + " is not a non-empty array"};
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const std::string e = at + "[" + std::to_string(i) + "]";
        if (!entries[i].is_object()) throw Bad{e + " is not an object"};
        const std::string url = HttpUrl(entries[i], "url", e);
        const json& ranges = Member(entries[i], "ranges", json::value_t::array, e);
        if (ranges.empty()) throw Bad{e + ".ranges is empty"};
        for (std::size_t k = 0; k < ranges.size(); ++k) {
          const std::string rk = e + ".ranges[" + std::to_string(k) + "]";
          if (!ranges[k].is_object()) throw Bad{rk + " is not an object"};
          r.fetch[xorb].push_back(
              {url, Range(ranges[k], "chunks", rk, false), Range(ranges[k], "bytes", rk, true)});
        }
      }
    }
  });
}

}  // namespace hubget
