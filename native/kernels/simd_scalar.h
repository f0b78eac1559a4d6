// The thin SIMD layer's scalar form: one lane, computed in double. Every
// float32 input is widened exactly and each result rounded once to float32
// on store, so this path stays reference-quality: the ReLU family is bitwise
// the float64 formula rounded once (a float32 product is exact in double),
// and the transcendental functions come from the C library in double
// (NODEGRAD_SIMD_LIBM below), within one float32 rounding of the reference.
//
// The names every simd_<isa>.h provides (V: a vector of W lanes; Mask: a
// lane mask; VI: integer lanes; VD: W double lanes):
//   load/store (unaligned), load_tail/store_tail (m < W lanes, the others +0
//   and untouched), dup, zero, add, sub, mul, div, vsqrt (correctly rounded),
//   abs, neg_abs (−|x|),
//   or_sign(y, x) (y with x's sign bit or-ed in), clamp(x, lo, hi) (NaN x
//   stays NaN), gt/lt (ordered), nle (!(a <= b), true on NaN), sign_set,
//   select(m, t, f), keep(m, v) (v or +0), and for double sums dzero, ddup,
//   widen, narrow, dadd, dsub, dmul, dkeep_not(m, d) (+0 where m), dload,
//   dstore, dsum (a fixed order). The SIMD layers add fmadd/fnmadd/fmsub
//   (one rounding), round_nearest, to_int, int_sub, int_half and pow2 for the
//   polynomial math; this one defines the math functions directly instead.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>

#define NODEGRAD_SIMD_LIBM 1

namespace nodegrad {
namespace {
namespace simd {

constexpr size_t W = 1;
constexpr const char* kIsa = "scalar";
using V = double;
using Mask = bool;

inline V load(const float* p) { return static_cast<double>(*p); }
inline void store(float* p, V v) { *p = static_cast<float>(v); }
// W = 1: a tail never has lanes (m is always 0); kept for the shared drivers.
inline V load_tail(const float*, size_t) { return 0.0; }
inline void store_tail(float*, V, size_t) {}

inline V dup(double c) { return c; }
inline V zero() { return 0.0; }
inline V add(V a, V b) { return a + b; }
inline V sub(V a, V b) { return a - b; }
inline V mul(V a, V b) { return a * b; }
inline V div(V a, V b) { return a / b; }
inline V vsqrt(V a) { return std::sqrt(a); }  // correctly rounded
inline V abs(V x) { return std::fabs(x); }
inline V neg_abs(V x) { return -std::fabs(x); }
inline V or_sign(V y, V x) { return std::signbit(x) ? -std::fabs(y) : y; }
inline V clamp(V x, double lo, double hi) { return x != x ? x : x < lo ? lo : x > hi ? hi : x; }

inline Mask gt(V a, V b) { return a > b; }
inline Mask lt(V a, V b) { return a < b; }
inline Mask nle(V a, V b) { return !(a <= b); }
inline Mask sign_set(V x) { return std::signbit(x); }
inline V select(Mask m, V t, V f) { return m ? t : f; }
inline V keep(Mask m, V v) { return m ? v : 0.0; }

using VD = double;
inline VD dzero() { return 0.0; }
inline VD ddup(double c) { return c; }
inline VD widen(V v) { return v; }
inline V narrow(VD d) { return static_cast<double>(static_cast<float>(d)); }
inline VD dadd(VD a, VD b) { return a + b; }
inline VD dsub(VD a, VD b) { return a - b; }
inline VD dmul(VD a, VD b) { return a * b; }
inline VD dkeep_not(Mask m, VD d) { return m ? 0.0 : d; }
inline VD dload(const double* p) { return *p; }
inline void dstore(double* p, VD d) { *p = d; }
inline double dsum(VD d) { return d; }

// The math functions the SIMD layers build from polynomials (see
// activations_body.inc), here from the C library in double.
inline V exp_v(V x) { return std::exp(x); }
inline V expm1_nonpositive_v(V x) { return std::expm1(x); }
inline V tanh_v(V x) { return std::tanh(x); }
// exp(−x) overflows to +inf for x < −709: 1 / inf = 0, the limit.
inline V sigmoid_v(V x) { return 1.0 / (1.0 + std::exp(-x)); }
// σ(x) and 1 − σ(x) = σ(−x), each without cancellation.
inline void sigmoid_pair_v(V x, V* s, V* c) {
  *s = 1.0 / (1.0 + std::exp(-x));
  *c = 1.0 / (1.0 + std::exp(x));
}
// Φ(x) = erfc(−x/√2)/2, and the density φ(x) = e^(−x²/2)/√(2π).
inline V normal_cdf_v(V x) { return 0.5 * std::erfc(-x * 0.70710678118654752440); }
inline V normal_pdf_v(V x) { return std::exp(-0.5 * x * x) * 0.39894228040143267794; }

}  // namespace simd
}  // namespace
}  // namespace nodegrad
