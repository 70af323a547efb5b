#include "pardo/image/mandelbrot.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

#include "core/validate.hpp"
#include "image/escape_kernels.hpp"
#include "pardo/core/errors.hpp"
#include "pardo/remote/remote.hpp"

namespace pardo::image {

namespace {

constexpr std::string_view caller = "mandelbrot";
constexpr std::size_t max_pixels = std::size_t{1} << 32;

void escape_row(random::SimdLevel level, const double* cx, double cy, std::size_t n,
                std::uint32_t max_iterations, std::uint32_t* out) noexcept {
#if defined(PARDO_X86_KERNELS)
  switch (level) {
    case random::SimdLevel::avx512:
      return detail::escape_row_avx512(cx, cy, n, max_iterations, out);
    case random::SimdLevel::avx2:
      return detail::escape_row_avx2(cx, cy, n, max_iterations, out);
    case random::SimdLevel::scalar:
      break;
  }
#else
  (void)level;
#endif
  detail::escape_row_scalar(cx, cy, n, max_iterations, out);
}

random::SimdLevel level_of(const MandelbrotOptions& options) {
  return options.simd.value_or(random::simd_level());
}

/// The centre of cell `i` of `cells` along [low, high].
double centre(double low, double high, std::size_t i, std::size_t cells) noexcept {
  return low + (static_cast<double>(i) + 0.5) * ((high - low) / static_cast<double>(cells));
}

void require_side(double low, double high, std::string_view what) {
  if (std::isfinite(low) && std::isfinite(high) && low < high && std::isfinite(high - low)) return;
  pardo::detail::throw_invalid(caller, "region " + std::string(what) + " is [" +
                                           format_number(low) + ", " + format_number(high) +
                                           "]; it must be finite, with low < high and a finite "
                                           "width");
}

}  // namespace

std::optional<Region> parse_region(std::string_view text) {
  double v[4];
  for (std::size_t k = 0; k < 4; ++k) {
    const std::size_t colon = k < 3 ? text.find(':') : text.size();
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view field = text.substr(0, colon);
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), v[k]);
    if (error != std::errc() || end != field.data() + field.size() || !std::isfinite(v[k])) {
      return std::nullopt;
    }
    text.remove_prefix(std::min(text.size(), colon + 1));
  }
  if (!(v[0] < v[1]) || !(v[2] < v[3])) return std::nullopt;
  return Region{v[0], v[1], v[2], v[3]};
}

void validate(const MandelbrotOptions& options) {
  pardo::detail::require_positive(options.width, caller, "width");
  pardo::detail::require_positive(options.height, caller, "height");
  if (options.width > max_pixels / options.height) {
    pardo::detail::throw_invalid(caller, "width " + std::to_string(options.width) + " x height " +
                                             std::to_string(options.height) +
                                             ": the image is too large (at most 2^32 pixels)");
  }
  pardo::detail::require_positive(options.max_iterations, caller, "max_iterations");
  require_side(options.region.x0, options.region.x1, "x");
  require_side(options.region.y0, options.region.y1, "y");
  pardo::detail::require_positive(options.tile_rows, caller, "tile_rows");
  pardo::MapOptions dealt{.schedule = options.schedule};
  pardo::detail::validate(dealt, "mandelbrot");
  if (options.simd && !random::supported(*options.simd)) {
    pardo::detail::throw_invalid(caller, "SIMD level " +
                                             std::string(random::to_string(*options.simd)) +
                                             " is not supported by this CPU or build");
  }
}

std::uint64_t tile_count(const MandelbrotOptions& options) noexcept {
  if (options.width == 0 || options.height == 0 || options.tile_rows == 0) return 0;
  const std::size_t columns = options.tile_columns == 0 ? options.width : options.tile_columns;
  const std::uint64_t across = (options.width + columns - 1) / columns;
  const std::uint64_t down = (options.height + options.tile_rows - 1) / options.tile_rows;
  return across * down;
}

namespace detail {

TileBounds tile_bounds(const MandelbrotOptions& options, std::uint64_t tile) noexcept {
  const std::size_t columns = options.tile_columns == 0 ? options.width : options.tile_columns;
  const std::uint64_t across = (options.width + columns - 1) / columns;
  TileBounds b;
  b.row = static_cast<std::size_t>(tile / across) * options.tile_rows;
  b.rows = std::min(options.tile_rows, options.height - b.row);
  b.column = static_cast<std::size_t>(tile % across) * columns;
  b.columns = std::min(columns, options.width - b.column);
  return b;
}

namespace {

// Counts of the tile's rows into out, row after row, each row `stride` apart.
void draw(const MandelbrotOptions& options, const TileBounds& b, std::uint32_t* out,
          std::size_t stride) {
  const random::SimdLevel level = level_of(options);
  const Region& r = options.region;
  std::vector<double> cx(b.columns);
  for (std::size_t i = 0; i < b.columns; ++i)
    cx[i] = centre(r.x0, r.x1, b.column + i, options.width);
  for (std::size_t j = 0; j < b.rows; ++j) {
    const double cy = centre(r.y0, r.y1, b.row + j, options.height);
    escape_row(level, cx.data(), cy, b.columns, options.max_iterations, out + j * stride);
  }
}

}  // namespace

void draw_tile(const MandelbrotOptions& options, std::uint64_t tile,
               std::span<std::uint32_t> image) {
  const TileBounds b = tile_bounds(options, tile);
  draw(options, b, image.data() + b.row * options.width + b.column, options.width);
}

std::vector<std::uint32_t> mandelbrot_tile(MandelbrotTask task) {
  validate(task.options);
  const TileBounds b = tile_bounds(task.options, task.tile);
  std::vector<std::uint32_t> counts(b.rows * b.columns);
  draw(task.options, b, counts.data(), b.columns);
  return counts;
}
PARDO_REMOTE(mandelbrot_tile);

void place_tile(const MandelbrotOptions& options, std::uint64_t tile,
                std::span<const std::uint32_t> counts, std::span<std::uint32_t> image) {
  const TileBounds b = tile_bounds(options, tile);
  if (counts.size() != b.rows * b.columns) {
    throw std::runtime_error("mandelbrot: tile " + std::to_string(tile) + " came back with " +
                             std::to_string(counts.size()) + " counts, not " +
                             std::to_string(b.rows * b.columns));
  }
  for (std::size_t j = 0; j < b.rows; ++j) {
    const auto row = counts.subspan(j * b.columns, b.columns);
    std::copy(row.begin(), row.end(),
              image.begin() + static_cast<std::ptrdiff_t>((b.row + j) * options.width + b.column));
  }
}

MandelbrotResult summarise(const MandelbrotOptions& options, std::vector<std::uint32_t> counts,
                           RunInfo run) {
  MandelbrotResult r;
  r.width = options.width;
  r.height = options.height;
  r.counts = std::move(counts);
  for (const std::uint32_t c : r.counts) {
    r.iterations += c;
    r.inside += c == options.max_iterations ? 1 : 0;
  }
  r.tiles = tile_count(options);
  r.simd = std::string(random::to_string(level_of(options)));
  const double drawn =
      static_cast<double>(options.width * options.height) *
      (r.tiles > 0 ? static_cast<double>(run.blocks_done) / static_cast<double>(r.tiles) : 0);
  r.pixels_per_second = run.seconds > 0 ? drawn / run.seconds : 0;
  r.run = std::move(run);
  return r;
}

void escape_row_scalar(const double* cx, double cy, std::size_t n, std::uint32_t max_iterations,
                       std::uint32_t* out) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = escape_count(cx[i], cy, max_iterations);
}

}  // namespace detail

}  // namespace pardo::image
