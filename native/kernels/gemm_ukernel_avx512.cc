// AVX-512F micro-kernels: a 12×32 tile in 24 zmm accumulators; per k step
// two loads of B and twelve FMAs with A broadcast from memory ({1to16}), so
// of the 32 registers 24 accumulate, 2 hold B and the rest stay free (two
// 512-bit FMA pipes × 4 cycles latency need ≥ 8 independent chains; 24 also
// cover the loads). The kernel owns its tile, edges included: partial tiles
// load and store C through __mmask16 masks, so C is never touched outside it.
// Only this file is compiled with AVX-512 flags (see binding.gyp); it
// includes no shared inline code.
#include "../platform.h"
#include "gemm.h"

#if NODEGRAD_X64
#include <immintrin.h>

#include <cstdint>

#include "simd_avx512.h"

namespace nodegrad {

namespace {

constexpr size_t MR = kGemmBlockingTable[kGemmAvx512].fallback.mr;
constexpr size_t NR = kGemmBlockingTable[kGemmAvx512].fallback.nr;
static_assert(MR == 12 && NR == 32, "the register blocking below is written for 12x32");

// Mask of the first r (<= 16) lanes.
__mmask16 first_lanes(size_t r) {
  return r >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << r) - 1u);
}

// alpha·acc (+ beta·C): products and sum rounded separately, as the other
// ISAs do.
__m512 finish(__m512 acc, __m512 c, __m512 alpha, __m512 beta, bool read_c) {
  const __m512 r = _mm512_mul_ps(alpha, acc);
  return read_c ? _mm512_add_ps(r, _mm512_mul_ps(beta, c)) : r;
}

void store_row(__m512 a0, __m512 a1, float* row, size_t nr, __m512 alpha, __m512 beta,
               bool read_c) {
  if (nr == NR) {
    const __m512 c0 = read_c ? _mm512_loadu_ps(row) : _mm512_setzero_ps();
    const __m512 c1 = read_c ? _mm512_loadu_ps(row + 16) : _mm512_setzero_ps();
    _mm512_storeu_ps(row, finish(a0, c0, alpha, beta, read_c));
    _mm512_storeu_ps(row + 16, finish(a1, c1, alpha, beta, read_c));
    return;
  }
  const __mmask16 m0 = first_lanes(nr), m1 = first_lanes(nr > 16 ? nr - 16 : 0);
  const __m512 c0 = read_c ? _mm512_maskz_loadu_ps(m0, row) : _mm512_setzero_ps();
  const __m512 c1 = read_c ? _mm512_maskz_loadu_ps(m1, row + 16) : _mm512_setzero_ps();
  _mm512_mask_storeu_ps(row, m0, finish(a0, c0, alpha, beta, read_c));
  _mm512_mask_storeu_ps(row + 16, m1, finish(a1, c1, alpha, beta, read_c));
}

// The accumulators are named locals (an array handed to the store step
// would be spilled on every k step).
#define NODEGRAD_ACC_DECL                                                                        \
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,       \
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, \
         c70 = c00, c71 = c00, c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, \
         cb0 = c00, cb1 = c00
#define NODEGRAD_ROW(i, ptr)                    \
  do {                                          \
    const __m512 a_ = _mm512_set1_ps(*(ptr));   \
    c##i##0 = _mm512_fmadd_ps(a_, b0, c##i##0); \
    c##i##1 = _mm512_fmadd_ps(a_, b1, c##i##1); \
  } while (0)
#define NODEGRAD_ROWS(A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, AA, AB) \
  NODEGRAD_ROW(0, A0);                                                \
  NODEGRAD_ROW(1, A1);                                                \
  NODEGRAD_ROW(2, A2);                                                \
  NODEGRAD_ROW(3, A3);                                                \
  NODEGRAD_ROW(4, A4);                                                \
  NODEGRAD_ROW(5, A5);                                                \
  NODEGRAD_ROW(6, A6);                                                \
  NODEGRAD_ROW(7, A7);                                                \
  NODEGRAD_ROW(8, A8);                                                \
  NODEGRAD_ROW(9, A9);                                                \
  NODEGRAD_ROW(a, AA);                                                \
  NODEGRAD_ROW(b, AB)
#define NODEGRAD_ACC_STORE                                                      \
  do {                                                                          \
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);         \
    const bool rc = beta != 0.0f;                                               \
    const __m512 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},  \
                               {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71},  \
                               {c80, c81}, {c90, c91}, {ca0, ca1}, {cb0, cb1}}; \
    for (size_t i = 0; i < mr; ++i) {                                           \
      store_row(acc[i][0], acc[i][1], c + i * ldc, nr, va, vb, rc);             \
    }                                                                           \
  } while (0)

void packed_tile(size_t kc, const float* a, const float* b, float* c, size_t ldc, size_t mr,
                 size_t nr, float alpha, float beta) {
  // C's rows are touched once, after the k loop: ask for them now (each row
  // is 128 bytes, two cache lines when aligned, three at most).
  for (size_t i = 0; i < mr; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  NODEGRAD_ACC_DECL;
#define NODEGRAD_STEP(u)                                                                      \
  do {                                                                                        \
    const __m512 b0 = _mm512_loadu_ps(b + (u)*NR), b1 = _mm512_loadu_ps(b + (u)*NR + 16);     \
    const float* ap = a + (u)*MR;                                                             \
    NODEGRAD_ROWS(ap, ap + 1, ap + 2, ap + 3, ap + 4, ap + 5, ap + 6, ap + 7, ap + 8, ap + 9, \
                  ap + 10, ap + 11);                                                          \
  } while (0)
  size_t p = 0;
  for (; p + 4 <= kc; p += 4, a += 4 * MR, b += 4 * NR) {
    // A streams from L2 (48 bytes a step): fetch 16 steps ahead into L1.
    _mm_prefetch(reinterpret_cast<const char*>(a + 16 * MR), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + 16 * MR + 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + 16 * MR + 32), _MM_HINT_T0);
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
  size_t o[MR];
  for (size_t i = 0; i < MR; ++i) o[i] = (i < mr ? i : 0) * rsa;
  const __mmask16 m0 = first_lanes(nr), m1 = first_lanes(nr > 16 ? nr - 16 : 0);
  const bool full = nr == NR;
  for (size_t p = 0; p < kc; ++p, a += csa, b += ldb) {
    const __m512 b0 = full ? _mm512_loadu_ps(b) : _mm512_maskz_loadu_ps(m0, b);
    const __m512 b1 = full ? _mm512_loadu_ps(b + 16) : _mm512_maskz_loadu_ps(m1, b + 16);
    NODEGRAD_ROWS(a, a + o[1], a + o[2], a + o[3], a + o[4], a + o[5], a + o[6], a + o[7], a + o[8],
                  a + o[9], a + o[10], a + o[11]);
  }
  NODEGRAD_ACC_STORE;
}

#undef NODEGRAD_ACC_DECL
#undef NODEGRAD_ROW
#undef NODEGRAD_ROWS
#undef NODEGRAD_ACC_STORE

#include "gemm_column_sums.inc"

// gemv_n: as in the AVX2 file: whole W rows streamed (a panel of up to kPanel
// columns), accumulated into a stack panel in p order with the packed tile's
// FMA, four k steps per pass.
constexpr size_t kPanel = 512;

template <size_t M>
void gemv_n_panel(const GemvArgs& g, size_t j0, size_t w, size_t pc, size_t kc, float beta_s) {
  alignas(64) float acc[M][kPanel];
  const size_t wv = (w + 15) / 16 * 16, full = w / 16 * 16;
  for (size_t i = 0; i < M; ++i) {
    for (size_t j = 0; j < wv; j += 16) _mm512_store_ps(acc[i] + j, _mm512_setzero_ps());
  }
  const __mmask16 tail = first_lanes(w - full);
  const size_t ldb = g.ldb;
  size_t p = pc;
  for (; p + 4 <= pc + kc; p += 4) {
    const float* b0 = g.b + p * ldb + j0;
    __m512 x[M][4];
    for (size_t i = 0; i < M; ++i) {
      for (size_t u = 0; u < 4; ++u) x[i][u] = _mm512_set1_ps(g.x[i * g.rsx + (p + u) * g.csx]);
    }
    for (size_t j = 0; j < wv; j += 16) {
      const __mmask16 mk = j < full ? static_cast<__mmask16>(0xffff) : tail;
      const __m512 v0 = _mm512_maskz_loadu_ps(mk, b0 + j);
      const __m512 v1 = _mm512_maskz_loadu_ps(mk, b0 + ldb + j);
      const __m512 v2 = _mm512_maskz_loadu_ps(mk, b0 + 2 * ldb + j);
      const __m512 v3 = _mm512_maskz_loadu_ps(mk, b0 + 3 * ldb + j);
      for (size_t i = 0; i < M; ++i) {
        __m512 a = _mm512_load_ps(acc[i] + j);
        a = _mm512_fmadd_ps(x[i][0], v0, a);
        a = _mm512_fmadd_ps(x[i][1], v1, a);
        a = _mm512_fmadd_ps(x[i][2], v2, a);
        a = _mm512_fmadd_ps(x[i][3], v3, a);
        _mm512_store_ps(acc[i] + j, a);
      }
    }
  }
  for (; p < pc + kc; ++p) {
    const float* b0 = g.b + p * ldb + j0;
    for (size_t i = 0; i < M; ++i) {
      const __m512 x = _mm512_set1_ps(g.x[i * g.rsx + p * g.csx]);
      for (size_t j = 0; j < wv; j += 16) {
        const __mmask16 mk = j < full ? static_cast<__mmask16>(0xffff) : tail;
        const __m512 v = _mm512_maskz_loadu_ps(mk, b0 + j);
        _mm512_store_ps(acc[i] + j, _mm512_fmadd_ps(x, v, _mm512_load_ps(acc[i] + j)));
      }
    }
  }
  const __m512 alpha = _mm512_set1_ps(g.alpha), beta = _mm512_set1_ps(beta_s);
  const bool read_c = beta_s != 0.0f;
  for (size_t i = 0; i < M; ++i) {
    float* row = g.c + i * g.ldc + j0;
    for (size_t j = 0; j < wv; j += 16) {
      const __mmask16 mk = j < full ? static_cast<__mmask16>(0xffff) : tail;
      const __m512 c = read_c ? _mm512_maskz_loadu_ps(mk, row + j) : _mm512_setzero_ps();
      _mm512_mask_storeu_ps(row + j, mk,
                            finish(_mm512_load_ps(acc[i] + j), c, alpha, beta, read_c));
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

// The 16 lanes of v summed in a fixed tree (l + l+8, then + 4, + 2, + 1),
// through memory: GCC 12's 512→256 extract and cast intrinsics warn about
// their undefined pass-through operand, and this runs once per output.
float hsum(__m512 v) {
  alignas(64) float l[16];
  _mm512_store_ps(l, v);
  for (size_t w = 8; w >= 1; w /= 2) {
    for (size_t i = 0; i < w; ++i) l[i] = l[i] + l[i + w];
  }
  return l[0];
}

// gemv_t: J rows of W against the M rows of x, each a dot product along k in
// 16 lane sums; every row of W is read sequentially.
template <size_t M, size_t J>
void gemv_t_block(const GemvArgs& g, size_t j) {
  __m512 acc[M][J];
  for (size_t i = 0; i < M; ++i) {
    for (size_t jj = 0; jj < J; ++jj) acc[i][jj] = _mm512_setzero_ps();
  }
  const float* b = g.b + j * g.ldb;
  for (size_t p = 0; p < g.k; p += 16) {
    const __mmask16 mk = first_lanes(g.k - p);
    __m512 bv[J];
    for (size_t jj = 0; jj < J; ++jj) bv[jj] = _mm512_maskz_loadu_ps(mk, b + jj * g.ldb + p);
    for (size_t i = 0; i < M; ++i) {
      const __m512 xv = _mm512_maskz_loadu_ps(mk, g.x + i * g.rsx + p);
      for (size_t jj = 0; jj < J; ++jj) acc[i][jj] = _mm512_fmadd_ps(xv, bv[jj], acc[i][jj]);
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
  // M·J accumulators + J row vectors + one x vector within the 32 registers.
  constexpr size_t J = M <= 4 ? 4 : 2;
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

// A's packing as 16×16 transposes in registers (12 rows and 4 zero rows in,
// 16 k steps of 12 lanes out) instead of one scalar load and store per
// element: packing A was most of the packing time of a 256³ product.
// GCC 12's unpack intrinsics pass _mm512_undefined_ps() through and then warn
// about it (a header false positive); nothing here reads undefined lanes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void pack_a(float* dst, const float* src, size_t lda, size_t rows, size_t kc) {
  for (size_t p = 0; p < kc; p += 16) {
    const size_t steps = kc - p < 16 ? kc - p : 16;
    const __mmask16 mk = first_lanes(steps);
    __m512 r[16];
    for (size_t i = 0; i < 16; ++i) {
      r[i] = i < rows ? _mm512_maskz_loadu_ps(mk, src + i * lda + p) : _mm512_setzero_ps();
    }
    // Within each 128-bit lane: u[4g + j] lane l = rows 4g..4g+3 at k = 4l + j.
    __m512 u[16];
    for (size_t g = 0; g < 4; ++g) {
      const __m512 t0 = _mm512_unpacklo_ps(r[4 * g], r[4 * g + 1]);
      const __m512 t1 = _mm512_unpackhi_ps(r[4 * g], r[4 * g + 1]);
      const __m512 t2 = _mm512_unpacklo_ps(r[4 * g + 2], r[4 * g + 3]);
      const __m512 t3 = _mm512_unpackhi_ps(r[4 * g + 2], r[4 * g + 3]);
      u[4 * g] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t2)));
      u[4 * g + 1] =
          _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t0), _mm512_castps_pd(t2)));
      u[4 * g + 2] =
          _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t1), _mm512_castps_pd(t3)));
      u[4 * g + 3] =
          _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t1), _mm512_castps_pd(t3)));
    }
    // Then lane l of u[j], u[4 + j], u[8 + j], u[12 + j] is k = 4l + j.
    constexpr __mmask16 kRows = static_cast<__mmask16>((1u << MR) - 1u);
    for (size_t j = 0; j < 4; ++j) {
      const __m512 w0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x44);
      const __m512 w1 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xee);
      const __m512 w2 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x44);
      const __m512 w3 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xee);
      const __m512 out[4] = {_mm512_shuffle_f32x4(w0, w2, 0x88), _mm512_shuffle_f32x4(w0, w2, 0xdd),
                             _mm512_shuffle_f32x4(w1, w3, 0x88),
                             _mm512_shuffle_f32x4(w1, w3, 0xdd)};
      for (size_t l = 0; l < 4; ++l) {
        const size_t q = 4 * l + j;
        if (q < steps) _mm512_mask_storeu_ps(dst + (p + q) * MR, kRows, out[l]);
      }
    }
  }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace

const GemmKernels* gemm_kernels_avx512() {
  static const GemmKernels table = {
      gemm_blocking(kGemmAvx512), packed_tile, direct_tile, column_sums, gemv_n, gemv_t, pack_a};
  return &table;
}

}  // namespace nodegrad

#else

namespace nodegrad {
const GemmKernels* gemm_kernels_avx512() { return nullptr; }
}  // namespace nodegrad

#endif
