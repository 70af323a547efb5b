// Numeric CSV input, shared by read_dataset and the command-line tool. The input is read
// whole and scanned once: a record's fields are unescaped into one reused buffer.
#include "pardo/stats/csv.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/validate.hpp"
#include "stats/input_file.hpp"

namespace pardo::stats {

namespace {

constexpr std::string_view caller = "read_csv";

// R writes NA, pandas an empty cell (or "" alone on a line); these are the rest of pandas'
// default na_values that are not spellings of NaN, which from_chars reads as NaN.
constexpr std::array<std::string_view, 9> missing_tokens{"",     "NA",   "N/A",  "n/a", "#N/A",
                                                         "NULL", "null", "None", "<NA>"};

// A line whose first non-blank character is '#', save Excel's #N/A cell.
bool is_comment(std::string_view in, std::size_t p) {
  return in[p] == '#' && !in.substr(p).starts_with("#N/A");
}

[[noreturn]] void bad_input(const std::string& where, const std::string& message) {
  pardo::detail::throw_invalid(caller, where + ": " + message);
}

std::string at(const std::string& source, std::size_t line, std::size_t column) {
  return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

enum class Cell : std::uint8_t { number, missing, not_number, out_of_range };

Cell parse_cell(std::string_view field, double& value) {
  std::string_view digits = field;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!digits.empty() && end == digits.data() + digits.size()) {
    if (ec == std::errc{}) return std::isnan(value) ? Cell::missing : Cell::number;
    if (ec == std::errc::result_out_of_range) return Cell::out_of_range;
  }
  return std::find(missing_tokens.begin(), missing_tokens.end(), field) != missing_tokens.end()
             ? Cell::missing
             : Cell::not_number;
}

struct Span {
  std::size_t begin = 0;
  std::size_t size = 0;
  std::size_t line = 0;
};

// One record: its fields unescaped one after another in `text`.
struct Record {
  std::string text;
  std::vector<Span> spans;
  std::size_t line = 0;
  std::size_t size() const { return spans.size(); }
  std::string_view field(std::size_t i) const {
    return std::string_view(text).substr(spans[i].begin, spans[i].size);
  }
};

class Parser {
 public:
  Parser(std::string_view input, std::string source, char delimiter)
      : in_(input), source_(std::move(source)), delimiter_(delimiter) {}

  // The next record, false at the end; blank and comment lines are skipped.
  bool next(Record& r) {
    if (!skip_ignored_lines()) return false;
    r.text.clear();
    r.spans.clear();
    r.line = line_;
    for (;;) {
      skip_blanks();
      Span span{.begin = r.text.size(), .size = 0, .line = line_};
      if (pos_ < in_.size() && in_[pos_] == '"') {
        read_quoted(r, span.line);
        skip_blanks();
        if (pos_ < in_.size() && in_[pos_] == '\r') ++pos_;
        if (pos_ < in_.size() && in_[pos_] != delimiter_ && in_[pos_] != '\n') {
          bad_input(at(source_, line_, r.size() + 1), "text after the closing quote of a field");
        }
      } else {
        std::size_t end = pos_;
        while (end < in_.size() && in_[end] != delimiter_ && in_[end] != '\n') ++end;
        std::size_t last = end;
        while (last > pos_ && is_blank(in_[last - 1])) --last;
        r.text.append(in_.substr(pos_, last - pos_));
        pos_ = end;
      }
      span.size = r.text.size() - span.begin;
      r.spans.push_back(span);
      if (pos_ < in_.size() && in_[pos_] == delimiter_) {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size()) {
        ++pos_;
        ++line_;
      }
      return true;
    }
  }

 private:
  bool is_blank(char c) const { return (c == ' ' || c == '\t' || c == '\r') && c != delimiter_; }

  void skip_blanks() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t') &&
           in_[pos_] != delimiter_) {
      ++pos_;
    }
  }

  bool skip_ignored_lines() {
    for (;;) {
      if (pos_ >= in_.size()) return false;
      std::size_t p = pos_;
      while (p < in_.size() && (in_[p] == ' ' || in_[p] == '\t' || in_[p] == '\r')) ++p;
      if (p < in_.size() && in_[p] != '\n' && !is_comment(in_, p)) return true;
      const std::size_t newline = in_.find('\n', p);
      if (newline == std::string_view::npos) {
        pos_ = in_.size();
        return false;
      }
      pos_ = newline + 1;
      ++line_;
    }
  }

  // From the opening quote to just after the closing one; "" is a quote.
  void read_quoted(Record& r, std::size_t first_line) {
    ++pos_;
    for (;;) {
      const std::size_t quote = in_.find('"', pos_);
      if (quote == std::string_view::npos) {
        bad_input(at(source_, first_line, r.size() + 1),
                  "a quoted field is not closed before the end of the input");
      }
      const std::string_view part = in_.substr(pos_, quote - pos_);
      line_ += static_cast<std::size_t>(std::count(part.begin(), part.end(), '\n'));
      r.text.append(part);
      pos_ = quote + 1;
      if (pos_ < in_.size() && in_[pos_] == '"') {
        r.text.push_back('"');
        ++pos_;
        continue;
      }
      return;
    }
  }

  std::string_view in_;
  std::string source_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// The first line that is neither blank nor a comment decides: ',' or ';' where it has one of
// them outside quotes (tabs are then blanks around fields), else a tab, else one column.
char detect_delimiter(std::string_view in, const std::string& source) {
  std::size_t line = 1;
  std::size_t pos = 0;
  for (;;) {
    std::size_t p = pos;
    while (p < in.size() && (in[p] == ' ' || in[p] == '\t' || in[p] == '\r')) ++p;
    if (p >= in.size() || (in[p] != '\n' && !is_comment(in, p))) break;
    const std::size_t newline = in.find('\n', p);
    if (newline == std::string_view::npos) return ',';
    pos = newline + 1;
    ++line;
  }
  bool quoted = false;
  bool comma = false;
  bool semicolon = false;
  bool tab = false;
  for (std::size_t p = pos; p < in.size() && (quoted || in[p] != '\n'); ++p) {
    const char c = in[p];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma = comma || c == ',';
    semicolon = semicolon || c == ';';
    tab = tab || c == '\t';
  }
  if (comma && semicolon) {
    bad_input(source + ":" + std::to_string(line),
              "ambiguous delimiter: the first line has both ',' and ';' outside quotes; give "
              "the delimiter");
  }
  if (semicolon) return ';';
  if (tab && !comma) return '\t';
  return ',';
}

char delimiter_char(CsvDelimiter d, std::string_view in, const std::string& source) {
  switch (d) {
    case CsvDelimiter::comma:
      return ',';
    case CsvDelimiter::semicolon:
      return ';';
    case CsvDelimiter::tab:
      return '\t';
    case CsvDelimiter::detect:
      break;
  }
  return detect_delimiter(in, source);
}

std::string quoted_text(std::string_view field) {
  if (field.empty()) return "(an empty field)";
  std::string text(1, '\'');
  text.append(field).push_back('\'');
  return text;
}

// The header's names; an empty first name (R's write.csv row names) skips its column.
std::size_t read_header(const Record& r, const std::string& source, Dataset& d) {
  const std::size_t skip = r.size() > 1 && r.field(0).empty() ? 1 : 0;
  for (std::size_t c = skip; c < r.size(); ++c) {
    if (r.field(c).empty()) {
      bad_input(at(source, r.spans[c].line, c + 1), "an empty column name in the header");
    }
    d.columns.emplace_back(r.field(c));
  }
  return skip;
}

Dataset parse(std::string_view in, const std::string& source, const CsvOptions& options) {
  if (in.starts_with("\xEF\xBB\xBF")) in.remove_prefix(3);
  if (in.starts_with("\xFF\xFE") || in.starts_with("\xFE\xFF")) {
    bad_input(source, "UTF-16 text (Excel's \"Unicode text\"); save it as CSV UTF-8");
  }
  Parser parser(in, source, delimiter_char(options.delimiter, in, source));
  Dataset d;
  d.name = source;
  Record r;
  if (!parser.next(r)) bad_input(source, "empty: no header and no rows");
  bool has_header = options.header == CsvHeader::required;
  double value = 0;
  for (std::size_t c = 0; c < r.size() && !has_header; ++c) {
    has_header = parse_cell(r.field(c), value) == Cell::not_number;
  }
  std::size_t skip = 0;
  if (has_header) {
    skip = read_header(r, source, d);
  } else {
    for (std::size_t c = 0; c < r.size(); ++c)
      d.columns.push_back(std::string("x").append(std::to_string(c + 1)));
  }
  const std::size_t width = r.size();
  d.data.resize(width - skip);
  // A row per line at most: growing columns of millions of values would copy each twice.
  const auto lines = static_cast<std::size_t>(std::count(in.begin(), in.end(), '\n'));
  for (auto& column : d.data) column.reserve(lines);
  std::vector<double> row(width - skip);
  for (bool more = !has_header; more || parser.next(r); more = false) {
    if (r.size() != width) {
      bad_input(at(source, r.line, std::min(r.size(), width) + 1),
                std::to_string(r.size()) + " fields where " +
                    (has_header ? "the header" : "the first row") + " has " +
                    std::to_string(width));
    }
    bool missing = false;
    for (std::size_t c = skip; c < width; ++c) {
      const std::string_view field = r.field(c);
      const std::string& name = d.columns[c - skip];
      const Cell cell = parse_cell(field, row[c - skip]);
      const std::string where = cell == Cell::number ? "" : at(source, r.spans[c].line, c + 1);
      if (cell == Cell::missing && options.na == NaPolicy::error) {
        bad_input(where, "missing value " + quoted_text(field) + " in column '" + name + "'");
      }
      if (cell == Cell::not_number || cell == Cell::out_of_range) {
        const bool decimal_comma = field.find(',') != std::string_view::npos;
        bad_input(
            where,
            "field " + std::to_string(c + 1) + " ('" + name + "') " + quoted_text(field) +
                (cell == Cell::out_of_range ? " is beyond a double's range" : " is not a number") +
                (decimal_comma ? " (a decimal comma? numbers take '.')" : ""));
      }
      missing = missing || cell == Cell::missing;
    }
    if (missing) {
      ++d.dropped_rows;
      continue;
    }
    for (std::size_t c = 0; c < row.size(); ++c) d.data[c].push_back(row[c]);
  }
  if (d.rows() == 0) {
    bad_input(source, d.dropped_rows == 0
                          ? "no rows after the header"
                          : "no rows left after dropping " + std::to_string(d.dropped_rows) +
                                " with missing values");
  }
  return d;
}

}  // namespace

Dataset read_csv(std::istream& in, const std::string& source, const CsvOptions& options) {
  const std::string text = detail::read_stream(in);
  return parse(text, source, options);
}

Dataset read_csv(std::istream& in, const std::string& source, CsvHeader header) {
  return read_csv(in, source, CsvOptions{.header = header});
}

Dataset read_csv(const std::string& path, const CsvOptions& options) {
  const std::string text = detail::read_file(path, caller);
  Dataset d = parse(text, path, options);
  d.name = std::filesystem::path(path).stem().string();
  return d;
}

Dataset read_csv(const std::string& path, CsvHeader header) {
  return read_csv(path, CsvOptions{.header = header});
}

}  // namespace pardo::stats
