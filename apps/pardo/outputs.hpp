#pragma once
// What a command writes besides its printed result: `--output FILE` for that result, and the
// `--save-*` options for the numbers people plot (draws, distributions, the Laplace field).

#include <CLI/CLI.hpp>
#include <cstddef>
#include <pardo/stats/output.hpp>
#include <span>
#include <string>
#include <string_view>

namespace pardo::cli {

/// Adds `-o,--output FILE`: the result, as it would be printed, goes to FILE instead.
void add_output_option(CLI::App& cmd, std::string& path);

/// Sends standard output to `path` (nothing for "" or "-", nor on an MPI rank other than 0,
/// which prints nothing), truncating it. Returns 0, or 2 after printing "pardo <command>:
/// --output PATH: cannot create: <reason>" when it cannot be created.
int redirect_output(const std::string& path, std::string_view command);

/// Adds a `--save-<what> FILE` option (not "-": standard output carries the result).
CLI::Option* add_save_option(CLI::App& cmd, const std::string& name, std::string& path,
                             const std::string& description);

/// Creates (truncates) `path` before a long run, so that a path that cannot be written fails
/// at once: 0, or 2 after printing "pardo <command>: <option> PATH: cannot create: <reason>".
int prepare_save(const std::string& path, std::string_view option, std::string_view command);

/// Writes `table` to `path` (stats::write_table): 0, or 3 after printing why it failed.
int save_table(const std::string& path, const stats::NumberTable& table, std::string_view option,
               std::string_view command);

/// Writes a field of `ny` rows of `nx` values (row j at y_j = j / (ny - 1), x along a row):
/// a viridis PNG image, y up, scaled from the smallest to the largest value (.png); an array
/// of shape (ny, nx) (.npy); or CSV with columns x, y, u. 0, or 3 after printing why not.
/// The colour of t in [0, 1] (clamped) on matplotlib's viridis map, as 3 bytes at `rgb`.
void viridis_colour(double t, unsigned char* rgb);

/// Writes `rgb` (3 bytes per pixel, `ny` rows of `nx` from the top) as a PNG image: 0, or 3
/// after printing "pardo <command>: <option> PATH: cannot write: <reason>".
int save_png(const std::string& path, std::span<const unsigned char> rgb, std::size_t nx,
             std::size_t ny, std::string_view option, std::string_view command);

int save_field(const std::string& path, std::span<const double> values, std::size_t nx,
               std::size_t ny, std::string_view option, std::string_view command);

}  // namespace pardo::cli
