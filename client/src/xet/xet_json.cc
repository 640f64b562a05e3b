// The Xet JSON bodies. See xet_json.h.
#include "xet/xet_json.h"

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

XetTerm ReadTerm(const json& t, const std::string& at) {
  if (!t.is_object()) throw Bad{at + " is not an object"};
  return {XorbName(String(t, "hash", at), at + ".hash"), Range(t, "range", at, false),
          Unsigned(t, "unpacked_length", at)};
}

// One entry of fetch_info (v1) or xorbs (v2), appended as XetFetchEntry values.
using EntryReader = void (*)(const json& entry, const std::string& at,
                             std::vector<XetFetchEntry>& out);

void ReadV1Entry(const json& e, const std::string& at, std::vector<XetFetchEntry>& out) {
  if (!e.is_object()) throw Bad{at + " is not an object"};
  out.push_back(
      {HttpUrl(e, "url", at), Range(e, "range", at, false), Range(e, "url_range", at, true)});
}

void ReadV2Entry(const json& e, const std::string& at, std::vector<XetFetchEntry>& out) {
  if (!e.is_object()) throw Bad{at + " is not an object"};
  const std::string url = HttpUrl(e, "url", at);
  const json& ranges = Member(e, "ranges", json::value_t::array, at);
  if (ranges.empty()) throw Bad{at + ".ranges is empty"};
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    const std::string rk = at + ".ranges[" + std::to_string(k) + "]";
    if (!ranges[k].is_object()) throw Bad{rk + " is not an object"};
    out.push_back(
        {url, Range(ranges[k], "chunks", rk, false), Range(ranges[k], "bytes", rk, true)});
  }
}

// The reconstruction read event by event (nlohmann's SAX interface): the
// document is never held as a tree, only one record at a time (the offset,
// a term, a fetch entry; at most kMaxRecordValues JSON values), checked by
// the readers above as soon as it closes. So memory follows what is kept,
// not the body's shape, and the counts are capped as they grow. The value
// of a key this reader does not know is skipped with a depth counter,
// whatever its size. The first problem throws Bad.
class ReconstructionReader final : public nlohmann::json_sax<json> {
 public:
  ReconstructionReader(std::string fetch_key, EntryReader read_entry)
      : fetch_key_(std::move(fetch_key)), read_entry_(read_entry) {}

  XetReconstruction Take() { return std::move(r_); }

  bool null() override { return Value(json(nullptr), false); }
  bool boolean(bool v) override { return Value(json(v), false); }
  bool number_integer(json::number_integer_t v) override { return Value(json(v), false); }
  bool number_unsigned(json::number_unsigned_t v) override { return Value(json(v), false); }
  bool number_float(json::number_float_t v, const json::string_t&) override {
    return Value(json(v), false);
  }
  bool string(json::string_t& v) override { return Value(json(std::move(v)), false); }
  bool binary(json::binary_t&) override { return Value(json(), false); }  // not in JSON text
  bool start_object(std::size_t) override { return Value(json::object(), true); }
  bool start_array(std::size_t) override { return Value(json::array(), true); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(json::string_t& k) override;
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    throw Bad{"the body is not a JSON object (invalid JSON at byte " + std::to_string(position) +
              ")"};
  }

 private:
  // A JSON value that holds no more than this is one record: a v2 entry of
  // 9,000 ranges (a xorb has at most 8,192 chunks) fits, one record of a
  // hostile body costs a few MB at most.
  static constexpr std::size_t kMaxRecordValues = 65536;

  enum class Role { kTop, kTerms, kFetch, kEntries };
  enum class Slot { kOffset, kTerm, kEntry };
  struct Frame {
    Role role;
    std::string key;        // kTop, kFetch: the key whose value comes next
    std::string where;      // kEntries: .fetch_info["x"]
    std::size_t count = 0;  // kTerms, kEntries: values so far
  };

  bool Value(json v, bool container);
  bool Close();
  void Route(json v, bool container);  // a value outside any record
  void StartRecord(Slot slot, std::string where, json v, bool container);
  void EndRecord();
  void EndTop() const;

  const std::string fetch_key_;
  const EntryReader read_entry_;
  XetReconstruction r_;
  std::vector<Frame> frames_;
  std::size_t skip_depth_ = 0;  // inside the value of a key not read
  bool top_seen_ = false;
  bool offset_seen_ = false;
  bool terms_seen_ = false;
  bool fetch_seen_ = false;
  std::size_t entries_ = 0;
  std::size_t url_bytes_ = 0;
  // The record being built: its root, its open containers, the next key.
  json record_;
  std::vector<json*> open_;
  std::string record_key_;
  std::size_t record_values_ = 0;
  Slot slot_ = Slot::kOffset;
  std::string where_;
  std::string xorb_;  // kEntry: the entry's xorb
};

bool ReconstructionReader::key(json::string_t& k) {
  if (skip_depth_ > 0) return true;
  if (!open_.empty()) {
    record_key_ = std::move(k);
    return true;
  }
  Frame& f = frames_.back();
  if (f.role == Role::kFetch) (void)XorbName(k, "." + fetch_key_ + " key");
  f.key = std::move(k);
  return true;
}

bool ReconstructionReader::Value(json v, bool container) {
  if (skip_depth_ > 0) {
    if (container) ++skip_depth_;
    return true;
  }
  if (open_.empty()) {
    Route(std::move(v), container);
    return true;
  }
  if (++record_values_ > kMaxRecordValues) {
    throw Bad{where_ + " holds more than " + std::to_string(kMaxRecordValues) + " JSON values"};
  }
  json& parent = *open_.back();
  json* placed = nullptr;
  if (parent.is_object()) {
    placed = &parent[record_key_];
    *placed = std::move(v);
  } else {
    parent.push_back(std::move(v));
    placed = &parent.back();
  }
  // Stable while open: its parent gets no other value before it closes.
  if (container) open_.push_back(placed);
  return true;
}

bool ReconstructionReader::Close() {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return true;
  }
  if (!open_.empty()) {
    open_.pop_back();
    if (open_.empty()) EndRecord();
    return true;
  }
  const Frame f = std::move(frames_.back());
  frames_.pop_back();
  if (f.role == Role::kEntries && f.count == 0) throw Bad{f.where + " is not a non-empty array"};
  if (f.role == Role::kTop) EndTop();
  return true;
}

void ReconstructionReader::Route(json v, bool container) {
  if (frames_.empty()) {
    if (top_seen_ || !v.is_object()) throw Bad{"the body is not a JSON object"};
    top_seen_ = true;
    frames_.push_back({Role::kTop, "", ""});
    return;
  }
  Frame& f = frames_.back();
  switch (f.role) {
    case Role::kTop: {
      bool* seen = f.key == "offset_into_first_range" ? &offset_seen_
                   : f.key == "terms"                 ? &terms_seen_
                   : f.key == fetch_key_              ? &fetch_seen_
                                                      : nullptr;
      if (seen == nullptr) {
        if (container) skip_depth_ = 1;  // a key hubget does not read
        return;
      }
      if (*seen) throw Bad{"." + f.key + " appears twice"};
      *seen = true;
      if (seen == &offset_seen_) return StartRecord(Slot::kOffset, "", std::move(v), container);
      const bool terms = seen == &terms_seen_;
      if (terms ? !v.is_array() : !v.is_object()) {
        throw Bad{"." + f.key + " is missing or of the wrong type"};
      }
      frames_.push_back({terms ? Role::kTerms : Role::kFetch, "", ""});
      return;
    }
    case Role::kTerms:
      if (r_.terms.size() >= kMaxReconstructionTerms) {
        throw Bad{".terms has more than " + std::to_string(kMaxReconstructionTerms) +
                  " terms, more than hubget reads from one reconstruction"};
      }
      return StartRecord(Slot::kTerm, ".terms[" + std::to_string(f.count++) + "]", std::move(v),
                         container);
    case Role::kFetch: {
      std::string where = "." + fetch_key_ + "[\"" + f.key + "\"]";
      if (!v.is_array()) throw Bad{where + " is not a non-empty array"};
      xorb_ = f.key;
      frames_.push_back({Role::kEntries, "", std::move(where)});
      return;
    }
    case Role::kEntries:
      return StartRecord(Slot::kEntry, f.where + "[" + std::to_string(f.count++) + "]",
                         std::move(v), container);
  }
}

void ReconstructionReader::StartRecord(Slot slot, std::string where, json v, bool container) {
  slot_ = slot;
  where_ = std::move(where);
  record_ = std::move(v);
  record_values_ = 1;
  if (container) {
    open_.push_back(&record_);
    return;
  }
  EndRecord();
}

void ReconstructionReader::EndRecord() {
  switch (slot_) {
    case Slot::kOffset: {
      json holder = json::object();
      holder["offset_into_first_range"] = std::move(record_);
      r_.offset_into_first_range = Unsigned(holder, "offset_into_first_range", "");
      break;
    }
    case Slot::kTerm:
      r_.terms.push_back(ReadTerm(record_, where_));
      break;
    case Slot::kEntry: {
      std::vector<XetFetchEntry>& list = r_.fetch[xorb_];
      const std::size_t before = list.size();
      read_entry_(record_, where_, list);
      entries_ += list.size() - before;
      // A v2 entry's URL is copied to each of its ranges: the copies are
      // capped, not only the body.
      for (std::size_t i = before; i < list.size(); ++i) url_bytes_ += list[i].url.size();
      if (url_bytes_ > kMaxReconstructionUrlBytes) {
        throw Bad{"its fetch entries' URLs add up to more than " +
                  std::to_string(kMaxReconstructionUrlBytes >> 20) + " MiB"};
      }
      if (entries_ > kMaxReconstructionEntries) {
        throw Bad{"." + fetch_key_ + " has more than " + std::to_string(kMaxReconstructionEntries) +
                  " fetch entries, more than hubget reads from one reconstruction"};
      }
      break;
    }
  }
  record_ = json();
}

void ReconstructionReader::EndTop() const {
  if (!offset_seen_) throw Bad{".offset_into_first_range is not a non-negative integer"};
  if (!terms_seen_) throw Bad{".terms is missing or of the wrong type"};
  if (!fetch_seen_) throw Bad{"." + fetch_key_ + " is missing or of the wrong type"};
}

Result<XetReconstruction> Parse(const std::string& body, const char* fetch_key,
                                EntryReader read_entry) {
  try {
    ReconstructionReader reader(fetch_key, read_entry);
    (void)json::sax_parse(body, &reader);
    return reader.Take();
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
  return Parse(body, "fetch_info", &ReadV1Entry);
}

Result<XetReconstruction> ParseReconstructionV2(const std::string& body) {
  return Parse(body, "xorbs", &ReadV2Entry);
}

}  // namespace hubget
