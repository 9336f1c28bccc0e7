// A strict checker of the Prometheus text exposition format 0.0.4, for tests: every sample
// belongs to the family announced by the # HELP and # TYPE lines before it, names and labels are
// well-formed, values parse, no series repeats and families are contiguous.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ovse::test {

/// One parsed sample.
struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

/// The parsed exposition, or the first violation (`error` non-empty, naming the line).
struct PromParse {
  std::string error;
  std::map<std::string, std::string> types;  ///< family -> counter/gauge/...
  std::vector<PromSample> samples;

  /// The value of the series `name` with exactly `labels`, or -1 when absent.
  double value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const;
};

/// Parses and checks `text`.
PromParse parsePrometheusText(const std::string& text);

}  // namespace ovse::test
