// Portable micro-kernels: plain C++ (the compiler may vectorise the
// fixed-size loops with baseline SSE2; -ffp-contract=off keeps every product
// and sum rounded separately, on every compiler).
#include <cstring>

#include "gemm.h"

namespace nodegrad {

namespace {

constexpr size_t MR = kGemmBlockingTable[kGemmScalar].fallback.mr;
constexpr size_t NR = kGemmBlockingTable[kGemmScalar].fallback.nr;

// The shared store step of every ISA: alpha·acc (+ beta·C).
void store_tile(const float (&acc)[MR][NR], float* c, size_t ldc, size_t mr, size_t nr, float alpha,
                float beta) {
  for (size_t i = 0; i < mr; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) {
      for (size_t j = 0; j < nr; ++j) row[j] = alpha * acc[i][j];
    } else {
      for (size_t j = 0; j < nr; ++j) row[j] = alpha * acc[i][j] + beta * row[j];
    }
  }
}

void packed_tile(size_t kc, const float* a, const float* b, float* c, size_t ldc, size_t mr,
                 size_t nr, float alpha, float beta) {
  float acc[MR][NR] = {};
  for (size_t p = 0; p < kc; ++p, a += MR, b += NR) {
    for (size_t i = 0; i < MR; ++i) {
      for (size_t j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
    }
  }
  store_tile(acc, c, ldc, mr, nr, alpha, beta);
}

void direct_tile(size_t kc, const float* a, size_t rsa, size_t csa, const float* b, size_t ldb,
                 float* c, size_t ldc, size_t mr, size_t nr, float alpha, float beta) {
  float acc[MR][NR] = {};
  for (size_t p = 0; p < kc; ++p) {
    for (size_t i = 0; i < mr; ++i) {
      const float av = a[i * rsa + p * csa];
      for (size_t j = 0; j < nr; ++j) acc[i][j] += av * b[p * ldb + j];
    }
  }
  store_tile(acc, c, ldc, mr, nr, alpha, beta);
}

void column_sums(const float* a, float* out, size_t m, size_t n, float beta) {
  constexpr size_t W = 64;  // columns per strip: the strip's sums stay in registers/L1
  for (size_t j0 = 0; j0 < n; j0 += W) {
    const size_t w = n - j0 < W ? n - j0 : W;
    float s[W] = {};
    for (size_t i = 0; i < m; ++i) {
      const float* row = a + i * n + j0;
      for (size_t j = 0; j < w; ++j) s[j] += row[j];
    }
    for (size_t j = 0; j < w; ++j) out[j0 + j] = beta == 0.0f ? s[j] : s[j] + beta * out[j0 + j];
  }
}

// Few rows, W stored k×n: per K block, acc += x·b in p order (the packed
// tile's arithmetic), a strip of W columns at a time.
void gemv_n(const GemvArgs& g) {
  constexpr size_t W = 64;
  for (size_t j0 = 0; j0 < g.n; j0 += W) {
    const size_t w = g.n - j0 < W ? g.n - j0 : W;
    for (size_t pc = 0; pc < g.k; pc += g.kc) {
      const size_t kc = g.k - pc < g.kc ? g.k - pc : g.kc;
      const float beta = pc == 0 ? g.beta : 1.0f;
      float acc[kGemvMaxRows][W] = {};
      for (size_t p = pc; p < pc + kc; ++p) {
        const float* brow = g.b + p * g.ldb + j0;
        for (size_t i = 0; i < g.m; ++i) {
          const float av = g.x[i * g.rsx + p * g.csx];
          for (size_t j = 0; j < w; ++j) acc[i][j] += av * brow[j];
        }
      }
      for (size_t i = 0; i < g.m; ++i) {
        float* row = g.c + i * g.ldc + j0;
        for (size_t j = 0; j < w; ++j) {
          row[j] = beta == 0.0f ? g.alpha * acc[i][j] : g.alpha * acc[i][j] + beta * row[j];
        }
      }
    }
  }
}

// Few rows, W stored n×k: one dot product per output, in p order.
void gemv_t(const GemvArgs& g) {
  for (size_t j = 0; j < g.n; ++j) {
    const float* brow = g.b + j * g.ldb;
    for (size_t i = 0; i < g.m; ++i) {
      const float* xrow = g.x + i * g.rsx;
      float s = 0.0f;
      for (size_t p = 0; p < g.k; ++p) s += xrow[p] * brow[p];
      float* out = g.c + i * g.ldc + j;
      *out = g.beta == 0.0f ? g.alpha * s : g.alpha * s + g.beta * *out;
    }
  }
}

}  // namespace

const GemmKernels* gemm_kernels_scalar() {
  static const GemmKernels table = {
      gemm_blocking(kGemmScalar), packed_tile, direct_tile, column_sums, gemv_n, gemv_t};
  return &table;
}

}  // namespace nodegrad
