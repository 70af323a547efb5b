#pragma once
// The loops of pardo's FFT (real_fft.hpp), included by real_fft.cpp, compiled for the baseline
// instruction set, and by real_fft_avx2.cpp, compiled with AVX2. They have internal linkage and
// use no library types, so each file's copy keeps its own instruction set. Every loop rounds
// each operation on its own, with no reduction across lanes: both give the same bits.

#include <cstddef>

namespace pardo::mcmc::detail {
namespace {

// The passes of Stockham's algorithm: a pass of radix r over sub-transforms of n = r m points,
// s of them interleaved, reads x[q + s (p + j m)] for j < r and writes the r outputs of
// butterfly (p, q), the k-th times w^{kp} (w = e^{-2 pi i / n}), to y[q + s (r p + k)]. Each
// butterfly's loop over q reads and writes memory in order: it is a function of its own with
// restrict pointers, so that the compiler vectorises it.

/// y = w t, the product of complex numbers by parts.
inline void rotate(double wr, double wi, double tr, double ti, double& yr, double& yi) {
  yr = wr * tr - wi * ti;
  yi = wr * ti + wi * tr;
}

/// A 4-point DFT of a, b, c, d before its twiddles: y0 = a + b + c + d, and t1, t2, t3, the
/// outputs that w^p, w^2p and w^3p then turn.
struct Quartet {
  double y0r, y0i, t1r, t1i, t2r, t2i, t3r, t3i;
};

inline Quartet dft4(double ar, double ai, double br, double bi, double cr, double ci, double dr,
                    double di) {
  const double apcr = ar + cr;
  const double apci = ai + ci;
  const double amcr = ar - cr;
  const double amci = ai - ci;
  const double bpdr = br + dr;
  const double bpdi = bi + di;
  const double bmdr = br - dr;
  const double bmdi = bi - di;
  // a + c + (b + d); a - c - i (b - d), a + c - (b + d), a - c + i (b - d)
  return {apcr + bpdr, apci + bpdi, amcr + bmdi, amci - bmdr,
          apcr - bpdr, apci - bpdi, amcr - bmdi, amci + bmdr};
}

/// Radix-4 butterflies at one p, for q < s; w holds w^p, w^2p, w^3p as cos, sin pairs, m apart.
void butterflies4(const double* __restrict ar, const double* __restrict ai,
                  const double* __restrict br, const double* __restrict bi,
                  const double* __restrict cr, const double* __restrict ci,
                  const double* __restrict dr, const double* __restrict di, double* __restrict y0r,
                  double* __restrict y0i, double* __restrict y1r, double* __restrict y1i,
                  double* __restrict y2r, double* __restrict y2i, double* __restrict y3r,
                  double* __restrict y3i, const double* w, std::size_t m, std::size_t s) {
  const double w1r = w[0];
  const double w1i = w[m];
  const double w2r = w[2 * m];
  const double w2i = w[3 * m];
  const double w3r = w[4 * m];
  const double w3i = w[5 * m];
  for (std::size_t q = 0; q < s; ++q) {
    const Quartet t = dft4(ar[q], ai[q], br[q], bi[q], cr[q], ci[q], dr[q], di[q]);
    y0r[q] = t.y0r;
    y0i[q] = t.y0i;
    rotate(w1r, w1i, t.t1r, t.t1i, y1r[q], y1i[q]);
    rotate(w2r, w2i, t.t2r, t.t2i, y2r[q], y2i[q]);
    rotate(w3r, w3i, t.t3r, t.t3i, y3r[q], y3i[q]);
  }
}

/// A pass of radix R (R = 3 or 4), s > 1: `butterflies` at each p, given the R inputs' and
/// the R outputs' real and imaginary parts (pointers at q = 0, each pair side by side) and
/// w + p.
template <std::size_t R, class Butterflies>
void pass_of(const double* xr, const double* xi, double* yr, double* yi, std::size_t s,
             std::size_t m, const double* w, const Butterflies& butterflies) {
  for (std::size_t p = 0; p < m; ++p) {
    const double* in[2 * R];
    double* out[2 * R];
    for (std::size_t j = 0; j < R; ++j) {
      in[2 * j] = xr + s * (p + j * m);
      in[2 * j + 1] = xi + s * (p + j * m);
      out[2 * j] = yr + s * (R * p + j);
      out[2 * j + 1] = yi + s * (R * p + j);
    }
    butterflies(in, out, w + p);
  }
}

/// The first radix-4 pass (s = 1): one butterfly per p, so the loop is over p, its inputs in
/// order and its outputs four apart.
void first_radix4(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                  double* __restrict yi, std::size_t m, const double* __restrict w) {
  for (std::size_t p = 0; p < m; ++p) {
    const Quartet t = dft4(xr[p], xi[p], xr[p + m], xi[p + m], xr[p + 2 * m], xi[p + 2 * m],
                           xr[p + 3 * m], xi[p + 3 * m]);
    yr[4 * p] = t.y0r;
    yi[4 * p] = t.y0i;
    rotate(w[p], w[m + p], t.t1r, t.t1i, yr[4 * p + 1], yi[4 * p + 1]);
    rotate(w[2 * m + p], w[3 * m + p], t.t2r, t.t2i, yr[4 * p + 2], yi[4 * p + 2]);
    rotate(w[4 * m + p], w[5 * m + p], t.t3r, t.t3i, yr[4 * p + 3], yi[4 * p + 3]);
  }
}

/// Radix-3 butterflies at one p: y0 = a + b + c, y1 and y2 = w^p and w^2p times
/// a - (b + c) / 2 -+ i (sqrt(3) / 2) (b - c).
void butterflies3(const double* __restrict ar, const double* __restrict ai,
                  const double* __restrict br, const double* __restrict bi,
                  const double* __restrict cr, const double* __restrict ci, double* __restrict y0r,
                  double* __restrict y0i, double* __restrict y1r, double* __restrict y1i,
                  double* __restrict y2r, double* __restrict y2i, const double* w, std::size_t m,
                  std::size_t s) {
  constexpr double half_sqrt3 = 0.86602540378443864676;
  const double w1r = w[0];
  const double w1i = w[m];
  const double w2r = w[2 * m];
  const double w2i = w[3 * m];
  for (std::size_t q = 0; q < s; ++q) {
    const double sumr = br[q] + cr[q];
    const double sumi = bi[q] + ci[q];
    const double midr = ar[q] - 0.5 * sumr;
    const double midi = ai[q] - 0.5 * sumi;
    const double dr = half_sqrt3 * (br[q] - cr[q]);
    const double di = half_sqrt3 * (bi[q] - ci[q]);
    const double t1r = midr + di;
    const double t1i = midi - dr;
    const double t2r = midr - di;
    const double t2i = midi + dr;
    y0r[q] = ar[q] + sumr;
    y0i[q] = ai[q] + sumi;
    rotate(w1r, w1i, t1r, t1i, y1r[q], y1i[q]);
    rotate(w2r, w2i, t2r, t2i, y2r[q], y2i[q]);
  }
}

/// The last pass when N has an odd power of 2: m = 1, no twiddles.
void last_radix2(const double* __restrict xr, const double* __restrict xi, double* __restrict yr,
                 double* __restrict yi, std::size_t s) {
  for (std::size_t q = 0; q < s; ++q) {
    yr[q] = xr[q] + xr[q + s];
    yi[q] = xi[q] + xi[q + s];
    yr[q + s] = xr[q] - xr[q + s];
    yi[q + s] = xi[q] - xi[q + s];
  }
}

/// |X_k|^2 and |X_{N-k}|^2 for 0 < k < N / 2, from the complex transform Z of the even and odd
/// samples as one sequence: E = (Z_k + conj Z_{N-k}) / 2 and O = -i (Z_k - conj Z_{N-k}) / 2
/// are the even and odd samples' transforms, X_k = E + h_k O and X_{N-k} = conj(E - h_k O)
/// with h_k = e^{-i pi k / N}. `low` and `high` are the power spectrum's halves, from k = 0 and
/// k = N / 2.
void add_pairs(const double* __restrict zr, const double* __restrict zi,
               const double* __restrict hr, const double* __restrict hi, double* __restrict low,
               double* __restrict high, std::size_t n) {
  for (std::size_t k = 1; k < n / 2; ++k) {
    const std::size_t j = n - k;
    const double er = 0.5 * (zr[k] + zr[j]);
    const double ei = 0.5 * (zi[k] - zi[j]);
    const double odd_r = 0.5 * (zi[k] + zi[j]);
    const double odd_i = 0.5 * (zr[j] - zr[k]);
    const double hor = hr[k] * odd_r - hi[k] * odd_i;
    const double hoi = hr[k] * odd_i + hi[k] * odd_r;
    const double sum_r = er + hor;
    const double sum_i = ei + hoi;
    const double difference_r = er - hor;
    const double difference_i = ei - hoi;
    low[k] += sum_r * sum_r + sum_i * sum_i;
    high[j - n / 2] += difference_r * difference_r + difference_i * difference_i;
  }
}

/// The complex transform of n points x = xr + i xi by Stockham passes of the given radices, with
/// twiddles as RealFft::plan lays them out, back and forth between x and y.
inline void passes(double* xr, double* xi, double* yr, double* yi, const double* w,
                   const std::size_t* radices, std::size_t count, std::size_t n) {
  std::size_t s = 1;
  for (std::size_t pass = 0; pass < count; ++pass) {
    const std::size_t r = radices[pass];
    const std::size_t m = n / r;
    if (r == 4 && s == 1) {
      first_radix4(xr, xi, yr, yi, m, w);
    } else if (r == 4) {
      pass_of<4>(xr, xi, yr, yi, s, m, w, [&](const auto& in, const auto& out, const double* wp) {
        butterflies4(in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], out[0], out[1], out[2],
                     out[3], out[4], out[5], out[6], out[7], wp, m, s);
      });
    } else if (r == 3) {
      pass_of<3>(xr, xi, yr, yi, s, m, w, [&](const auto& in, const auto& out, const double* wp) {
        butterflies3(in[0], in[1], in[2], in[3], in[4], in[5], out[0], out[1], out[2], out[3],
                     out[4], out[5], wp, m, s);
      });
    } else {
      last_radix2(xr, xi, yr, yi, s);
    }
    w += 2 * (r - 1) * m;
    double* const r_before = xr;
    double* const i_before = xi;
    xr = yr;
    xi = yi;
    yr = r_before;
    yi = i_before;
    n = m;
    s *= r;
  }
}

}  // namespace
}  // namespace pardo::mcmc::detail
