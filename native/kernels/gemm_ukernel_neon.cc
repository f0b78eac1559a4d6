// NEON micro-kernels: an 8×8 tile in 16 q-register accumulators; per k step
// two loads of A (8 rows), two of B (8 columns) and 16 FMAs by lane
// (vfmaq_laneq_f32), so A needs no broadcast instructions. Edge tiles go
// through a stack tile, so C is never touched outside the mr×nr corner.
#include "../platform.h"
#include "gemm.h"

#if NODEGRAD_ARM64
#include <arm_neon.h>

#include <cstdint>
#include <cstring>

#include "simd_neon.h"

namespace nodegrad {

namespace {

constexpr size_t MR = kGemmBlockingTable[kGemmNeon].fallback.mr;
constexpr size_t NR = kGemmBlockingTable[kGemmNeon].fallback.nr;
static_assert(MR == 8 && NR == 8, "the register blocking below is written for 8x8");

struct Acc {
  float32x4_t v[MR][2];
};

inline void step(Acc& acc, float32x4_t a_lo, float32x4_t a_hi, float32x4_t b0, float32x4_t b1) {
#define NODEGRAD_GEMM_ROW(i, av, lane)                      \
  acc.v[i][0] = vfmaq_laneq_f32(acc.v[i][0], b0, av, lane); \
  acc.v[i][1] = vfmaq_laneq_f32(acc.v[i][1], b1, av, lane)
  NODEGRAD_GEMM_ROW(0, a_lo, 0);
  NODEGRAD_GEMM_ROW(1, a_lo, 1);
  NODEGRAD_GEMM_ROW(2, a_lo, 2);
  NODEGRAD_GEMM_ROW(3, a_lo, 3);
  NODEGRAD_GEMM_ROW(4, a_hi, 0);
  NODEGRAD_GEMM_ROW(5, a_hi, 1);
  NODEGRAD_GEMM_ROW(6, a_hi, 2);
  NODEGRAD_GEMM_ROW(7, a_hi, 3);
#undef NODEGRAD_GEMM_ROW
}

// alpha·acc (+ beta·C), products and sum rounded separately as on every ISA.
inline float32x4_t finish(float32x4_t acc, const float* c, float alpha, float beta) {
  float32x4_t r = vmulq_n_f32(acc, alpha);
  return beta != 0.0f ? vaddq_f32(r, vmulq_n_f32(vld1q_f32(c), beta)) : r;
}

void store_tile(const Acc& acc, float* c, size_t ldc, size_t mr, size_t nr, float alpha,
                float beta) {
  if (mr == MR && nr == NR) {
    for (size_t i = 0; i < MR; ++i) {
      float* row = c + i * ldc;
      float32x4_t r0 = finish(acc.v[i][0], row, alpha, beta);
      float32x4_t r1 = finish(acc.v[i][1], row + 4, alpha, beta);
      vst1q_f32(row, r0);
      vst1q_f32(row + 4, r1);
    }
    return;
  }
  float tmp[NR];
  for (size_t i = 0; i < mr; ++i) {
    float* row = c + i * ldc;
    if (beta != 0.0f) std::memcpy(tmp, row, nr * sizeof(float));
    vst1q_f32(tmp, finish(acc.v[i][0], tmp, alpha, beta));
    vst1q_f32(tmp + 4, finish(acc.v[i][1], tmp + 4, alpha, beta));
    std::memcpy(row, tmp, nr * sizeof(float));
  }
}

void zero(Acc& acc) {
  for (size_t i = 0; i < MR; ++i) acc.v[i][0] = acc.v[i][1] = vdupq_n_f32(0.0f);
}

void packed_tile(size_t kc, const float* a, const float* b, float* c, size_t ldc, size_t mr,
                 size_t nr, float alpha, float beta) {
  Acc acc;
  zero(acc);
  for (size_t p = 0; p < kc; ++p, a += MR, b += NR) {
    step(acc, vld1q_f32(a), vld1q_f32(a + 4), vld1q_f32(b), vld1q_f32(b + 4));
  }
  store_tile(acc, c, ldc, mr, nr, alpha, beta);
}

void direct_tile(size_t kc, const float* a, size_t rsa, size_t csa, const float* b, size_t ldb,
                 float* c, size_t ldc, size_t mr, size_t nr, float alpha, float beta) {
  Acc acc;
  zero(acc);
  float av[MR] = {};
  float bv[NR] = {};
  for (size_t p = 0; p < kc; ++p, a += csa, b += ldb) {
    for (size_t i = 0; i < mr; ++i) av[i] = a[i * rsa];
    float32x4_t b0, b1;
    if (nr == NR) {
      b0 = vld1q_f32(b);
      b1 = vld1q_f32(b + 4);
    } else {
      std::memcpy(bv, b, nr * sizeof(float));
      b0 = vld1q_f32(bv);
      b1 = vld1q_f32(bv + 4);
    }
    step(acc, vld1q_f32(av), vld1q_f32(av + 4), b0, b1);
  }
  store_tile(acc, c, ldc, mr, nr, alpha, beta);
}

#include "gemm_column_sums.inc"

}  // namespace

// No GEMV kernels yet: few-row products take the packed path on NEON.
const GemmKernels* gemm_kernels_neon() {
  static const GemmKernels table = {
      gemm_blocking(kGemmNeon), packed_tile, direct_tile, column_sums, nullptr, nullptr, nullptr};
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const GemmKernels* gemm_kernels_neon() { return nullptr; }
}  // namespace nodegrad

#endif
