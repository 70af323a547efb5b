#include "outputs.hpp"

#include <fcntl.h>
#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "mpi_session.hpp"
#include "report.hpp"

namespace pardo::cli {

namespace {

int cannot(std::string_view command, std::string_view option, const std::string& path,
           std::string_view what, int code) {
  std::fprintf(stderr, "pardo %.*s: %.*s %s: cannot %.*s: %s\n", static_cast<int>(command.size()),
               command.data(), static_cast<int>(option.size()), option.data(), path.c_str(),
               static_cast<int>(what.size()), what.data(), std::strerror(errno));
  return code;
}

bool has_extension(const std::string& path, std::string_view extension) {
  std::string e = std::filesystem::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e == extension;
}

// matplotlib's viridis at 0, 1/16, ..., 1, interpolated linearly between.
constexpr std::array<std::array<unsigned char, 3>, 17> viridis{{{68, 1, 84},
                                                                {72, 24, 106},
                                                                {71, 45, 123},
                                                                {66, 64, 134},
                                                                {59, 82, 139},
                                                                {51, 99, 141},
                                                                {44, 114, 142},
                                                                {38, 130, 142},
                                                                {33, 145, 140},
                                                                {31, 160, 136},
                                                                {40, 174, 128},
                                                                {63, 188, 115},
                                                                {94, 201, 98},
                                                                {132, 212, 75},
                                                                {173, 220, 48},
                                                                {216, 226, 25},
                                                                {253, 231, 37}}};

int write_png(const std::string& path, std::span<const double> values, std::size_t nx,
              std::size_t ny, std::string_view option, std::string_view command) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double span = *high - *low;
  std::vector<unsigned char> pixels(values.size() * 3);
  // PNG rows run from the top; y grows upwards.
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      const double t = span > 0 ? (values[j * nx + i] - *low) / span : 0.5;
      viridis_colour(t, &pixels[((ny - 1 - j) * nx + i) * 3]);
    }
  }
  return save_png(path, pixels, nx, ny, option, command);
}

}  // namespace

void viridis_colour(double t, unsigned char* rgb) {
  const double position = std::clamp(t, 0.0, 1.0) * 16;
  const auto below = std::min<std::size_t>(static_cast<std::size_t>(position), 15);
  const double f = position - static_cast<double>(below);
  for (std::size_t c = 0; c < 3; ++c) {
    const double v = viridis[below][c] + f * (viridis[below + 1][c] - viridis[below][c]);
    rgb[c] = static_cast<unsigned char>(std::lround(v));
  }
}

int save_png(const std::string& path, std::span<const unsigned char> rgb, std::size_t nx,
             std::size_t ny, std::string_view option, std::string_view command) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(nx);
  image.height = static_cast<png_uint_32>(ny);
  image.format = PNG_FORMAT_RGB;
  errno = 0;
  if (png_image_write_to_file(&image, path.c_str(), 0, rgb.data(), 0, nullptr) == 0) {
    const std::string reason = errno != 0 ? std::strerror(errno) : image.message;
    png_image_free(&image);
    std::fprintf(stderr, "pardo %.*s: %.*s %s: cannot write: %s\n",
                 static_cast<int>(command.size()), command.data(), static_cast<int>(option.size()),
                 option.data(), path.c_str(), reason.c_str());
    return exit_failure;
  }
  return 0;
}

void add_output_option(CLI::App& cmd, std::string& path) {
  cmd.add_option("-o,--output", path,
                 "Write the result (what would be printed) to FILE instead of standard output")
      ->type_name("FILE");
}

int redirect_output(const std::string& path, std::string_view command) {
  if (path.empty() || path == "-" || launched_as_other_rank()) return 0;
  std::fflush(stdout);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return cannot(command, "--output", path, "create", exit_usage);
  const bool moved = ::dup2(fd, STDOUT_FILENO) >= 0;
  ::close(fd);
  if (!moved) return cannot(command, "--output", path, "write", exit_failure);
  return 0;
}

CLI::Option* add_save_option(CLI::App& cmd, const std::string& name, std::string& path,
                             const std::string& description) {
  return cmd.add_option(name, path, description)
      ->type_name("FILE")
      ->check([](const std::string& value) {
        return value == "-" ? std::string("'-': standard output carries the result; name a file")
                            : std::string();
      });
}

int prepare_save(const std::string& path, std::string_view option, std::string_view command) {
  if (path.empty() || launched_as_other_rank()) return 0;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return cannot(command, option, path, "create", exit_usage);
  ::close(fd);
  return 0;
}

int save_table(const std::string& path, const stats::NumberTable& table, std::string_view option,
               std::string_view command) {
  try {
    stats::write_table(path, table);
  } catch (const std::runtime_error& e) {
    std::string_view what = e.what();
    if (what.starts_with("write_table: ")) what.remove_prefix(13);
    std::fprintf(stderr, "pardo %.*s: %.*s: %.*s\n", static_cast<int>(command.size()),
                 command.data(), static_cast<int>(option.size()), option.data(),
                 static_cast<int>(what.size()), what.data());
    return exit_failure;
  }
  return 0;
}

int save_field(const std::string& path, std::span<const double> values, std::size_t nx,
               std::size_t ny, std::string_view option, std::string_view command) {
  if (has_extension(path, ".png")) return write_png(path, values, nx, ny, option, command);
  stats::NumberTable table;
  if (stats::is_npy_path(path)) {
    table.names.assign(nx, "u");
    table.values.assign(values.begin(), values.end());
  } else {
    table.names = {"x", "y", "u"};
    table.values.reserve(values.size() * 3);
    for (std::size_t j = 0; j < ny; ++j) {
      for (std::size_t i = 0; i < nx; ++i) {
        table.values.push_back(static_cast<double>(i) / static_cast<double>(nx - 1));
        table.values.push_back(static_cast<double>(j) / static_cast<double>(ny - 1));
        table.values.push_back(values[j * nx + i]);
      }
    }
  }
  return save_table(path, table, option, command);
}

}  // namespace pardo::cli
