// The elementwise family on every available ISA against the scalar table
// (the C library in double, one rounding: the reference's arithmetic):
// bitwise for every kernel whose native form is exact (ew_body.inc), a dense
// sweep with the measured ulp bounds for exp, log and softplus, the three
// flat modes, the broadcast loop nest, and nothing written past the end.
#include "../kernels/ew.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;

namespace {

const EwKernels* table_for(Isa isa) { return kernel_registry(isa).ew; }
const EwKernels* scalar() { return kernel_registry(Isa::scalar).ew; }

// Inputs with the edge values every fourth element.
std::vector<float> inputs(size_t n, uint32_t seed) {
  const float inf = std::numeric_limits<float>::infinity();
  const float edges[] = {0.f, -0.f, 1e-45f, 1e-40f, 1.f,   -1.f,
                         inf, -inf, NAN,    6.f,    1e30f, -13.942386f};
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    v[i] = i % 4 == 0 ? edges[(i / 4 + seed) % 12]
                      : (static_cast<float>(s >> 8) / 16777216.f - 0.5f) * 40.f;
  }
  return v;
}

int32_t ordinal(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i < 0 ? -(i & 0x7fffffff) : i;
}

// Distance in ulps (0 for NaN/NaN and for identical bits; huge for a NaN mismatch or a sign-of-zero
// difference).
int64_t ulps(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : 1LL << 40;
  if (a == 0 && b == 0) return std::signbit(a) == std::signbit(b) ? 0 : 1LL << 40;
  const int64_t d = static_cast<int64_t>(ordinal(a)) - ordinal(b);
  return d < 0 ? -d : d;
}

int64_t worst(const std::vector<float>& a, const std::vector<float>& b, size_t n) {
  int64_t w = 0;
  for (size_t i = 0; i < n; i++) w = std::max(w, ulps(a[i], b[i]));
  return w;
}

}  // namespace

NODEGRAD_TEST(ew_binary_and_compare_match_scalar_every_mode_and_size) {
  for (Isa isa : available_isas()) {
    const EwKernels* k = table_for(isa);
    for (size_t n : {1u, 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 33u, 257u}) {
      const std::vector<float> a = inputs(n, 1), b = inputs(n, 2);
      for (int mode : {kEwVV, kEwVS, kEwSV}) {
        const std::string where = std::string(isa_name(isa)) + " n=" + std::to_string(n) +
                                  " mode=" + std::to_string(mode);
#define NODEGRAD_X_binary(field)                                                     \
  {                                                                                  \
    std::vector<float> o(n + 1, 99.f), s(n + 1, 99.f);                               \
    k->field(a.data(), b.data(), o.data(), n, mode);                                 \
    scalar()->field(a.data(), b.data(), s.data(), n, mode);                          \
    NODEGRAD_CHECK(worst(o, s, n) == 0, where + " " #field " bitwise");              \
    NODEGRAD_CHECK(o[n] == 99.f, where + " " #field " writes nothing past the end"); \
  }
#define NODEGRAD_X_compare(field)                                                    \
  {                                                                                  \
    std::vector<uint8_t> o(n + 1, 7), s(n + 1, 7);                                   \
    k->field(a.data(), b.data(), o.data(), n, mode);                                 \
    scalar()->field(a.data(), b.data(), s.data(), n, mode);                          \
    NODEGRAD_CHECK(std::memcmp(o.data(), s.data(), n + 1) == 0, where + " " #field); \
  }
#define NODEGRAD_X_unary(field)
#define NODEGRAD_X_unary_param(field)
#define NODEGRAD_X_grad(field)
#define NODEGRAD_X(kind, field, js) NODEGRAD_X_##kind(field)
        NODEGRAD_EW_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
#undef NODEGRAD_X_binary
#undef NODEGRAD_X_compare
#undef NODEGRAD_X_unary
#undef NODEGRAD_X_unary_param
#undef NODEGRAD_X_grad
      }
    }
  }
}

NODEGRAD_TEST(ew_unary_match_scalar_within_their_bounds) {
  // Bounds (ulps against the scalar path, which is the reference's
  // arithmetic): exp 1, log 1, softplus 3 (measured by the dense sweep in
  // test/shared/elementwise-tolerances.mjs); every other unary kernel 0.
  const size_t n = 1 << 16;
  std::vector<float> x = inputs(n, 3);
  // Half of the sweep: bit patterns spread over the whole float line.
  for (size_t i = 0; i < n / 2; i++) {
    const uint32_t bits = static_cast<uint32_t>(i) * 65537u;
    std::memcpy(&x[i], &bits, 4);
  }
  for (Isa isa : available_isas()) {
    const EwKernels* k = table_for(isa);
    const std::string where = std::string(isa_name(isa));
#define NODEGRAD_BOUND(field)                                               \
  (std::strcmp(#field, "softplus") == 0                                 ? 3 \
   : std::strcmp(#field, "exp") == 0 || std::strcmp(#field, "log") == 0 ? 1 \
                                                                        : 0)
#define NODEGRAD_X_unary(field)                                                      \
  {                                                                                  \
    std::vector<float> y(n + 1, 99.f), s(n + 1, 99.f);                               \
    k->field(x.data(), y.data(), n);                                                 \
    scalar()->field(x.data(), s.data(), n);                                          \
    NODEGRAD_CHECK(worst(y, s, n) <= NODEGRAD_BOUND(field), where + " " #field);     \
    NODEGRAD_CHECK(y[n] == 99.f, where + " " #field " writes nothing past the end"); \
  }
#define NODEGRAD_X_unary_param(field)                                   \
  {                                                                     \
    std::vector<float> y(n), s(n);                                      \
    k->field(x.data(), y.data(), n, -0.5, 2.25);                        \
    scalar()->field(x.data(), s.data(), n, -0.5, 2.25);                 \
    NODEGRAD_CHECK(worst(y, s, n) == 0, where + " " #field " bitwise"); \
  }
#define NODEGRAD_X_grad(field)                                          \
  {                                                                     \
    std::vector<float> d(n), s(n);                                      \
    k->field(x.data(), x.data(), d.data(), n);                          \
    scalar()->field(x.data(), x.data(), s.data(), n);                   \
    NODEGRAD_CHECK(worst(d, s, n) == 0, where + " " #field " bitwise"); \
  }
#define NODEGRAD_X_binary(field)
#define NODEGRAD_X_compare(field)
#define NODEGRAD_X(kind, field, js) NODEGRAD_X_##kind(field)
    NODEGRAD_EW_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
#undef NODEGRAD_X_binary
#undef NODEGRAD_X_compare
#undef NODEGRAD_X_unary
#undef NODEGRAD_X_unary_param
#undef NODEGRAD_X_grad
#undef NODEGRAD_BOUND
  }
}

NODEGRAD_TEST(ew_broadcast_row_and_column_against_flat_rows) {
  // [5, 37] op [37] (a row) and [5, 37] op [5, 1] (a column), each row
  // checked against the flat kernel on that row.
  const size_t m = 5, n = 37;
  const std::vector<float> a = inputs(m * n, 4), row = inputs(n, 5), col = inputs(m, 6);
  for (Isa isa : available_isas()) {
    const EwKernels* k = table_for(isa);
    EwBroadcast pr{2, {m, n}, {n, 1}, {0, 1}};
    EwBroadcast pc{2, {m, n}, {n, 1}, {1, 0}};
    std::vector<float> o(m * n), want(n);
    ew_broadcast(k->mul, a.data(), row.data(), o.data(), pr);
    for (size_t r = 0; r < m; r++) {
      scalar()->mul(a.data() + r * n, row.data(), want.data(), n, kEwVV);
      NODEGRAD_CHECK(std::memcmp(o.data() + r * n, want.data(), n * 4) == 0,
                     std::string(isa_name(isa)) + " row r=" + std::to_string(r));
    }
    ew_broadcast(k->sub, a.data(), col.data(), o.data(), pc);
    for (size_t r = 0; r < m; r++) {
      scalar()->sub(a.data() + r * n, col.data() + r, want.data(), n, kEwVS);
      NODEGRAD_CHECK(std::memcmp(o.data() + r * n, want.data(), n * 4) == 0,
                     std::string(isa_name(isa)) + " column r=" + std::to_string(r));
    }
  }
}

NODEGRAD_TEST(ew_hand_values) {
  // maximum(−0, +0) = +0, minimum(+0, −0) = −0, NaN wins; log(1) = 0,
  // log(0) = −inf, log(−1) NaN; softplus(20) = 20 (tfjs's branch).
  for (Isa isa : available_isas()) {
    const EwKernels* k = table_for(isa);
    const float a[3] = {-0.f, 0.f, NAN}, b[3] = {0.f, -0.f, 1.f};
    float o[3];
    k->maximum(a, b, o, 3, kEwVV);
    NODEGRAD_CHECK(o[0] == 0 && !std::signbit(o[0]) && !std::signbit(o[1]) && std::isnan(o[2]),
                   std::string(isa_name(isa)) + " maximum");
    k->minimum(a, b, o, 3, kEwVV);
    NODEGRAD_CHECK(std::signbit(o[0]) && std::signbit(o[1]) && std::isnan(o[2]),
                   std::string(isa_name(isa)) + " minimum");
    const float lx[3] = {1.f, 0.f, -1.f};
    k->log(lx, o, 3);
    NODEGRAD_CHECK(o[0] == 0 && std::isinf(o[1]) && o[1] < 0 && std::isnan(o[2]),
                   std::string(isa_name(isa)) + " log");
    const float sx[1] = {20.f};
    k->softplus(sx, o, 1);
    NODEGRAD_CHECK(o[0] == 20.f, std::string(isa_name(isa)) + " softplus(20)");
  }
}
