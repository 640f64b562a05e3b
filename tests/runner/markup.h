// A small reader of markup for the runner's report tests: JUnit XML as a CI
// reporter reads it, and the DOM Chromium serializes after rendering the
// HTML report. It builds an element tree (attributes and text decoded,
// HTML's void elements closed), and refuses what is not well nested, so a
// test that parses a report also checks that it is well-formed.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace markup {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;  // all text directly inside, decoded
  const Element* parent = nullptr;

  std::string Attr(const std::string& key) const;
  bool Has(const std::string& key) const { return attrs.count(key) > 0; }
  // Whether the class attribute holds `klass` as one of its words.
  bool HasClass(const std::string& klass) const;
  // Every descendant (not this one) for which `pred` holds, in document order.
  std::vector<const Element*> FindAll(const std::function<bool(const Element&)>& pred) const;
  // The text of this element and all its descendants.
  std::string AllText() const;
};

struct Document {
  std::unique_ptr<Element> root;  // a synthetic element holding the top level
  std::string error;              // "" when the text parsed
};

// `html`: void elements (meta, br, img, link, input, hr) need no end tag.
Document Parse(const std::string& text, bool html);

}  // namespace markup
