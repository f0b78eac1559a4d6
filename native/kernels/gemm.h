// GEMM family: C (m×n) = alpha·op(A)·op(B) + beta·C on row-major float32,
// BLIS-style (packed panels, cache blocking, a register-blocked micro-kernel
// per ISA), multi-threaded on the process's thread pool. Declarations and
// plain structs only: the *_avx2.cc units include this header.
#pragma once

#include <cstddef>

namespace nodegrad {

// Cache blocking of one ISA: the micro-tile is MR×NR; a packed A block is
// MC×KC (sized for L2), a packed B micro-panel KC×NR (for L1), a packed B
// block KC×NC (for L3). MC is a multiple of MR, NC of NR.
struct GemmBlocking {
  size_t mr, nr, mc, kc, nc;
};

// The one table of blocking constants, per ISA.
constexpr GemmBlocking kGemmBlockingScalar = {4, 8, 128, 256, 2048};
// Zen 4 / Haswell-class: 12 ymm accumulators + 2 B vectors + 1 broadcast of
// the 16 registers; KC·NR·4 = 16 KiB of B stays in the 32 KiB L1; MC·KC·4 =
// 144 KiB of A in L2.
constexpr GemmBlocking kGemmBlockingAvx2 = {6, 16, 144, 256, 4080};
// 16 of the 32 q registers accumulate an 8×8 tile.
constexpr GemmBlocking kGemmBlockingNeon = {8, 8, 128, 256, 2048};

// One micro-tile: C[i·ldc + j] for i < mr <= MR, j < nr <= NR gets
//   alpha·Σ_{p<kc} a(i,p)·b(p,j)  (+ beta·C, read only when beta != 0)
// the sum taken in p order, every element with the same arithmetic whatever
// its position in the tile (so tiling never changes a result's bits).
//   packed: a(i,p) = a[p·MR + i], b(p,j) = b[p·NR + j] (zero-padded panels)
//   direct: a(i,p) = a[i·rsa + p·csa], b(p,j) = b[p·ldb + j]; reads only
//           the mr rows of A and nr columns of B that exist.
using GemmPackedTileFn = void (*)(size_t kc, const float* a, const float* b, float* c, size_t ldc,
                                  size_t mr, size_t nr, float alpha, float beta);
using GemmDirectTileFn = void (*)(size_t kc, const float* a, size_t rsa, size_t csa, const float* b,
                                  size_t ldb, float* c, size_t ldc, size_t mr, size_t nr,
                                  float alpha, float beta);

struct GemmKernels {
  GemmBlocking blocking;
  GemmPackedTileFn packed;
  GemmDirectTileFn direct;
  // out[j] = Σ_i a[i·n + j] in i order (+ beta·out[j], read only when beta != 0).
  void (*column_sums)(const float* a, float* out, size_t m, size_t n, float beta);
};

const GemmKernels* gemm_kernels_scalar();
const GemmKernels* gemm_kernels_avx2();  // null unless built for x86-64
const GemmKernels* gemm_kernels_neon();  // null unless built for arm64

// denseForward's epilogue, applied to each finished row segment of a tile
// while it is in L1: y[j] = y[j] + bias[j] in float32, then the activation in
// place. The activation has the signature of the activation family's
// kernels: `act` for those without a parameter (relu, sigmoid, tanh),
// `act_alpha` for those with one (leakyRelu, elu); at most one is set.
struct GemmEpilogue {
  const float* bias;  // n values, or null
  void (*act)(const float* x, float* y, size_t n);
  void (*act_alpha)(const float* x, float* y, size_t n, float alpha);
  float alpha;
};

// C = alpha·op(A)·op(B) + beta·C. A is m×k (k×m when trans_a), B k×n (n×k
// when trans_b), C m×n, all row-major and contiguous. beta = 0 never reads C;
// alpha = 0 or k = 0 gives beta·C without reading A or B; m or n = 0 is a
// no-op. C must not overlap A or B. Results are bitwise the same for every
// thread count.
void gemm(const GemmKernels* kt, const float* a, const float* b, float* c, size_t m, size_t n,
          size_t k, bool trans_a, bool trans_b, float alpha, float beta);

// y (m×n) = epilogue(x·w): x m×k, w k×n. Each element is the gemm result
// rounded to float32, plus bias[j] in float32, then the activation.
void dense_forward(const GemmKernels* kt, const float* x, const float* w, float* y, size_t m,
                   size_t n, size_t k, const GemmEpilogue& epilogue);

void column_sums(const GemmKernels* kt, const float* a, float* out, size_t m, size_t n, float beta);

}  // namespace nodegrad
