#include "mcmc/real_fft.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

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
void pass(const double* xr, const double* xi, double* yr, double* yi, std::size_t s, std::size_t m,
          const double* w, const Butterflies& butterflies) {
  for (std::size_t p = 0; p < m; ++p) {
    std::array<const double*, 2 * R> in{};
    std::array<double*, 2 * R> out{};
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

}  // namespace

std::size_t RealFft::length_at_least(std::size_t at_least) {
  // m = 2N = 8 * 2^a * 3^b: for each power of 3, the smallest power of 2 that reaches.
  std::size_t best = 0;
  for (std::size_t three = 8; best == 0 || three < best; three *= 3) {
    std::size_t m = three;
    while (m < at_least) m *= 2;
    if (best == 0 || m < best) best = m;
  }
  return best;
}

void RealFft::plan(std::size_t m) {
  std::size_t rest = m / 8;
  while (rest > 1 && rest % 2 == 0) rest /= 2;
  while (rest > 1 && rest % 3 == 0) rest /= 3;
  if (m % 8 != 0 || rest != 1) {
    throw std::logic_error("RealFft: length " + std::to_string(m) +
                           " is not 8 times a product of 2s and 3s");
  }
  if (m == 2 * n_) return;
  n_ = m / 2;
  radices_.clear();
  rest = n_;
  for (; rest % 4 == 0; rest /= 4) radices_.push_back(4);
  for (; rest % 3 == 0; rest /= 3) radices_.push_back(3);
  if (rest == 2) radices_.push_back(2);
  twiddles_.clear();
  std::size_t n = n_;
  for (const std::size_t r : radices_) {
    const std::size_t sub = n / r;
    if (r == 2) break;
    for (std::size_t k = 1; k < r; ++k) {
      for (const bool sine : {false, true}) {
        for (std::size_t p = 0; p < sub; ++p) {
          const double angle =
              -2 * std::numbers::pi * static_cast<double>(k * p) / static_cast<double>(n);
          twiddles_.push_back(sine ? std::sin(angle) : std::cos(angle));
        }
      }
    }
    n = sub;
  }
  half_cos_.resize(n_ + 1);
  half_sin_.resize(n_ + 1);
  for (std::size_t k = 0; k <= n_; ++k) {
    const double angle = -std::numbers::pi * static_cast<double>(k) / static_cast<double>(n_);
    half_cos_[k] = std::cos(angle);
    half_sin_[k] = std::sin(angle);
  }
  re_.resize(n_);
  im_.resize(n_);
  re_to_.resize(n_);
  im_to_.resize(n_);
}

std::pair<const double*, const double*> RealFft::transform() {
  double* xr = re_.data();
  double* xi = im_.data();
  double* yr = re_to_.data();
  double* yi = im_to_.data();
  const double* w = twiddles_.data();
  std::size_t n = n_;
  std::size_t s = 1;
  for (const std::size_t r : radices_) {
    const std::size_t m = n / r;
    if (r == 4 && s == 1) {
      first_radix4(xr, xi, yr, yi, m, w);
    } else if (r == 4) {
      pass<4>(xr, xi, yr, yi, s, m, w, [&](const auto& in, const auto& out, const double* wp) {
        butterflies4(in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], out[0], out[1], out[2],
                     out[3], out[4], out[5], out[6], out[7], wp, m, s);
      });
    } else if (r == 3) {
      pass<3>(xr, xi, yr, yi, s, m, w, [&](const auto& in, const auto& out, const double* wp) {
        butterflies3(in[0], in[1], in[2], in[3], in[4], in[5], out[0], out[1], out[2], out[3],
                     out[4], out[5], wp, m, s);
      });
    } else {
      last_radix2(xr, xi, yr, yi, s);
    }
    w += 2 * (r - 1) * m;
    std::swap(xr, yr);
    std::swap(xi, yi);
    n = m;
    s *= r;
  }
  return {xr, xi};
}

void RealFft::add_power(const double* x, double* power) {
  const std::size_t n = n_;
  for (std::size_t k = 0; k < n; ++k) {
    re_[k] = x[2 * k];
    im_[k] = x[2 * k + 1];
  }
  const auto [zr, zi] = transform();
  // k = 0 and N: E and O are Z_0's real and imaginary parts, h_0 = 1 and h_N = -1.
  power[0] += (zr[0] + zi[0]) * (zr[0] + zi[0]);
  power[n] += (zr[0] - zi[0]) * (zr[0] - zi[0]);
  add_pairs(zr, zi, half_cos_.data(), half_sin_.data(), power, power + n / 2, n);
  // k = N / 2: X = conj Z_{N/2}.
  power[n / 2] += zr[n / 2] * zr[n / 2] + zi[n / 2] * zi[n / 2];
}

void RealFft::inverse(const double* power, double* out) {
  const std::size_t n = n_;
  // The even and odd samples as one complex sequence: its transform is Y_k = (P_k + P_{N+k})
  // + i (P_k - P_{N+k}) conj h_k, with P_{N+k} = P_{N-k}. A forward transform of conj Y,
  // conjugated, is the inverse.
  for (std::size_t k = 0; k < n; ++k) {
    const double sum = power[k] + power[n - k];
    const double difference = power[k] - power[n - k];
    re_[k] = sum + difference * half_sin_[k];
    im_[k] = -difference * half_cos_[k];
  }
  const auto [zr, zi] = transform();
  for (std::size_t r = 0; r < n; ++r) {
    out[2 * r] = zr[r];
    out[2 * r + 1] = -zi[r];
  }
}

}  // namespace pardo::mcmc::detail
