// The thin SIMD layer for AArch64 NEON: 4 float lanes. NEON is the AArch64
// baseline, so this layer needs no special flags; like the others it lives
// in an anonymous namespace of the unit that includes it. The tail (n % 4)
// goes through a zero-padded stack block, so it gets the body's arithmetic.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nodegrad {
namespace {
namespace simd {

constexpr size_t W = 4;
constexpr const char* kIsa = "neon";
using V = float32x4_t;
using Mask = uint32x4_t;
using VI = int32x4_t;

inline V load(const float* p) { return vld1q_f32(p); }
inline void store(float* p, V v) { vst1q_f32(p, v); }
inline V load_tail(const float* p, size_t m) {
  float a[4] = {0, 0, 0, 0};
  std::memcpy(a, p, m * sizeof(float));
  return vld1q_f32(a);
}
inline void store_tail(float* p, V v, size_t m) {
  float o[4];
  vst1q_f32(o, v);
  std::memcpy(p, o, m * sizeof(float));
}

inline V dup(float c) { return vdupq_n_f32(c); }
inline V zero() { return vdupq_n_f32(0.0f); }
inline V add(V a, V b) { return vaddq_f32(a, b); }
inline V sub(V a, V b) { return vsubq_f32(a, b); }
inline V mul(V a, V b) { return vmulq_f32(a, b); }
inline V div(V a, V b) { return vdivq_f32(a, b); }
inline V vsqrt(V a) { return vsqrtq_f32(a); }  // correctly rounded
inline V fmadd(V a, V b, V c) { return vfmaq_f32(c, a, b); }
inline V fnmadd(V a, V b, V c) { return vfmsq_f32(c, a, b); }
inline V fmsub(V a, V b, V c) {
  return vnegq_f32(vfmsq_f32(c, a, b));
}  // −(c − a·b), exact negation

inline uint32x4_t sign_bits() { return vdupq_n_u32(0x80000000u); }
inline V abs(V x) { return vabsq_f32(x); }
inline V neg_abs(V x) { return vnegq_f32(vabsq_f32(x)); }
inline V or_sign(V y, V x) {
  return vreinterpretq_f32_u32(
      vorrq_u32(vreinterpretq_u32_f32(y), vandq_u32(vreinterpretq_u32_f32(x), sign_bits())));
}
// vminq/vmaxq propagate NaN.
inline V clamp(V x, float lo, float hi) { return vmaxq_f32(dup(lo), vminq_f32(dup(hi), x)); }

inline V round_nearest(V x) { return vrndnq_f32(x); }
inline VI to_int(V x) { return vcvtq_s32_f32(x); }  // x is integral here: truncation is exact
inline VI int_sub(VI a, VI b) { return vsubq_s32(a, b); }
inline VI int_half(VI a) { return vshrq_n_s32(a, 1); }
inline V pow2(VI n) {
  return vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n, vdupq_n_s32(127)), 23));
}

inline Mask gt(V a, V b) { return vcgtq_f32(a, b); }
inline Mask lt(V a, V b) { return vcltq_f32(a, b); }
inline Mask nle(V a, V b) { return vmvnq_u32(vcleq_f32(a, b)); }
inline Mask sign_set(V x) { return vtstq_u32(vreinterpretq_u32_f32(x), sign_bits()); }
inline V select(Mask m, V t, V f) { return vbslq_f32(m, t, f); }
inline V keep(Mask m, V v) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(v))); }

struct VD {
  float64x2_t lo, hi;
};
inline VD dzero() { return {vdupq_n_f64(0.0), vdupq_n_f64(0.0)}; }
inline VD ddup(double c) { return {vdupq_n_f64(c), vdupq_n_f64(c)}; }
inline VD widen(V v) { return {vcvt_f64_f32(vget_low_f32(v)), vcvt_high_f64_f32(v)}; }
inline V narrow(VD d) { return vcvt_high_f32_f64(vcvt_f32_f64(d.lo), d.hi); }
inline VD dadd(VD a, VD b) { return {vaddq_f64(a.lo, b.lo), vaddq_f64(a.hi, b.hi)}; }
inline VD dsub(VD a, VD b) { return {vsubq_f64(a.lo, b.lo), vsubq_f64(a.hi, b.hi)}; }
inline VD dmul(VD a, VD b) { return {vmulq_f64(a.lo, b.lo), vmulq_f64(a.hi, b.hi)}; }
inline VD dkeep_not(Mask m, VD d) {
  const int32x4_t mi = vreinterpretq_s32_u32(m);
  const uint64x2_t mlo = vreinterpretq_u64_s64(vmovl_s32(vget_low_s32(mi)));
  const uint64x2_t mhi = vreinterpretq_u64_s64(vmovl_high_s32(mi));
  return {vreinterpretq_f64_u64(vbicq_u64(vreinterpretq_u64_f64(d.lo), mlo)),
          vreinterpretq_f64_u64(vbicq_u64(vreinterpretq_u64_f64(d.hi), mhi))};
}
inline VD dload(const double* p) { return {vld1q_f64(p), vld1q_f64(p + 2)}; }
inline void dstore(double* p, VD d) {
  vst1q_f64(p, d.lo);
  vst1q_f64(p + 2, d.hi);
}
// (lo + hi), then the two lanes.
inline double dsum(VD d) {
  const float64x2_t s = vaddq_f64(d.lo, d.hi);
  return vgetq_lane_f64(s, 0) + vgetq_lane_f64(s, 1);
}

}  // namespace simd
}  // namespace
}  // namespace nodegrad
