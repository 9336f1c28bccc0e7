// Table: column-aligned text output for humans (`--json` is the form for scripts).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ovse::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  /// Adds a row; missing trailing cells print empty, an empty cell prints "-".
  void addRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  /// Prints headers and rows, each column as wide as its widest cell, two spaces apart.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace ovse::cli
