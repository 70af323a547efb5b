// Built by tests/package/check.sh against an installed or embedded pardo.
#include <pardo/pardo.hpp>
#include <vector>

int main() {
  pardo::ThreadPool pool(2);
  const auto squares = pool.map([](int x) { return x * x; }, std::vector<int>{1, 2, 3});
  return squares == std::vector<int>{1, 4, 9} ? 0 : 1;
}
