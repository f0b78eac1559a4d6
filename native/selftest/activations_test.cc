// Activation kernels on every available ISA against double-precision
// formulas written here: the ReLU family bitwise, the exp-based kernels within
// the ulp bounds below, plus a dense sweep that measures the vectorised exp.
#include "../kernels/activations.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../registry.h"
#include "harness.h"

using namespace nodegrad;

namespace {

// Bounds on the distance (in float32 ulps) from the float64 formula rounded
// to float32. Scalar: the C library in double, one rounding (<= 1 ulp: a
// different libm may round differently only at a float32 boundary). SIMD: the
// polynomial exp (documented in activations_avx2.cc), measured by the sweep
// below and rounded up by one ulp of headroom for untested inputs.
// Φ (GELU's normal CDF): measured 6 (the tail polynomial near a = 1.5),
// +1 headroom; gelu = x·Φ measured 6 as well; silu = x·σ measured 3.
struct Bounds {
  int64_t exp, sigmoid, tanh, elu, derived, cdf, gelu, silu;
};
constexpr Bounds kScalarBounds = {0, 1, 1, 1, 1, 1, 1, 1};
constexpr Bounds kSimdBounds = {2, 3, 2, 2, 3, 7, 7, 4};

struct Path {
  Isa isa;
  const ActivationKernels* k;
  const ActivationMath* math;  // null on scalar
  Bounds b;
};

std::vector<Path> paths() {
  std::vector<Path> out;
  for (Isa isa : available_isas()) {
    const KernelRegistry& r = kernel_registry(isa);
    out.push_back({isa, r.activations, r.activation_math,
                   r.activation_math == nullptr ? kScalarBounds : kSimdBounds});
  }
  return out;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// Distance in representable floats (+0 and -0 are the same point); NaN vs
// NaN is 0, NaN vs a number is "infinite".
int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  auto ord = [](float f) {
    const int64_t i = static_cast<int32_t>(bits(f));
    return i < 0 ? static_cast<int64_t>(INT32_MIN) - i : i;
  };
  const int64_t d = ord(a) - ord(b);
  return d < 0 ? -d : d;
}

bool same_bits_or_nan(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b);
}

std::string describe(const char* what, Isa isa, size_t i, float in, float got, float want) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s [%s] i=%zu x=%.9g: got %.9g want %.9g", what, isa_name(isa), i,
                in, got, want);
  return buf;
}

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kEdges[] = {0.0f,    -0.0f,  1e-45f, -1e-45f, 1e-40f,  -1e-40f, 1.17549435e-38f,
                        1e30f,   -1e30f, kInf,   -kInf,   kNaN,    -kNaN,   100.0f,
                        -100.0f, 88.0f,  -88.0f, 1e-8f,   -1e-8f,  0.55f,   -0.55f,
                        0.5f,    -0.5f,  9.0f,   -9.0f,   3.4e38f, -3.4e38f};

// Deterministic inputs: the edge values first, then a spread over
// [-12, 12] with some large magnitudes mixed in.
std::vector<float> inputs(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    const float u = static_cast<float>(s >> 8) / 16777216.0f;
    v[i] = i < sizeof kEdges / sizeof kEdges[0] ? kEdges[i]
                                                : (u - 0.5f) * (i % 7 == 0 ? 200.0f : 24.0f);
  }
  return v;
}

std::vector<float> gradients(size_t n, uint32_t seed) {
  std::vector<float> g = inputs(n, seed);
  for (size_t i = 0; i < n; i++) {
    if (!std::isfinite(g[i]) || std::fabs(g[i]) > 1e3f) g[i] = 0.75f;  // keep dy ordinary
  }
  if (n > 3) g[3] = kNaN;  // x[3] = -1e-45 (<= 0): NaN dy must reach dx there
  return g;
}

const size_t kLengths[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1000, 1031};

double elu_ref(double x, double a) { return x > 0 ? x : a * std::expm1(x); }
double sigmoid_ref(double x) { return 1.0 / (1.0 + std::exp(-x)); }

struct Unary {
  const char* name;
  void (*run)(const ActivationKernels&, const float*, float*, size_t);
  double (*ref)(double);
  bool exact;
  int64_t Bounds::*bound;
};

const Unary kUnary[] = {
    {"relu",
     [](const ActivationKernels& k, const float* x, float* y, size_t n) { k.relu(x, y, n); },
     [](double x) { return x > 0 || x != x ? x : 0.0; }, true, nullptr},
    {"leakyRelu",
     [](const ActivationKernels& k, const float* x, float* y, size_t n) {
       k.leaky_relu(x, y, n, 0.01f);
     },
     [](double x) { return x > 0 ? x : static_cast<double>(0.01f) * x; }, true, nullptr},
    {"elu",
     [](const ActivationKernels& k, const float* x, float* y, size_t n) { k.elu(x, y, n, 1.5f); },
     [](double x) { return elu_ref(x, 1.5); }, false, &Bounds::elu},
    {"sigmoid",
     [](const ActivationKernels& k, const float* x, float* y, size_t n) { k.sigmoid(x, y, n); },
     sigmoid_ref, false, &Bounds::sigmoid},
    {"tanh",
     [](const ActivationKernels& k, const float* x, float* y, size_t n) { k.tanh(x, y, n); },
     [](double x) { return std::tanh(x); }, false, &Bounds::tanh},
};

struct Binary {
  const char* name;
  void (*run)(const ActivationKernels&, const float*, const float*, float*, size_t);
  double (*ref)(double, double);
  bool exact;
  bool from_output;  // first argument is the forward output y, not x
};

const Binary kBinary[] = {
    {"reluBackward",
     [](const ActivationKernels& k, const float* x, const float* g, float* d, size_t n) {
       k.relu_backward(x, g, d, n);
     },
     [](double x, double g) { return x > 0 ? g : 0.0; }, true, false},
    {"leakyReluBackward",
     [](const ActivationKernels& k, const float* x, const float* g, float* d, size_t n) {
       k.leaky_relu_backward(x, g, d, n, 0.01f);
     },
     [](double x, double g) { return x > 0 ? g : static_cast<double>(0.01f) * g; }, true, false},
    {"eluBackward",
     [](const ActivationKernels& k, const float* x, const float* g, float* d, size_t n) {
       k.elu_backward(x, g, d, n, 1.5f);
     },
     [](double x, double g) { return x > 0 ? g : 1.5 * std::exp(x) * g; }, false, false},
    {"sigmoidBackward",
     [](const ActivationKernels& k, const float* y, const float* g, float* d, size_t n) {
       k.sigmoid_backward(y, g, d, n);
     },
     [](double s, double g) { return g * s * (1 - s); }, false, true},
    {"tanhBackward",
     [](const ActivationKernels& k, const float* y, const float* g, float* d, size_t n) {
       k.tanh_backward(y, g, d, n);
     },
     [](double t, double g) { return g * ((1 - t) * (1 + t)); }, false, true},
};

}  // namespace

NODEGRAD_TEST(activations_forward_all_lengths_and_edges) {
  for (const Path& p : paths()) {
    for (const Unary& u : kUnary) {
      const int64_t bound = u.exact ? 0 : p.b.*u.bound;
      for (size_t n : kLengths) {
        const std::vector<float> x = inputs(n, static_cast<uint32_t>(n));
        std::vector<float> y(n, 123.0f), inplace = x;
        u.run(*p.k, n ? x.data() : nullptr, n ? y.data() : nullptr, n);
        u.run(*p.k, n ? inplace.data() : nullptr, n ? inplace.data() : nullptr, n);
        for (size_t i = 0; i < n; i++) {
          const float want = static_cast<float>(u.ref(x[i]));
          const bool ok =
              u.exact ? same_bits_or_nan(y[i], want) : ulp_distance(y[i], want) <= bound;
          NODEGRAD_CHECK(ok, describe(u.name, p.isa, i, x[i], y[i], want));
          NODEGRAD_CHECK(same_bits_or_nan(inplace[i], y[i]),
                         describe(u.name, p.isa, i, x[i], inplace[i], y[i]) + " (in place)");
          if (std::isnan(x[i]))
            NODEGRAD_CHECK(std::isnan(y[i]), describe(u.name, p.isa, i, x[i], y[i], want));
        }
      }
    }
  }
}

NODEGRAD_TEST(activations_backward_all_lengths_and_edges) {
  for (const Path& p : paths()) {
    for (const Binary& b : kBinary) {
      for (size_t n : kLengths) {
        std::vector<float> a = inputs(n, static_cast<uint32_t>(n) + 7);
        if (b.from_output) {
          // y comes from the forward kernel: in [0, 1] or [-1, 1] (plus NaN).
          std::vector<float> y(n);
          if (n)
            (std::strcmp(b.name, "sigmoidBackward") == 0 ? p.k->sigmoid : p.k->tanh)(a.data(),
                                                                                     y.data(), n);
          a = y;
        }
        const std::vector<float> g = gradients(n, static_cast<uint32_t>(n) + 11);
        std::vector<float> d(n, 123.0f), same_as_dy = g, same_as_x = a;
        b.run(*p.k, n ? a.data() : nullptr, n ? g.data() : nullptr, n ? d.data() : nullptr, n);
        b.run(*p.k, n ? a.data() : nullptr, n ? same_as_dy.data() : nullptr,
              n ? same_as_dy.data() : nullptr, n);
        b.run(*p.k, n ? same_as_x.data() : nullptr, n ? g.data() : nullptr,
              n ? same_as_x.data() : nullptr, n);
        for (size_t i = 0; i < n; i++) {
          const float want = static_cast<float>(b.ref(a[i], g[i]));
          bool ok =
              b.exact ? same_bits_or_nan(d[i], want) : ulp_distance(d[i], want) <= p.b.derived;
          // eluBackward's a*e^x passes through float's subnormal range for
          // x < -87, where float has absolute resolution 2^-149 (times |a*dy|).
          if (!ok && !b.exact &&
              std::fabs(static_cast<double>(d[i]) - want) <=
                  2.5 * std::fabs(g[i]) * std::ldexp(1.0, -149))
            ok = true;
          NODEGRAD_CHECK(ok, describe(b.name, p.isa, i, a[i], d[i], want));
          NODEGRAD_CHECK(same_bits_or_nan(same_as_dy[i], d[i]),
                         describe(b.name, p.isa, i, a[i], same_as_dy[i], d[i]) + " (dx = dy)");
          NODEGRAD_CHECK(same_bits_or_nan(same_as_x[i], d[i]),
                         describe(b.name, p.isa, i, a[i], same_as_x[i], d[i]) + " (dx = x)");
        }
        // reluBackward selects: a NaN dy where x <= 0 gives 0, not NaN.
        if (n > 3 && std::strcmp(b.name, "reluBackward") == 0) {
          NODEGRAD_CHECK(d[3] == 0.0f && !std::signbit(d[3]),
                         "reluBackward: NaN dy where x <= 0 gives +0");
        }
      }
    }
  }
}

NODEGRAD_TEST(activations_prelu_per_feature_and_shared) {
  const size_t shapes[][2] = {{0, 1}, {0, 3}, {1, 1}, {17, 1}, {1000, 1}, {5, 3},
                              {4, 7}, {3, 8}, {9, 9}, {2, 13}, {3, 520},  {2, 1030}};
  for (const Path& p : paths()) {
    for (const auto& s : shapes) {
      const size_t rows = s[0], f = s[1], n = rows * f;
      const std::vector<float> x = inputs(n, static_cast<uint32_t>(n + f));
      const std::vector<float> g = gradients(n, static_cast<uint32_t>(n + 3 * f));
      std::vector<float> alpha(f);
      for (size_t j = 0; j < f; j++) alpha[j] = 0.25f - 0.01f * static_cast<float>(j % 40);
      std::vector<float> y(n), dx(n), dalpha(f, 99.0f), dx_alias = g, dalpha2(f, 98.0f);
      p.k->prelu(n ? x.data() : nullptr, alpha.data(), n ? y.data() : nullptr, rows, f);
      p.k->prelu_backward(n ? x.data() : nullptr, alpha.data(), n ? g.data() : nullptr,
                          n ? dx.data() : nullptr, dalpha.data(), rows, f);
      p.k->prelu_backward(n ? x.data() : nullptr, alpha.data(), n ? dx_alias.data() : nullptr,
                          n ? dx_alias.data() : nullptr, dalpha2.data(), rows, f);
      std::vector<double> acc(f, 0.0), abs_sum(f, 0.0);
      for (size_t i = 0; i < n; i++) {
        const size_t j = i % f;
        const float wy = x[i] > 0 ? x[i] : static_cast<float>(static_cast<double>(alpha[j]) * x[i]);
        const float wd = x[i] > 0 ? g[i] : static_cast<float>(static_cast<double>(alpha[j]) * g[i]);
        NODEGRAD_CHECK(same_bits_or_nan(y[i], wy), describe("prelu", p.isa, i, x[i], y[i], wy));
        NODEGRAD_CHECK(same_bits_or_nan(dx[i], wd),
                       describe("preluBackward dx", p.isa, i, x[i], dx[i], wd));
        NODEGRAD_CHECK(same_bits_or_nan(dx_alias[i], wd),
                       describe("preluBackward dx=dy", p.isa, i, x[i], dx_alias[i], wd));
        if (!(x[i] > 0)) {
          acc[j] += static_cast<double>(x[i]) * g[i];
          abs_sum[j] += std::fabs(static_cast<double>(x[i]) * g[i]);
        }
      }
      for (size_t j = 0; j < f; j++) {
        const float want = static_cast<float>(acc[j]);
        // Per-feature alpha sums rows in the same order in double: bitwise.
        // Shared alpha on SIMD sums in lanes: the double-rounding difference
        // (<= n * 2^-53 * sum|terms|) can move the float result by one ulp.
        const bool lanes = f == 1 && p.isa != Isa::scalar;
        const bool ok = lanes && !std::isnan(want)
                            ? std::fabs(static_cast<double>(dalpha[j]) - want) <=
                                  std::ldexp(std::fabs(static_cast<double>(want)), -23) +
                                      static_cast<double>(n) * std::ldexp(abs_sum[j], -52)
                            : same_bits_or_nan(dalpha[j], want);
        NODEGRAD_CHECK(ok, describe("preluBackward dalpha", p.isa, j, 0, dalpha[j], want));
        NODEGRAD_CHECK(
            same_bits_or_nan(dalpha2[j], dalpha[j]),
            describe("preluBackward dalpha (dx=dy)", p.isa, j, 0, dalpha2[j], dalpha[j]));
      }
    }
  }
}

namespace {

// Walks float bit patterns from `from` to `to` (same sign, |from| <= |to|)
// with a stride, evaluating `fn` in blocks and returning the largest ulp
// distance from `ref` rounded to float.
template <class Fn, class Ref>
int64_t sweep(uint32_t from, uint32_t to, uint32_t stride, Fn fn, Ref ref, float* worst_x) {
  std::vector<float> xs, ys;
  int64_t worst = 0;
  auto flush = [&]() {
    ys.resize(xs.size());
    fn(xs.data(), ys.data(), xs.size());
    for (size_t i = 0; i < xs.size(); i++) {
      const int64_t d = ulp_distance(ys[i], static_cast<float>(ref(static_cast<double>(xs[i]))));
      if (d > worst) {
        worst = d;
        *worst_x = xs[i];
      }
    }
    xs.clear();
  };
  for (uint64_t b = from; b <= to; b += stride) {
    xs.push_back(from_bits(static_cast<uint32_t>(b)));
    if (xs.size() == 4096) flush();
  }
  if (!xs.empty()) flush();
  return worst;
}

// Positive and negative halves of [-hi, hi] (|x| from 1e-30 up).
template <class Fn, class Ref>
int64_t sweep_sym(float hi, bool negative_only, uint32_t stride, Fn fn, Ref ref, float* worst_x) {
  int64_t w = sweep(bits(-1e-30f), bits(-hi), stride, fn, ref, worst_x);
  if (!negative_only) {
    float wx = 0;
    const int64_t p = sweep(bits(1e-30f), bits(hi), stride, fn, ref, &wx);
    if (p > w) {
      w = p;
      *worst_x = wx;
    }
  }
  return w;
}

}  // namespace

NODEGRAD_TEST(activations_exp_error_sweep) {
  // Dense sweep (every 331st float, ~6.5M points per function) of the SIMD
  // exp core and the exp-based kernels over their whole interesting range.
  const uint32_t stride = 331;
  for (const Path& p : paths()) {
    if (p.math == nullptr) continue;
    float wx = 0;
    const int64_t e = sweep_sym(
        105.0f, false, stride, p.math->exp, [](double x) { return std::exp(x); }, &wx);
    std::printf("  [%s] exp: max %lld ulp (at %.9g)\n", isa_name(p.isa), static_cast<long long>(e),
                wx);
    NODEGRAD_CHECK(e <= p.b.exp, "exp error bound");
    const int64_t m = sweep_sym(
        40.0f, true, stride, p.math->expm1_nonpositive, [](double x) { return std::expm1(x); },
        &wx);
    std::printf("  [%s] expm1 (x<=0): max %lld ulp (at %.9g)\n", isa_name(p.isa),
                static_cast<long long>(m), wx);
    NODEGRAD_CHECK(m <= p.b.elu, "expm1 error bound");
    const ActivationKernels& k = *p.k;
    const int64_t s = sweep_sym(120.0f, false, stride, k.sigmoid, sigmoid_ref, &wx);
    std::printf("  [%s] sigmoid: max %lld ulp (at %.9g)\n", isa_name(p.isa),
                static_cast<long long>(s), wx);
    NODEGRAD_CHECK(s <= p.b.sigmoid, "sigmoid error bound");
    const int64_t t = sweep_sym(
        20.0f, false, stride, k.tanh, [](double x) { return std::tanh(x); }, &wx);
    std::printf("  [%s] tanh: max %lld ulp (at %.9g)\n", isa_name(p.isa), static_cast<long long>(t),
                wx);
    NODEGRAD_CHECK(t <= p.b.tanh, "tanh error bound");
    // Φ and GELU down to where their results leave float's normal range.
    auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
    const int64_t c = sweep_sym(12.5f, false, stride, p.math->normal_cdf, phi, &wx);
    std::printf("  [%s] normal cdf: max %lld ulp (at %.9g)\n", isa_name(p.isa),
                static_cast<long long>(c), wx);
    NODEGRAD_CHECK(c <= p.b.cdf, "normal cdf error bound");
    const int64_t g = sweep_sym(
        12.0f, false, stride, k.gelu, [&](double x) { return x * phi(x); }, &wx);
    std::printf("  [%s] gelu: max %lld ulp (at %.9g)\n", isa_name(p.isa), static_cast<long long>(g),
                wx);
    NODEGRAD_CHECK(g <= p.b.gelu, "gelu error bound");
    const int64_t si = sweep_sym(
        80.0f, false, stride, k.silu, [](double x) { return x * sigmoid_ref(x); }, &wx);
    std::printf("  [%s] silu: max %lld ulp (at %.9g)\n", isa_name(p.isa),
                static_cast<long long>(si), wx);
    NODEGRAD_CHECK(si <= p.b.silu, "silu error bound");
    const int64_t el = sweep_sym(
        40.0f, true, stride, [&k](const float* x, float* y, size_t n) { k.elu(x, y, n, 1.0f); },
        [](double x) { return elu_ref(x, 1.0); }, &wx);
    std::printf("  [%s] elu: max %lld ulp (at %.9g)\n", isa_name(p.isa), static_cast<long long>(el),
                wx);
    NODEGRAD_CHECK(el <= p.b.elu, "elu error bound");
  }
}

NODEGRAD_TEST(activations_saturation_and_specials) {
  for (const Path& p : paths()) {
    const float x[] = {0.0f, -0.0f, 100.0f, -100.0f, 1e30f, -1e30f, kInf, -kInf, 20.0f, -20.0f};
    const size_t n = sizeof x / sizeof x[0];
    float s[n], t[n], r[n], e[n];
    p.k->sigmoid(x, s, n);
    p.k->tanh(x, t, n);
    p.k->relu(x, r, n);
    p.k->elu(x, e, n, 1.0f);
    const std::string at = std::string(" [") + isa_name(p.isa) + "]";
    NODEGRAD_CHECK(s[0] == 0.5f && s[1] == 0.5f, "sigmoid(+-0) = 0.5" + at);
    NODEGRAD_CHECK(s[2] == 1.0f && s[4] == 1.0f && s[6] == 1.0f, "sigmoid saturates to 1" + at);
    NODEGRAD_CHECK(s[5] == 0.0f && s[7] == 0.0f, "sigmoid(-1e30), sigmoid(-inf) = 0" + at);
    NODEGRAD_CHECK(s[3] > 0.0f && ulp_distance(s[3], static_cast<float>(sigmoid_ref(-100.0))) <= 1,
                   "sigmoid(-100) is the subnormal e^-100" + at);
    NODEGRAD_CHECK(t[0] == 0.0f && !std::signbit(t[0]) && std::signbit(t[1]),
                   "tanh(+-0) = +-0" + at);
    NODEGRAD_CHECK(t[2] == 1.0f && t[3] == -1.0f && t[4] == 1.0f && t[5] == -1.0f && t[6] == 1.0f &&
                       t[7] == -1.0f && t[8] == 1.0f && t[9] == -1.0f,
                   "tanh saturates exactly to +-1" + at);
    NODEGRAD_CHECK(r[1] == 0.0f && !std::signbit(r[1]), "relu(-0) = +0" + at);
    NODEGRAD_CHECK(std::signbit(e[1]) && e[1] == 0.0f, "elu(-0) = -0" + at);
    NODEGRAD_CHECK(e[5] == -1.0f && e[7] == -1.0f && e[6] == kInf, "elu limits" + at);
  }
}
