// Table: column-aligned text output.
#include "table.h"

#include <algorithm>

namespace ovse::cli {

void Table::print(std::ostream& out) const {
  auto cell = [](const std::vector<std::string>& row, std::size_t i) -> std::string {
    if (i >= row.size() || row[i].empty()) return "-";
    return row[i];
  };
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    widths[i] = headers_[i].size();
    for (const auto& row : rows_) widths[i] = std::max(widths[i], cell(row, i).size());
  }
  auto printRow = [&](const std::vector<std::string>& row, bool header) {
    for (std::size_t i = 0; i < headers_.size(); ++i) {
      std::string text = header ? headers_[i] : cell(row, i);
      bool last = i + 1 == headers_.size();
      out << text << (last ? std::string() : std::string(widths[i] - text.size() + 2, ' '));
    }
    out << '\n';
  };
  printRow(headers_, true);
  for (const auto& row : rows_) printRow(row, false);
}

}  // namespace ovse::cli
