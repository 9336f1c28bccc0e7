// The strict Prometheus text checker (see prometheus_text.h).
#include "prometheus_text.h"

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

namespace ovse::test {
namespace {

const std::regex kName("[a-zA-Z_:][a-zA-Z0-9_:]*");
const std::regex kLabelName("[a-zA-Z_][a-zA-Z0-9_]*");

// Parses `{a="x",b="y"}` starting at text[i] == '{'; advances i past '}'.
bool parseLabels(const std::string& text, std::size_t& i, std::map<std::string, std::string>& out,
                 std::string& error) {
  ++i;
  while (i < text.size() && text[i] != '}') {
    std::size_t eq = text.find('=', i);
    if (eq == std::string::npos) return error = "label without =", false;
    std::string key = text.substr(i, eq - i);
    if (!std::regex_match(key, kLabelName)) return error = "bad label name " + key, false;
    if (eq + 1 >= text.size() || text[eq + 1] != '"') return error = "unquoted label value", false;
    std::string value;
    std::size_t j = eq + 2;
    for (; j < text.size() && text[j] != '"'; ++j) {
      if (text[j] == '\\') {
        char next = j + 1 < text.size() ? text[j + 1] : '\0';
        if (next != '\\' && next != '"' && next != 'n') return error = "bad escape", false;
        value += next == 'n' ? '\n' : next;
        ++j;
      } else if (text[j] == '\n') {
        return error = "raw newline in label value", false;
      } else {
        value += text[j];
      }
    }
    if (j >= text.size()) return error = "unterminated label value", false;
    if (!out.emplace(key, value).second) return error = "duplicate label " + key, false;
    i = j + 1;
    if (i < text.size() && text[i] == ',') ++i;
  }
  if (i >= text.size()) return error = "unterminated label set", false;
  ++i;
  return true;
}

}  // namespace

double PromParse::value(const std::string& name,
                        const std::map<std::string, std::string>& labels) const {
  for (const auto& s : samples) {
    if (s.name == name && s.labels == labels) return s.value;
  }
  return -1;
}

PromParse parsePrometheusText(const std::string& text) {
  PromParse out;
  std::istringstream in(text);
  std::string line, family, help_for;
  std::set<std::string> closed, series;
  int n = 0;
  auto fail = [&](const std::string& why) {
    out.error = "line " + std::to_string(n) + ": " + why + ": " + line;
    return out;
  };
  if (!text.empty() && text.back() != '\n') return fail("no final newline");
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) return fail("empty line");
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, rest;
      words >> name;
      std::getline(words, rest);
      if (!std::regex_match(name, kName)) return fail("bad metric name");
      if (line[2] == 'H') {
        if (closed.contains(name) || name == family) return fail("family repeated");
        if (!family.empty()) closed.insert(family);
        family = name;
        help_for = name;
        continue;
      }
      if (help_for != name) return fail("TYPE without HELP just before");
      std::string type = rest.empty() ? "" : rest.substr(1);
      if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
          type != "untyped") {
        return fail("bad type");
      }
      out.types[name] = type;
      continue;
    }
    if (line[0] == '#') return fail("unexpected comment");
    PromSample s;
    std::size_t i = line.find_first_of("{ ");
    if (i == std::string::npos) return fail("no value");
    s.name = line.substr(0, i);
    if (!std::regex_match(s.name, kName)) return fail("bad sample name");
    if (s.name != family || !out.types.contains(family)) return fail("sample outside its family");
    std::string error;
    if (line[i] == '{' && !parseLabels(line, i, s.labels, error)) return fail(error);
    if (i >= line.size() || line[i] != ' ') return fail("no space before the value");
    std::string value = line.substr(i + 1);
    char* end = nullptr;
    s.value = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') return fail("bad value");
    if (out.types[family] == "counter" && s.value < 0) return fail("negative counter");
    std::ostringstream key;
    key << s.name;
    for (const auto& [k, v] : s.labels) key << '|' << k << '=' << v;
    if (!series.insert(key.str()).second) return fail("duplicate series");
    out.samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace ovse::test
