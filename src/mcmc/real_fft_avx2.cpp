// pardo's FFT loops with AVX2: four doubles per register. This file alone is compiled with
// AVX2 flags; real_fft.cpp picks its loops only where the CPU has them.

#include "mcmc/fft_loops.hpp"

#if defined(PARDO_X86_KERNELS)

#include "mcmc/fft_passes.hpp"

namespace pardo::mcmc::detail {

FftLoops avx2_fft_loops() { return {&passes, &add_pairs}; }

}  // namespace pardo::mcmc::detail

#endif
