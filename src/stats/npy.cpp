// numpy's .npy format (numpy.lib.format): the magic "\x93NUMPY", a version, a header length,
// a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } and the
// raw array.
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>
#include <vector>

#include "core/validate.hpp"
#include "pardo/stats/csv.hpp"
#include "stats/input_file.hpp"

namespace pardo::stats {

namespace {

constexpr std::string_view caller = "read_npy";
constexpr std::string_view magic = "\x93NUMPY";

[[noreturn]] void bad_input(const std::string& source, const std::string& message) {
  pardo::detail::throw_invalid(caller, source + ": " + message);
}

struct Header {
  char kind = 0;  // 'f' or 'i'
  std::size_t item_size = 0;
  bool swap = false;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

std::uint32_t little_endian(std::string_view bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = bytes.size(); i-- > 0;) {
    value = value << 8U | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

// The text after `'key':` and any spaces; empty where the key is missing.
std::string_view value_of(std::string_view dict, std::string_view key) {
  for (const char quote : {'\'', '"'}) {
    const std::string pattern = quote + std::string(key) + quote;
    std::size_t p = dict.find(pattern);
    if (p == std::string_view::npos) continue;
    p = dict.find(':', p + pattern.size());
    if (p == std::string_view::npos) break;
    p = dict.find_first_not_of(' ', p + 1);
    return p == std::string_view::npos ? std::string_view{} : dict.substr(p);
  }
  return {};
}

void parse_descr(std::string_view text, const std::string& source, Header& h) {
  if (text.starts_with('[')) {
    bad_input(source,
              "a structured dtype (named fields) is not supported; save a plain numeric "
              "array (float64, float32, int32 or int64)");
  }
  const char quote = text.empty() ? '\0' : text.front();
  const std::size_t close = text.find(quote, 1);
  if ((quote != '\'' && quote != '"') || close == std::string_view::npos) {
    bad_input(source, "the header's 'descr' is not a dtype string");
  }
  const std::string_view descr = text.substr(1, close - 1);
  const auto unsupported = [&](const std::string& what) {
    bad_input(source, what + " (dtype '" + std::string(descr) +
                          "') is not supported: float64, float32, int32 or int64");
  };
  if (descr.find('O') != std::string_view::npos) unsupported("an object array");
  if (descr.size() != 3 ||
      (descr[0] != '<' && descr[0] != '>' && descr[0] != '|' && descr[0] != '=')) {
    unsupported("this dtype");
  }
  h.kind = descr[1];
  h.item_size = static_cast<std::size_t>(descr[2] - '0');
  const bool supported = (h.kind == 'f' && (h.item_size == 8 || h.item_size == 4)) ||
                         (h.kind == 'i' && (h.item_size == 8 || h.item_size == 4));
  if (!supported) unsupported("this dtype");
  const bool big = descr[0] == '>' || (descr[0] == '=' && std::endian::native == std::endian::big);
  h.swap = big != (std::endian::native == std::endian::big);
}

void parse_shape(std::string_view text, const std::string& source, Header& h) {
  const std::size_t close = text.find(')');
  if (!text.starts_with('(') || close == std::string_view::npos) {
    bad_input(source, "the header's 'shape' is not a tuple");
  }
  std::string_view rest = text.substr(1, close - 1);
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(", ");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc{}) bad_input(source, "the header's 'shape' is not a tuple of sizes");
    h.shape.push_back(n);
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
  }
  if (h.shape.empty() || h.shape.size() > 2) {
    bad_input(source, "a " + std::to_string(h.shape.size()) +
                          "-D array; only 1-D (one column) and 2-D (columns) arrays are tables");
  }
}

Header parse_header(std::string_view dict, const std::string& source) {
  const std::string_view descr = value_of(dict, "descr");
  const std::string_view order = value_of(dict, "fortran_order");
  const std::string_view shape = value_of(dict, "shape");
  if (descr.empty() || order.empty() || shape.empty()) {
    bad_input(source, "the header lacks 'descr', 'fortran_order' or 'shape'");
  }
  Header h;
  parse_descr(descr, source, h);
  if (!order.starts_with("True") && !order.starts_with("False")) {
    bad_input(source, "the header's 'fortran_order' is neither True nor False");
  }
  h.fortran_order = order.starts_with("True");
  parse_shape(shape, source, h);
  return h;
}

double element(const char* p, const Header& h) {
  std::array<char, 8> bytes{};
  std::memcpy(bytes.data(), p, h.item_size);
  if (h.swap) std::reverse(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h.item_size));
  if (h.kind == 'f' && h.item_size == 8) return std::bit_cast<double>(bytes);
  if (h.kind == 'i' && h.item_size == 8)
    return static_cast<double>(std::bit_cast<std::int64_t>(bytes));
  const auto four = std::bit_cast<std::array<std::array<char, 4>, 2>>(bytes)[0];
  if (h.kind == 'f') return static_cast<double>(std::bit_cast<float>(four));
  return static_cast<double>(std::bit_cast<std::int32_t>(four));
}

Dataset parse(std::string_view in, const std::string& source, NaPolicy na) {
  if (!in.starts_with(magic)) bad_input(source, "not a .npy file (no \\x93NUMPY magic)");
  if (in.size() < 10) bad_input(source, "truncated: the file ends inside the .npy preamble");
  const auto major = static_cast<unsigned char>(in[6]);
  if (major < 1 || major > 3) {
    bad_input(source, ".npy format version " + std::to_string(major) +
                          ".x is not supported (1.0, 2.0 or 3.0)");
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (in.size() < 8 + length_bytes) bad_input(source, "truncated: the file ends in the preamble");
  const std::size_t header_length = little_endian(in.substr(8, length_bytes));
  const std::size_t data_start = 8 + length_bytes + header_length;
  if (in.size() < data_start) bad_input(source, "truncated: the file ends inside its header");
  const Header h = parse_header(in.substr(8 + length_bytes, header_length), source);
  const std::uint64_t rows = h.shape[0];
  const std::uint64_t width = h.shape.size() == 2 ? h.shape[1] : 1;
  if (rows == 0) bad_input(source, "no rows: the array's first dimension is 0");
  if (width == 0) bad_input(source, "no columns: the array's second dimension is 0");
  const std::size_t available = (in.size() - data_start) / h.item_size;
  if (width > available / rows) {
    bad_input(source, "truncated: the shape needs " + std::to_string(rows) + " x " +
                          std::to_string(width) + " values, the file holds " +
                          std::to_string(available));
  }
  if (rows * width != available || (in.size() - data_start) % h.item_size != 0) {
    bad_input(source, "trailing bytes after the " + std::to_string(rows * width) + " values");
  }
  Dataset d;
  d.name = source;
  for (std::size_t c = 0; c < width; ++c)
    d.columns.push_back(std::string("x").append(std::to_string(c + 1)));
  d.data.resize(width);
  // Bounded by the file size: the file holds every value (checked above).
  for (auto& column : d.data) column.reserve(rows);
  std::vector<double> row(width);
  const char* data = in.data() + data_start;
  for (std::size_t i = 0; i < rows; ++i) {
    bool missing = false;
    for (std::size_t c = 0; c < width; ++c) {
      const std::size_t index = h.fortran_order ? c * rows + i : i * width + c;
      row[c] = element(data + index * h.item_size, h);
      if (std::isnan(row[c]) && na == NaPolicy::error) {
        bad_input(source, "row " + std::to_string(i + 1) + ", column " + std::to_string(c + 1) +
                              " ('" + d.columns[c] + "'): missing value (NaN)");
      }
      missing = missing || std::isnan(row[c]);
    }
    if (missing) {
      ++d.dropped_rows;
      continue;
    }
    for (std::size_t c = 0; c < width; ++c) d.data[c].push_back(row[c]);
  }
  if (d.rows() == 0) {
    bad_input(source, "no rows left after dropping " + std::to_string(d.dropped_rows) +
                          " with missing values");
  }
  return d;
}

}  // namespace

bool is_npy_magic(std::string_view prefix) noexcept { return prefix.starts_with(magic); }

Dataset read_npy(std::istream& in, const std::string& source, NaPolicy na) {
  const std::string bytes = detail::read_stream(in);
  return parse(bytes, source, na);
}

Dataset read_npy(const std::string& path, NaPolicy na) {
  const std::string bytes = detail::read_file(path, caller);
  Dataset d = parse(bytes, path, na);
  d.name = std::filesystem::path(path).stem().string();
  return d;
}

}  // namespace pardo::stats
