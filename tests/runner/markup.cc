// See markup.h.
#include "markup.h"

#include <cctype>
#include <set>
#include <sstream>

namespace markup {

namespace {

std::string Decode(const std::string& s) {
  static const std::map<std::string, std::string> kNamed = {
      {"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\xc2\xa0"}};
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto semi = s[i] == '&' ? s.find(';', i) : std::string::npos;
    if (semi == std::string::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string name = s.substr(i + 1, semi - i - 1);
    if (!name.empty() && name[0] == '#') {
      const unsigned long cp = name.size() > 1 && (name[1] == 'x' || name[1] == 'X')
                                   ? std::stoul(name.substr(2), nullptr, 16)
                                   : std::stoul(name.substr(1));
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
      } else {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
      }
    } else if (kNamed.count(name)) {
      out += kNamed.at(name);
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

bool NameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
         c == '.';
}

// Reads the attributes of a start tag from `i` to its '>'; returns whether
// the tag closed itself ("/>").
bool Attributes(const std::string& t, std::size_t& i, Element& e, std::string& error) {
  for (;;) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    if (i >= t.size()) {
      error = "unterminated tag <" + e.name;
      return false;
    }
    if (t[i] == '>') {
      ++i;
      return false;
    }
    if (t.compare(i, 2, "/>") == 0 || (t[i] == '?' && t.compare(i, 2, "?>") == 0)) {
      i += 2;
      return true;
    }
    const std::size_t start = i;
    while (i < t.size() && NameChar(t[i])) ++i;
    if (i == start) {
      error = "bad attribute in <" + e.name + "> at offset " + std::to_string(i);
      return false;
    }
    const std::string key = t.substr(start, i - start);
    std::string value;
    if (i < t.size() && t[i] == '=') {
      ++i;
      const char quote = i < t.size() ? t[i] : '\0';
      if (quote != '"' && quote != '\'') {
        error = "unquoted attribute " + key + " in <" + e.name + ">";
        return false;
      }
      const auto end = t.find(quote, i + 1);
      if (end == std::string::npos) {
        error = "unterminated attribute " + key;
        return false;
      }
      value = Decode(t.substr(i + 1, end - i - 1));
      i = end + 1;
    }
    if (e.attrs.count(key)) {
      error = "attribute " + key + " twice in <" + e.name + ">";
      return false;
    }
    e.attrs[key] = value;
  }
}

}  // namespace

std::string Element::Attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? "" : it->second;
}

bool Element::HasClass(const std::string& klass) const {
  std::istringstream words(Attr("class"));
  for (std::string w; words >> w;) {
    if (w == klass) return true;
  }
  return false;
}

std::vector<const Element*> Element::FindAll(
    const std::function<bool(const Element&)>& pred) const {
  std::vector<const Element*> out;
  std::function<void(const Element&)> walk = [&](const Element& e) {
    for (const auto& c : e.children) {
      if (pred(*c)) out.push_back(c.get());
      walk(*c);
    }
  };
  walk(*this);
  return out;
}

std::string Element::AllText() const {
  std::string out = text;
  for (const auto& c : children) out += c->AllText();
  return out;
}

Document Parse(const std::string& t, bool html) {
  static const std::set<std::string> kVoid = {"meta", "br", "img", "link", "input", "hr"};
  Document doc;
  doc.root = std::make_unique<Element>();
  Element* open = doc.root.get();
  std::size_t i = 0;
  while (i < t.size() && doc.error.empty()) {
    if (t[i] != '<') {
      const auto next = t.find('<', i);
      open->text += Decode(t.substr(i, next - i));
      i = next == std::string::npos ? t.size() : next;
      continue;
    }
    if (t.compare(i, 4, "<!--") == 0) {
      const auto end = t.find("-->", i);
      i = end == std::string::npos ? t.size() : end + 3;
      continue;
    }
    if (t.compare(i, 2, "<!") == 0 || t.compare(i, 2, "<?") == 0) {
      const auto end = t.find('>', i);
      i = end == std::string::npos ? t.size() : end + 1;
      continue;
    }
    if (t.compare(i, 2, "</") == 0) {
      const auto end = t.find('>', i);
      const std::string name = t.substr(i + 2, end - i - 2);
      if (end == std::string::npos || name != open->name) {
        doc.error = "</" + name + "> closes <" + open->name + "> at offset " + std::to_string(i);
        break;
      }
      open = const_cast<Element*>(open->parent);
      i = end + 1;
      continue;
    }
    auto e = std::make_unique<Element>();
    std::size_t j = i + 1;
    while (j < t.size() && NameChar(t[j])) ++j;
    e->name = t.substr(i + 1, j - i - 1);
    for (char& c : e->name) {
      if (html) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (e->name.empty()) {
      doc.error = "a '<' that starts no tag at offset " + std::to_string(i);
      break;
    }
    const bool self_closed = Attributes(t, j, *e, doc.error);
    i = j;
    e->parent = open;
    Element* raw = e.get();
    open->children.push_back(std::move(e));
    if (!self_closed && !(html && kVoid.count(raw->name))) open = raw;
  }
  if (doc.error.empty() && open != doc.root.get()) doc.error = "<" + open->name + "> never closed";
  return doc;
}

}  // namespace markup
