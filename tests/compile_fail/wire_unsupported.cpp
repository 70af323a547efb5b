// Must not compile: each use below fails with pardo's one static_assert message, which the
// ctest wire.unsupported_types_fail_to_compile looks for (see tests/CMakeLists.txt).
#include <pardo/remote/wire.hpp>
#include <string>
#include <vector>

struct NotSerializable {
  std::string text;
};

void send(pardo::wire::Writer& out, pardo::wire::Reader& in, int* pointer) {
  pardo::wire::encode(out, pointer);
  pardo::wire::encode(out, std::vector<NotSerializable>{});
  (void)pardo::wire::decode<NotSerializable>(in);
}
