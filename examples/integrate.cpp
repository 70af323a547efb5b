// Monte Carlo integration with pardo: a fixed budget on threads, stratified sampling, an
// adaptive run to a tolerance, and the same integrand on worker processes.
#include <cmath>
#include <cstdio>
#include <pardo/mc/integrate.hpp>
#include <pardo/pardo.hpp>
#include <span>

// The integrand: registered so that worker processes can call it too.
double peak(std::span<const double> x) {
  double r2 = 0;
  for (const double xi : x) r2 += (xi - 0.5) * (xi - 0.5);
  return std::exp(-10 * r2);
}
PARDO_REMOTE_FUNCTION(peak);

void print(const char* what, const pardo::mc::IntegrateResult& r) {
  std::printf("%-28s %.8f +- %.2g  [%.8f, %.8f]  %llu samples%s\n", what, r.estimate, r.std_error,
              r.interval.low, r.interval.high, static_cast<unsigned long long>(r.samples),
              r.tolerance_met ? ", tolerance met" : "");
}

int main(int argc, char** argv) {
  pardo::init(argc, argv);  // worker processes start here and never return
  const auto box = pardo::mc::Box::cube(3, 0.0, 1.0);

  pardo::ThreadPool threads;
  print("plain, 10^7 samples", pardo::mc::integrate(threads, peak, box, {.samples = 10'000'000}));
  print("stratified, 10^7 samples",
        pardo::mc::integrate(
            threads, peak, box,
            {.samples = 10'000'000, .method = pardo::mc::IntegrationMethod::stratified}));
  // Until the 95% half-width is below 10^-4 of the estimate, or 10^9 samples are spent.
  print("adaptive, rel_tol 1e-4",
        pardo::mc::integrate(threads, peak, box,
                             {.samples = 1'000'000'000,
                              .method = pardo::mc::IntegrationMethod::stratified,
                              .rel_tol = 1e-4}));

  // On worker processes the integrand travels as a handle; the bits are the same.
  pardo::ProcessPool processes(2);
  print("plain, 10^7, processes", pardo::mc::integrate(processes, pardo::mc::ScalarIntegrand(peak),
                                                       box, {.samples = 10'000'000}));
}
