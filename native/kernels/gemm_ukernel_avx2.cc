// AVX2+FMA micro-kernels: a 6×16 tile in 12 ymm accumulators; per k step two
// loads of B, six broadcasts of A, twelve FMAs (Zen 4 / Haswell: 2 FMA pipes ×
// 4-5 cycles latency need ≥ 10 independent accumulators to stay busy). The
// kernel owns its tile, edges included: partial tiles store (and, with
// beta != 0, load) through lane masks, so C is never touched outside it.
#include "../platform.h"
#include "gemm.h"

#if NODEGRAD_X64
#include <immintrin.h>

#include <cstdint>

#include "simd_avx2.h"

namespace nodegrad {

namespace {

constexpr size_t MR = kGemmBlockingTable[kGemmAvx2].fallback.mr;
constexpr size_t NR = kGemmBlockingTable[kGemmAvx2].fallback.nr;
static_assert(MR == 6 && NR == 16, "the register blocking below is written for 6x16");

struct Masks {
  __m256i lo, hi;
};

// Lane masks for the first nr of 16 columns.
Masks column_masks(size_t nr) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i n = _mm256_set1_epi32(static_cast<int>(nr));
  return {_mm256_cmpgt_epi32(n, idx),
          _mm256_cmpgt_epi32(n, _mm256_add_epi32(idx, _mm256_set1_epi32(8)))};
}

// alpha·acc (+ beta·C): products and sum rounded separately, as the scalar
// path does, so the epilogue adds no difference between ISAs.
__m256 finish(__m256 acc, __m256 c, __m256 alpha, __m256 beta, bool read_c) {
  __m256 r = _mm256_mul_ps(alpha, acc);
  return read_c ? _mm256_add_ps(r, _mm256_mul_ps(beta, c)) : r;
}

void store_tile(const __m256 (&acc)[MR][2], float* c, size_t ldc, size_t mr, size_t nr,
                float alpha_s, float beta_s) {
  const __m256 alpha = _mm256_set1_ps(alpha_s), beta = _mm256_set1_ps(beta_s);
  const bool read_c = beta_s != 0.0f;
  if (mr == MR && nr == NR) {
    for (size_t i = 0; i < MR; ++i) {
      float* row = c + i * ldc;
      const __m256 c0 = read_c ? _mm256_loadu_ps(row) : _mm256_setzero_ps();
      const __m256 c1 = read_c ? _mm256_loadu_ps(row + 8) : _mm256_setzero_ps();
      _mm256_storeu_ps(row, finish(acc[i][0], c0, alpha, beta, read_c));
      _mm256_storeu_ps(row + 8, finish(acc[i][1], c1, alpha, beta, read_c));
    }
    return;
  }
  const Masks m = column_masks(nr);
  for (size_t i = 0; i < mr; ++i) {
    float* row = c + i * ldc;
    const __m256 c0 = read_c ? _mm256_maskload_ps(row, m.lo) : _mm256_setzero_ps();
    const __m256 c1 = read_c ? _mm256_maskload_ps(row + 8, m.hi) : _mm256_setzero_ps();
    _mm256_maskstore_ps(row, m.lo, finish(acc[i][0], c0, alpha, beta, read_c));
    _mm256_maskstore_ps(row + 8, m.hi, finish(acc[i][1], c1, alpha, beta, read_c));
  }
}

// The accumulators are 12 named locals, not an array: an array passed on to
// the store step makes the compiler spill it to the stack on every k step.
#define NODEGRAD_ACC_DECL                                                                  \
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, \
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00
#define NODEGRAD_ROW(i, ptr)                    \
  do {                                          \
    const __m256 a_ = _mm256_broadcast_ss(ptr); \
    c##i##0 = _mm256_fmadd_ps(a_, b0, c##i##0); \
    c##i##1 = _mm256_fmadd_ps(a_, b1, c##i##1); \
  } while (0)
#define NODEGRAD_ACC_STORE                                        \
  const __m256 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21},  \
                             {c30, c31}, {c40, c41}, {c50, c51}}; \
  store_tile(acc, c, ldc, mr, nr, alpha, beta)

void packed_tile(size_t kc, const float* a, const float* b, float* c, size_t ldc, size_t mr,
                 size_t nr, float alpha, float beta) {
  // C's rows are touched once, after the k loop: ask for them now so the
  // store does not wait on memory (each row is 64 bytes, two cache lines at
  // most).
  for (size_t i = 0; i < mr; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  NODEGRAD_ACC_DECL;
  // Four k steps per iteration with constant offsets: one pointer update per
  // four steps instead of two per step.
#define NODEGRAD_STEP(u)                                                                 \
  do {                                                                                   \
    const __m256 b0 = _mm256_loadu_ps(b + (u)*NR), b1 = _mm256_loadu_ps(b + (u)*NR + 8); \
    NODEGRAD_ROW(0, a + (u)*MR + 0);                                                     \
    NODEGRAD_ROW(1, a + (u)*MR + 1);                                                     \
    NODEGRAD_ROW(2, a + (u)*MR + 2);                                                     \
    NODEGRAD_ROW(3, a + (u)*MR + 3);                                                     \
    NODEGRAD_ROW(4, a + (u)*MR + 4);                                                     \
    NODEGRAD_ROW(5, a + (u)*MR + 5);                                                     \
  } while (0)
  size_t p = 0;
  for (; p + 4 <= kc; p += 4, a += 4 * MR, b += 4 * NR) {
    NODEGRAD_STEP(0);
    NODEGRAD_STEP(1);
    NODEGRAD_STEP(2);
    NODEGRAD_STEP(3);
  }
  for (; p < kc; ++p, a += MR, b += NR) NODEGRAD_STEP(0);
#undef NODEGRAD_STEP
  NODEGRAD_ACC_STORE;
}

void direct_tile(size_t kc, const float* a, size_t rsa, size_t csa, const float* b, size_t ldb,
                 float* c, size_t ldc, size_t mr, size_t nr, float alpha, float beta) {
  NODEGRAD_ACC_DECL;
  // Rows past mr re-read row 0 (never out of bounds); their sums are dropped.
  const size_t o1 = (mr > 1 ? 1 : 0) * rsa, o2 = (mr > 2 ? 2 : 0) * rsa,
               o3 = (mr > 3 ? 3 : 0) * rsa, o4 = (mr > 4 ? 4 : 0) * rsa,
               o5 = (mr > 5 ? 5 : 0) * rsa;
  const Masks m = column_masks(nr);
  const bool full = nr == NR;
  for (size_t p = 0; p < kc; ++p, a += csa, b += ldb) {
    const __m256 b0 = full ? _mm256_loadu_ps(b) : _mm256_maskload_ps(b, m.lo);
    const __m256 b1 = full ? _mm256_loadu_ps(b + 8) : _mm256_maskload_ps(b + 8, m.hi);
    NODEGRAD_ROW(0, a);
    NODEGRAD_ROW(1, a + o1);
    NODEGRAD_ROW(2, a + o2);
    NODEGRAD_ROW(3, a + o3);
    NODEGRAD_ROW(4, a + o4);
    NODEGRAD_ROW(5, a + o5);
  }
  NODEGRAD_ACC_STORE;
}

#undef NODEGRAD_ACC_DECL
#undef NODEGRAD_ROW
#undef NODEGRAD_ACC_STORE

#include "gemm_column_sums.inc"

// Lane mask for the first r (< 8) of 8 lanes; all lanes for r >= 8.
__m256i lane_mask(size_t r) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(r < 8 ? r : 8)), idx);
}

// gemv_n: W's rows are streamed in full (a panel of up to kPanel columns per
// row, so the hardware prefetcher sees sequential lines; a narrow strip per
// row would jump a page per load), accumulating into a stack panel in p
// order with the packed tile's FMA, four k steps per pass.
constexpr size_t kPanel = 512;

template <size_t M>
void gemv_n_panel(const GemvArgs& g, size_t j0, size_t w, size_t pc, size_t kc, float beta_s) {
  alignas(32) float acc[M][kPanel];
  const size_t wv = (w + 7) / 8 * 8, full = w / 8 * 8;
  for (size_t i = 0; i < M; ++i) {
    for (size_t j = 0; j < wv; j += 8) _mm256_store_ps(acc[i] + j, _mm256_setzero_ps());
  }
  const __m256i tail = lane_mask(w - full);
  const size_t ldb = g.ldb;
  size_t p = pc;
  for (; p + 4 <= pc + kc; p += 4) {
    const float* b0 = g.b + p * ldb + j0;
    __m256 x[M][4];
    for (size_t i = 0; i < M; ++i) {
      for (size_t u = 0; u < 4; ++u) x[i][u] = _mm256_set1_ps(g.x[i * g.rsx + (p + u) * g.csx]);
    }
    for (size_t j = 0; j < wv; j += 8) {
      const bool in = j < full;
      const __m256 v0 = in ? _mm256_loadu_ps(b0 + j) : _mm256_maskload_ps(b0 + j, tail);
      const __m256 v1 = in ? _mm256_loadu_ps(b0 + ldb + j) : _mm256_maskload_ps(b0 + ldb + j, tail);
      const __m256 v2 =
          in ? _mm256_loadu_ps(b0 + 2 * ldb + j) : _mm256_maskload_ps(b0 + 2 * ldb + j, tail);
      const __m256 v3 =
          in ? _mm256_loadu_ps(b0 + 3 * ldb + j) : _mm256_maskload_ps(b0 + 3 * ldb + j, tail);
      for (size_t i = 0; i < M; ++i) {
        __m256 a = _mm256_load_ps(acc[i] + j);
        a = _mm256_fmadd_ps(x[i][0], v0, a);
        a = _mm256_fmadd_ps(x[i][1], v1, a);
        a = _mm256_fmadd_ps(x[i][2], v2, a);
        a = _mm256_fmadd_ps(x[i][3], v3, a);
        _mm256_store_ps(acc[i] + j, a);
      }
    }
  }
  for (; p < pc + kc; ++p) {
    const float* b0 = g.b + p * ldb + j0;
    for (size_t i = 0; i < M; ++i) {
      const __m256 x = _mm256_set1_ps(g.x[i * g.rsx + p * g.csx]);
      for (size_t j = 0; j < wv; j += 8) {
        const __m256 v = j < full ? _mm256_loadu_ps(b0 + j) : _mm256_maskload_ps(b0 + j, tail);
        _mm256_store_ps(acc[i] + j, _mm256_fmadd_ps(x, v, _mm256_load_ps(acc[i] + j)));
      }
    }
  }
  const __m256 alpha = _mm256_set1_ps(g.alpha), beta = _mm256_set1_ps(beta_s);
  const bool read_c = beta_s != 0.0f;
  for (size_t i = 0; i < M; ++i) {
    float* row = g.c + i * g.ldc + j0;
    for (size_t j = 0; j < wv; j += 8) {
      const __m256 a = _mm256_load_ps(acc[i] + j);
      if (j < full) {
        const __m256 c = read_c ? _mm256_loadu_ps(row + j) : _mm256_setzero_ps();
        _mm256_storeu_ps(row + j, finish(a, c, alpha, beta, read_c));
      } else {
        const __m256 c = read_c ? _mm256_maskload_ps(row + j, tail) : _mm256_setzero_ps();
        _mm256_maskstore_ps(row + j, tail, finish(a, c, alpha, beta, read_c));
      }
    }
  }
}

template <size_t M>
void gemv_n_rows(const GemvArgs& g) {
  for (size_t pc = 0; pc < g.k; pc += g.kc) {
    const size_t kc = g.k - pc < g.kc ? g.k - pc : g.kc;
    const float beta = pc == 0 ? g.beta : 1.0f;
    for (size_t j0 = 0; j0 < g.n; j0 += kPanel) {
      gemv_n_panel<M>(g, j0, g.n - j0 < kPanel ? g.n - j0 : kPanel, pc, kc, beta);
    }
  }
}

void gemv_n(const GemvArgs& g) {
  switch (g.m) {
    case 1:
      return gemv_n_rows<1>(g);
    case 2:
      return gemv_n_rows<2>(g);
    case 3:
      return gemv_n_rows<3>(g);
    case 4:
      return gemv_n_rows<4>(g);
    case 5:
      return gemv_n_rows<5>(g);
    case 6:
      return gemv_n_rows<6>(g);
    case 7:
      return gemv_n_rows<7>(g);
    default:
      return gemv_n_rows<8>(g);
  }
}

// The 8 lanes of v summed in a fixed tree: (0+4, 1+5, 2+6, 3+7), then pairs.
float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

// gemv_t: J rows of W (output features j..j+J) against the M rows of x, each
// a dot product along k in 8 lane sums; every row of W is read sequentially.
template <size_t M, size_t J>
void gemv_t_block(const GemvArgs& g, size_t j) {
  __m256 acc[M][J];
  for (size_t i = 0; i < M; ++i) {
    for (size_t jj = 0; jj < J; ++jj) acc[i][jj] = _mm256_setzero_ps();
  }
  const float* b = g.b + j * g.ldb;
  size_t p = 0;
  for (; p + 8 <= g.k; p += 8) {
    __m256 bv[J];
    for (size_t jj = 0; jj < J; ++jj) bv[jj] = _mm256_loadu_ps(b + jj * g.ldb + p);
    for (size_t i = 0; i < M; ++i) {
      const __m256 xv = _mm256_loadu_ps(g.x + i * g.rsx + p);
      for (size_t jj = 0; jj < J; ++jj) acc[i][jj] = _mm256_fmadd_ps(xv, bv[jj], acc[i][jj]);
    }
  }
  if (p < g.k) {
    const __m256i mk = lane_mask(g.k - p);
    __m256 bv[J];
    for (size_t jj = 0; jj < J; ++jj) bv[jj] = _mm256_maskload_ps(b + jj * g.ldb + p, mk);
    for (size_t i = 0; i < M; ++i) {
      const __m256 xv = _mm256_maskload_ps(g.x + i * g.rsx + p, mk);
      for (size_t jj = 0; jj < J; ++jj) acc[i][jj] = _mm256_fmadd_ps(xv, bv[jj], acc[i][jj]);
    }
  }
  for (size_t i = 0; i < M; ++i) {
    for (size_t jj = 0; jj < J; ++jj) {
      float* out = g.c + i * g.ldc + j + jj;
      const float r = g.alpha * hsum(acc[i][jj]);
      *out = g.beta == 0.0f ? r : r + g.beta * *out;
    }
  }
}

template <size_t M>
void gemv_t_rows(const GemvArgs& g) {
  // M·J accumulators + J row vectors + one x vector within the 16 registers.
  constexpr size_t J = M <= 2 ? 4 : M <= 4 ? 2 : 1;
  size_t j = 0;
  for (; j + J <= g.n; j += J) gemv_t_block<M, J>(g, j);
  for (; j < g.n; ++j) gemv_t_block<M, 1>(g, j);
}

void gemv_t(const GemvArgs& g) {
  switch (g.m) {
    case 1:
      return gemv_t_rows<1>(g);
    case 2:
      return gemv_t_rows<2>(g);
    case 3:
      return gemv_t_rows<3>(g);
    case 4:
      return gemv_t_rows<4>(g);
    case 5:
      return gemv_t_rows<5>(g);
    case 6:
      return gemv_t_rows<6>(g);
    case 7:
      return gemv_t_rows<7>(g);
    default:
      return gemv_t_rows<8>(g);
  }
}

// A's packing as 8×8 transposes in registers (6 rows and 2 zero rows in,
// 8 k steps of 6 lanes out) instead of one scalar load and store per element.
void pack_a(float* dst, const float* src, size_t lda, size_t rows, size_t kc) {
  const __m256i six = lane_mask(MR);
  for (size_t p = 0; p < kc; p += 8) {
    const size_t steps = kc - p < 8 ? kc - p : 8;
    const __m256i mk = lane_mask(steps);
    __m256 r[8];
    for (size_t i = 0; i < 8; ++i) {
      r[i] = i < rows ? _mm256_maskload_ps(src + i * lda + p, mk) : _mm256_setzero_ps();
    }
    // Within each 128-bit lane: u[4g + j] lane l = rows 4g..4g+3 at k = 4l + j.
    __m256 u[8];
    for (size_t g = 0; g < 2; ++g) {
      const __m256 t0 = _mm256_unpacklo_ps(r[4 * g], r[4 * g + 1]);
      const __m256 t1 = _mm256_unpackhi_ps(r[4 * g], r[4 * g + 1]);
      const __m256 t2 = _mm256_unpacklo_ps(r[4 * g + 2], r[4 * g + 3]);
      const __m256 t3 = _mm256_unpackhi_ps(r[4 * g + 2], r[4 * g + 3]);
      u[4 * g] = _mm256_shuffle_ps(t0, t2, 0x44);
      u[4 * g + 1] = _mm256_shuffle_ps(t0, t2, 0xee);
      u[4 * g + 2] = _mm256_shuffle_ps(t1, t3, 0x44);
      u[4 * g + 3] = _mm256_shuffle_ps(t1, t3, 0xee);
    }
    for (size_t j = 0; j < 4; ++j) {
      if (j < steps) {
        _mm256_maskstore_ps(dst + (p + j) * MR, six, _mm256_permute2f128_ps(u[j], u[4 + j], 0x20));
      }
      if (4 + j < steps) {
        _mm256_maskstore_ps(dst + (p + 4 + j) * MR, six,
                            _mm256_permute2f128_ps(u[j], u[4 + j], 0x31));
      }
    }
  }
}

}  // namespace

const GemmKernels* gemm_kernels_avx2() {
  static const GemmKernels table = {
      gemm_blocking(kGemmAvx2), packed_tile, direct_tile, column_sums, gemv_n, gemv_t, pack_a};
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const GemmKernels* gemm_kernels_avx2() { return nullptr; }
}  // namespace nodegrad

#endif
