#pragma once
/// @file
/// Bulk Philox generation and the fused Monte Carlo pi kernel, with SIMD paths (AVX-512,
/// AVX2) chosen at run time and a scalar fallback, all giving the same bits.

#include <cstdint>
#include <span>
#include <string_view>

#include "pardo/random/philox.hpp"

namespace pardo::random {

/// The instruction sets the bulk kernels can use.
/// @code
/// if (pardo::random::simd_level() == pardo::random::SimdLevel::avx512) { /* fastest path */ }
/// @endcode
enum class SimdLevel { scalar, avx2, avx512 };

/// "scalar", "avx2" or "avx512".
/// @code
/// std::cout << pardo::random::to_string(pardo::random::simd_level());
/// @endcode
std::string_view to_string(SimdLevel level) noexcept;

/// The best level this CPU supports, lowered by the environment variable PARDO_SIMD
/// (scalar, avx2 or avx512) if it is set; decided once, at first use.
/// @code
/// auto level = pardo::random::simd_level();
/// @endcode
SimdLevel simd_level() noexcept;

/// Whether this CPU (and this build) can run `level`.
/// @code
/// bool fast = pardo::random::supported(pardo::random::SimdLevel::avx512);
/// @endcode
bool supported(SimdLevel level) noexcept;

/// Writes the Philox4x32-`rounds` outputs of blocks first_block, first_block + 1, ... of
/// stream `stream_id` under `key`: block i fills out[4 i .. 4 i + 3]. `out.size()` must be
/// a multiple of 4 (std::invalid_argument otherwise). Same bits at every level.
/// @code
/// std::vector<std::uint32_t> words(4 * 1024);
/// pardo::random::philox_blocks(key, /*stream_id=*/3, /*first_block=*/0, words);
/// @endcode
void philox_blocks(const Key& key, std::uint64_t stream_id, std::uint64_t first_block,
                   std::span<std::uint32_t> out, unsigned rounds = 10);

/// As above at a given level; throws std::invalid_argument if the CPU cannot run it.
void philox_blocks(SimdLevel level, const Key& key, std::uint64_t stream_id,
                   std::uint64_t first_block, std::span<std::uint32_t> out, unsigned rounds = 10);

/// The pi kernel, fused: Philox, test and count in registers, no arrays. Each block
/// (w0, w1, w2, w3) gives two points, (w0, w1) and (w2, w3); a point (a, b) lies in the
/// quarter disc when (a >> 1)^2 + (b >> 1)^2 < 2^62, an exact integer test. Returns how many
/// of the 2 * n_blocks points of blocks [first_block, first_block + n_blocks) lie inside.
/// @code
/// std::uint64_t inside = pardo::random::count_in_quarter_disc(key, block_id, 0, 1 << 20);
/// double pi_estimate = 4.0 * inside / (2.0 * (1 << 20));
/// @endcode
std::uint64_t count_in_quarter_disc(const Key& key, std::uint64_t stream_id,
                                    std::uint64_t first_block, std::uint64_t n_blocks,
                                    unsigned rounds = 10);

/// As above at a given level; throws std::invalid_argument if the CPU cannot run it.
std::uint64_t count_in_quarter_disc(SimdLevel level, const Key& key, std::uint64_t stream_id,
                                    std::uint64_t first_block, std::uint64_t n_blocks,
                                    unsigned rounds = 10);

}  // namespace pardo::random
