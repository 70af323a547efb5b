#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>
#include <pardo/pardo.hpp>
#include <vector>

int main() {
  pardo::ThreadPool pool;  // one worker per core

  pardo::Future<double> root = pool.submit([](double x) { return std::sqrt(x); }, 2.0);
  auto doubled = root.then([](double r) { return 2 * r; });  // runs when root finishes

  std::vector<int> xs(1000);
  std::iota(xs.begin(), xs.end(), 0);
  std::vector<long> squares = pool.map([](int x) { return long{x} * x; }, xs);  // input order

  // The same bits for any worker count, schedule and chunksize.
  double h = pool.map_reduce(
      xs, [](int x) { return 1.0 / (x + 1); }, std::plus<>{}, 0.0);

  std::vector<double> ys(xs.size());
  pool.parallel_for(std::size_t{0}, ys.size(), [&](std::size_t i) { ys[i] = std::sin(xs[i]); },
                    {.schedule = pardo::Schedule::dynamic});

  std::printf("2*sqrt(2) = %.6f  squares[999] = %ld  H(1000) = %.12f\n", doubled.get(),
              squares[999], h);
}
