// See untrusted_json.h.
#include "untrusted_json.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
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
// array or object, with the keys seen so far in an object.
struct Frame {
  bool object = false;
  std::string key;        // the current member's key (objects)
  std::size_t begun = 0;  // elements started so far (arrays)
  std::set<std::string> keys;
};

// Thrown by the parser callback, caught in ParseUntrustedJson: nlohmann's
// parser does not catch it, and unwinding frees the (shallow) partial value.
struct Refused {
  std::string pointer;
  std::string reason;
};

class Tracker {
 public:
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

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        BeginElement();
        if (stack_.size() >= kMaxJsonDepth) {
          throw Refused{Pointer(false), "nested deeper than " + std::to_string(kMaxJsonDepth) +
                                            " arrays and objects"};
        }
        stack_.push_back(Frame{event == json::parse_event_t::object_start, {}, 0, {}});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack_.pop_back();
        break;
      case json::parse_event_t::key: {
        Frame& f = stack_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second)
          throw Refused{Pointer(false), "duplicate key \"" + f.key + "\" in one object"};
        break;
      }
      case json::parse_event_t::value:
        BeginElement();
        break;
    }
    return true;
  }

 private:
  void BeginElement() {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().begun;
  }
  std::vector<Frame> stack_;
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

Loaded<json> ParseUntrustedJson(std::string_view text, const std::string& file) {
  Tracker tracker;
  try {
    return json::parse(text.begin(), text.end(), std::ref(tracker));
  } catch (const Refused& r) {
    return LoadError{file, r.pointer, r.reason};
  } catch (const json::parse_error& e) {
    return LoadError{file, "", "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what()};
  } catch (const json::out_of_range& e) {  // 1e400, a 400-digit integer
    return LoadError{file, tracker.Pointer(true),
                     std::string("a number out of range (") + e.what() + ")"};
  } catch (const json::exception& e) {
    return LoadError{file, tracker.Pointer(true), std::string("invalid JSON: ") + e.what()};
  }
}

Loaded<json> ReadUntrustedJsonFile(const std::string& path) {
  auto text = ReadUntrustedFile(path);
  if (!text) return text.error();
  return ParseUntrustedJson(*text, path);
}

}  // namespace mockhub
