// See fake_terminal.h.
#include "fake_terminal.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace hubget::testing {

FakeTerminal::Row& FakeTerminal::At(std::size_t row) {
  if (rows_.size() <= row) rows_.resize(row + 1);
  return rows_[row];
}

void FakeTerminal::Put(const std::string& ch) {
  if (col_ >= static_cast<std::size_t>(width_)) {  // the terminal's automatic wrap
    wrapped_ = true;
    ++row_;
    col_ = 0;
    At(row_).continued = true;
  }
  Row& r = At(row_);
  if (r.cells.size() <= col_) r.cells.resize(col_ + 1, " ");
  r.cells[col_++] = ch;
}

void FakeTerminal::Escape(const std::string& params, char final) {
  const int n = params.empty() ? 0 : std::atoi(params.c_str());
  switch (final) {
    case 'A': {
      const std::size_t up = static_cast<std::size_t>(n == 0 ? 1 : n);
      row_ = row_ > up ? row_ - up : 0;
      return;
    }
    case 'K': {
      Row& r = At(row_);
      if (r.cells.size() > col_) r.cells.resize(col_);
      return;
    }
    case 'J': {
      Row& r = At(row_);
      if (r.cells.size() > col_) r.cells.resize(col_);
      rows_.resize(row_ + 1);
      return;
    }
    default:
      unknown_escape_ = "ESC[" + params + final;
  }
}

void FakeTerminal::Write(const std::string& bytes) {
  const std::string in = pending_ + bytes;
  pending_.clear();
  for (std::size_t i = 0; i < in.size();) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b == '\r') {
      col_ = 0;
      ++i;
    } else if (b == '\n') {
      ++row_;
      col_ = 0;
      At(row_).continued = false;  // a line ended here: not one the terminal wrapped
      ++i;
    } else if (b == 0x1b) {
      std::size_t j = i + 1;
      if (j >= in.size()) {
        pending_ = in.substr(i);
        return;
      }
      if (in[j] != '[') {
        unknown_escape_ = "ESC" + std::string(1, in[j]);
        i = j + 1;
        continue;
      }
      ++j;
      while (j < in.size() && (std::isdigit(static_cast<unsigned char>(in[j])) || in[j] == ';')) {
        ++j;
      }
      if (j >= in.size()) {
        pending_ = in.substr(i);
        return;
      }
      Escape(in.substr(i + 2, j - i - 2), in[j]);
      i = j + 1;
    } else {
      const std::size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      if (i + len > in.size()) {
        pending_ = in.substr(i);
        return;
      }
      Put(in.substr(i, len));
      i += len;
    }
  }
}

void FakeTerminal::Resize(int width) {
  // Logical lines (a row and the rows the terminal wrapped it into), and
  // where the cursor is in them.
  std::vector<std::vector<std::string>> lines;
  std::size_t cursor_line = 0;
  std::size_t cursor_offset = 0;
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    if (r == 0 || !rows_[r].continued) lines.emplace_back();
    if (r == row_) {
      cursor_line = lines.size() - 1;
      cursor_offset = lines.back().size() + col_;
    }
    auto& line = lines.back();
    line.insert(line.end(), rows_[r].cells.begin(), rows_[r].cells.end());
  }
  width_ = width;
  const auto w = static_cast<std::size_t>(width);
  rows_.clear();
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::size_t first = rows_.size();
    const auto& line = lines[l];
    for (std::size_t at = 0; at == 0 || at < line.size(); at += w) {
      Row r;
      r.continued = at > 0;
      r.cells.assign(line.begin() + static_cast<std::ptrdiff_t>(at),
                     line.begin() + static_cast<std::ptrdiff_t>(std::min(line.size(), at + w)));
      rows_.push_back(std::move(r));
    }
    if (l == cursor_line) {
      row_ = first + cursor_offset / w;
      col_ = cursor_offset % w;
      At(row_);
    }
  }
}

std::vector<std::string> FakeTerminal::Rows() const {
  std::vector<std::string> out;
  for (const Row& r : rows_) {
    std::size_t end = r.cells.size();
    while (end > 0 && r.cells[end - 1] == " ") --end;
    std::string s;
    for (std::size_t i = 0; i < end; ++i) s += r.cells[i];
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> FakeTerminal::NonEmptyRows() const {
  std::vector<std::string> out;
  for (std::string& r : Rows()) {
    if (!r.empty()) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace hubget::testing
