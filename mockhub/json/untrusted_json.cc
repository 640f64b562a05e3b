// See untrusted_json.h.
#include "mockhub/json/untrusted_json.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <unordered_set>
#include <utility>
#include <vector>

namespace mockhub {

using nlohmann::json;

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Where the parser is, for the pointer of an error: one frame per open
// array or object.
struct Frame {
  bool object = false;
  std::string key;        // the current member's key (objects)
  std::size_t begun = 0;  // elements started so far (arrays)
};

// Key equality that counts its calls, so tests can see that the duplicate
// check does a bounded number of comparisons per key.
struct CountingEqual {
  std::uint64_t* count;
  bool operator()(const std::string& a, const std::string& b) const {
    ++*count;
    return a == b;
  }
};
using KeySet = std::unordered_set<std::string, std::hash<std::string>, CountingEqual>;

// The checking pass: nlohmann's SAX parser reports each token once, and this
// keeps only the stack of open containers (and each open object's keys), so
// the pass is linear in the text. (The callback parser used before re-scanned
// the parent at every object end: quadratic, 12 s for a 900 KB world.)
class Checker final : public json::json_sax_t {
 public:
  explicit Checker(const std::string& file) : file_(file) {}

  // `pending`: the error is about a value the parser has not reported yet
  // (a number it could not convert), the next element of an array.
  std::string Pointer(bool pending) const {
    std::string p;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.object) {
        p += "/" + PointerToken(f.key);
        continue;
      }
      const bool top = i + 1 == stack_.size();
      p += "/" + std::to_string(top && pending ? f.begun : f.begun - 1);
    }
    return p;
  }
  const std::optional<LoadError>& error() const { return error_; }
  std::uint64_t work() const { return events_ + compares_; }

  bool null() override { return Value(); }
  bool boolean(bool /*val*/) override { return Value(); }
  bool number_integer(number_integer_t /*val*/) override { return Value(); }
  bool number_unsigned(number_unsigned_t /*val*/) override { return Value(); }
  bool number_float(number_float_t /*val*/, const string_t& /*s*/) override { return Value(); }
  bool string(string_t& /*val*/) override { return Value(); }
  bool binary(binary_t& /*val*/) override { return Value(); }
  bool start_object(std::size_t /*elements*/) override { return Open(true); }
  bool start_array(std::size_t /*elements*/) override { return Open(false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(string_t& val) override {
    ++events_;
    stack_.back().key = val;
    if (keys_.back().insert(val).second) return true;
    return Refuse(Pointer(false), "duplicate key \"" + val + "\" in one object");
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const json::exception& e) override {
    if (dynamic_cast<const json::out_of_range*>(&e)) {  // 1e400, a 400-digit integer
      return Refuse(Pointer(true), std::string("a number out of range (") + e.what() + ")");
    }
    if (dynamic_cast<const json::parse_error*>(&e)) {
      return Refuse("", "invalid JSON at byte " + std::to_string(position) + ": " + e.what());
    }
    return Refuse(Pointer(true), std::string("invalid JSON: ") + e.what());
  }

 private:
  bool Value() {
    ++events_;
    BeginElement();
    return true;
  }
  bool Open(bool object) {
    ++events_;
    BeginElement();
    if (stack_.size() >= kMaxJsonDepth) {
      return Refuse(Pointer(false),
                    "nested deeper than " + std::to_string(kMaxJsonDepth) + " arrays and objects");
    }
    stack_.push_back(Frame{object, {}, 0});
    if (object) keys_.emplace_back(0, std::hash<std::string>(), CountingEqual{&compares_});
    return true;
  }
  bool Close() {
    ++events_;
    if (stack_.back().object) keys_.pop_back();
    stack_.pop_back();
    return true;
  }
  void BeginElement() {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().begun;
  }
  bool Refuse(std::string pointer, std::string reason) {
    if (!error_) error_ = LoadError{file_, std::move(pointer), std::move(reason)};
    return false;
  }

  const std::string& file_;
  std::vector<Frame> stack_;
  std::vector<KeySet> keys_;  // one per open object, innermost last
  std::uint64_t events_ = 0, compares_ = 0;
  std::optional<LoadError> error_;
};

}  // namespace

Loaded<std::string> ReadUntrustedFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return LoadError{path, "", std::string("cannot open: ") + std::strerror(errno)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return LoadError{path, "", std::string("cannot stat: ") + std::strerror(errno)};
  if (!S_ISREG(st.st_mode))
    return LoadError{path, "", "not a regular file (a folder, FIFO, socket or device): refused"};
  const std::string too_large =
      "larger than " + std::to_string(kMaxUntrustedFileBytes >> 20) + " MiB: refused";
  if (static_cast<std::uint64_t>(st.st_size) > kMaxUntrustedFileBytes)
    return LoadError{path, "", too_large};
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return LoadError{path, "", std::string("cannot read: ") + std::strerror(errno)};
    if (n == 0) break;
    // The file may grow while it is read: the cap holds for what is read.
    if (text.size() + static_cast<std::size_t>(n) > kMaxUntrustedFileBytes)
      return LoadError{path, "", too_large};
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

Loaded<json> ParseUntrustedJson(std::string_view text, const std::string& file,
                                std::uint64_t* work) {
  // First the checks, as a SAX pass that builds nothing; then, on a text
  // known to be shallow, without repeated keys and with every number in
  // range, nlohmann's plain parse (also linear).
  Checker checker(file);
  const bool ok = json::sax_parse(text.begin(), text.end(), &checker);
  if (work) *work = checker.work();
  if (checker.error()) return *checker.error();
  if (!ok) return LoadError{file, "", "invalid JSON"};  // the parser stopped without saying why
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // not expected: the checking pass read the same text
    return LoadError{file, "", std::string("invalid JSON: ") + e.what()};
  }
}

Loaded<json> ReadUntrustedJsonFile(const std::string& path) {
  auto text = ReadUntrustedFile(path);
  if (!text) return text.error();
  return ParseUntrustedJson(*text, path);
}

}  // namespace mockhub
