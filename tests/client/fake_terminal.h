// A small terminal emulator for the progress renderer's tests: it applies
// what a renderer writes (printable UTF-8, \r, \n as a tty with onlcr shows
// it, ESC[nA, ESC[K, ESC[J) to a grid of the given width, wraps a line that
// reaches the last column as a real terminal does (and remembers that it
// had to), and re-wraps its rows on a resize as tmux does. Rows are never
// scrolled away, so a test sees everything that was ever left on screen.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hubget::testing {

class FakeTerminal {
 public:
  explicit FakeTerminal(int width) : width_(width) {}

  void Write(const std::string& bytes);
  // A new width, the rows re-wrapped (tmux's reflow), the cursor kept on
  // the same character.
  void Resize(int width);

  int width() const { return width_; }
  // Every row, top to bottom, trailing blanks dropped.
  std::vector<std::string> Rows() const;
  // The rows with text.
  std::vector<std::string> NonEmptyRows() const;
  // A character was written past the last column (the terminal wrapped a
  // line) or an escape it does not know was seen.
  bool wrapped() const { return wrapped_; }
  const std::string& unknown_escape() const { return unknown_escape_; }

 private:
  struct Row {
    std::vector<std::string> cells;  // one UTF-8 character each
    bool continued = false;          // the terminal wrapped the row above into this one
  };
  Row& At(std::size_t row);
  void Put(const std::string& ch);
  void Escape(const std::string& params, char final);

  int width_;
  std::vector<Row> rows_;
  std::size_t row_ = 0;
  std::size_t col_ = 0;
  bool wrapped_ = false;
  std::string unknown_escape_;
  std::string pending_;  // an escape sequence or UTF-8 character cut between writes
};

}  // namespace hubget::testing
