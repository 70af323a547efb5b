#include "pardo/stats/output.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string_view>

#include "core/validate.hpp"

namespace pardo::stats {

namespace {

void check(const NumberTable& table, std::string_view caller) {
  if (table.names.empty()) pardo::detail::throw_invalid(caller, "the table has no columns");
  if (table.values.size() % table.names.size() != 0) {
    pardo::detail::throw_invalid(caller, std::to_string(table.values.size()) +
                                             " values are not whole rows of " +
                                             std::to_string(table.names.size()) + " columns");
  }
}

std::string quoted(const std::string& name) {
  if (name.find_first_of(",\"\r\n") == std::string::npos) return name;
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

void write_csv(std::ostream& out, const NumberTable& table) {
  check(table, "write_csv");
  const std::size_t columns = table.names.size();
  for (std::size_t c = 0; c < columns; ++c) out << (c == 0 ? "" : ",") << quoted(table.names[c]);
  out << '\n';
  // Lines are built in a buffer: a stream insertion per value would dominate large tables.
  std::string line;
  std::array<char, 32> number{};
  for (std::size_t r = 0; r < table.rows(); ++r) {
    line.clear();
    for (std::size_t c = 0; c < columns; ++c) {
      if (c != 0) line += ',';
      const auto [end, ec] = std::to_chars(number.data(), number.data() + number.size(),
                                           table.values[r * columns + c]);
      line.append(number.data(), end);
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

void write_npy(std::ostream& out, const NumberTable& table) {
  check(table, "write_npy");
  const std::size_t columns = table.names.size();
  // Appended piece by piece: g++ 12 warns falsely (-Wrestrict) on "(" + std::string&&.
  std::string shape = "(";
  shape += std::to_string(table.rows());
  shape += columns == 1 ? "," : ", " + std::to_string(columns);
  shape += ")";
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6), version (2) and length (2), then the header padded with spaces and ended by a
  // newline so that the data starts on a multiple of 64 bytes, as numpy writes it.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  const auto length = static_cast<std::uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  const std::array<char, 2> size_bytes{static_cast<char>(length & 0xffU),
                                       static_cast<char>(length >> 8U)};
  out.write(size_bytes.data(), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  static_assert(std::endian::native == std::endian::little, "write_npy writes '<f8' as is");
  out.write(reinterpret_cast<const char*>(table.values.data()),
            static_cast<std::streamsize>(table.values.size() * sizeof(double)));
}

bool is_npy_path(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".npy";
}

void write_table(const std::string& path, const NumberTable& table) {
  check(table, "write_table");
  if (path == "-") {
    write_csv(std::cout, table);
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("write_table: cannot write to standard output");
    return;
  }
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const auto fail = [&](std::string_view what) {
    throw std::runtime_error("write_table: cannot " + std::string(what) + " " + path + ": " +
                             (errno != 0 ? std::strerror(errno) : "write error"));
  };
  if (!out) fail("create");
  if (is_npy_path(path)) {
    write_npy(out, table);
  } else {
    write_csv(out, table);
  }
  out.flush();
  if (!out) fail("write");
  out.close();
  if (!out) fail("write");
}

}  // namespace pardo::stats
