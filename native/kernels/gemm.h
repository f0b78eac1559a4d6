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

// The cache sizes the blocking is derived from, in bytes (per core: l3 is
// this core's share of a shared L3); `detected` is false when the OS told us
// nothing and the ISA's fallback blocking is used instead.
struct GemmCaches {
  size_t l1d, l1d_ways, l2, l3;
  bool detected;
};

// The one blocking table: per ISA, the register tile (fixed by the
// micro-kernel's code) and the cache blocking used when the caches cannot be
// read. MC/KC/NC themselves are derived at load time (gemm_blocking.cc).
struct GemmBlockingRow {
  const char* isa;
  GemmBlocking fallback;
};
enum GemmTileId {
  kGemmScalar = 0,
  kGemmAvx2 = 1,
  kGemmNeon = 2,
  kGemmAvx512 = 3,
  kGemmTileIds = 4
};
constexpr GemmBlockingRow kGemmBlockingTable[kGemmTileIds] = {
    {"scalar", {4, 8, 128, 256, 2048}},
    // 12 ymm accumulators + 2 B vectors + 1 broadcast of the 16 registers.
    {"avx2", {6, 16, 144, 256, 4080}},
    // 16 of the 32 q registers accumulate an 8×8 tile.
    {"neon", {8, 8, 128, 256, 2048}},
    // 24 of the 32 zmm registers accumulate 12×32; A is broadcast from memory.
    {"avx512", {12, 32, 240, 256, 4096}},
};

// The caches of this machine, read once per process (sysconf, else CPUID
// leaf 4 / 0x8000001D on x86). NODEGRAD_GEMM_CACHES="l1d,ways,l2,l3" (bytes)
// overrides them, to try another machine's blocking here.
const GemmCaches& gemm_caches();

// The BLIS analytical model (Low et al., "Analytical modeling is enough for
// high-performance BLIS", 2016) for an mr×nr tile on these caches:
//   KC: the KC×NR B micro-panel (reused by every A sliver of the block) and
//       the MR×KC A sliver share the L1's ways minus one (left for C and the
//       next sliver), in proportion NR : MR;
//   MC: the MC×KC A block fills half of L2 (the B micro-panels streaming
//       through it and C take the other half);
//   NC: the KC×NC B block fills half of this core's L3 share.
// Rounded to multiples of 8 (KC), MR (MC) and NR (NC) and clamped to sane
// ranges; the fallback row when the caches are unknown.
GemmBlocking gemm_derive_blocking(GemmTileId tile, const GemmCaches& caches);

// gemm_derive_blocking(tile, gemm_caches()), computed once per process: the
// blocking every table of that tile carries.
const GemmBlocking& gemm_blocking(GemmTileId tile);

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

// Products with few rows of C (m <= kGemvMaxRows: batch-1 inference, a few
// requests at a time; below one AVX-512 tile of rows), without packing: the weights are read once,
// in place, vectorised over the output features j.
//   x(i,p) = x[i·rsx + p·csx]  (gemv_t needs csx == 1)
//   gemv_n: b(p,j) = b[p·ldb + j]  (X·W, W stored k×n: Dense's layout)
//           summed per K block of kc in p order with the micro-kernel's own
//           arithmetic, so every element has the bits of the packed path;
//   gemv_t: b(p,j) = b[j·ldb + p]  (X·Wᵀ, W stored n×k): a dot product per
//           output, vectorised along k (lane sums, then a fixed tree), so
//           within GEMM's error bound but not the packed path's bits.
// c(i,j) = alpha·Σ_p x(i,p)·b(p,j) (+ beta·c, read only when beta != 0) for
// i < m, j < n.
constexpr size_t kGemvMaxRows = 8;
struct GemvArgs {
  size_t m, n, k, kc;
  const float* x;
  size_t rsx, csx;
  const float* b;
  size_t ldb;
  float* c;
  size_t ldc;
  float alpha, beta;
};
using GemvFn = void (*)(const GemvArgs& g);

struct GemmKernels {
  GemmBlocking blocking;
  GemmPackedTileFn packed;
  GemmDirectTileFn direct;
  // out[j] = Σ_i a[i·n + j] in i order (+ beta·out[j], read only when beta != 0).
  void (*column_sums)(const float* a, float* out, size_t m, size_t n, float beta);
  GemvFn gemv_n;
  GemvFn gemv_t;
  // Packs one MR-row panel of a plain A (rows at stride lda, k contiguous):
  // dst[p·MR + i] = src[i·lda + p] for i < rows <= MR, zero for i >= rows.
  // Null where the ISA has none (the driver's portable packing runs).
  void (*pack_a)(float* dst, const float* src, size_t lda, size_t rows, size_t kc);
};

const GemmKernels* gemm_kernels_scalar();
const GemmKernels* gemm_kernels_avx2();    // null unless built for x86-64
const GemmKernels* gemm_kernels_neon();    // null unless built for arm64
const GemmKernels* gemm_kernels_avx512();  // null unless built for x86-64

// denseForward's epilogue, applied to each finished row segment of a tile
// while it is in L1: y[j] = y[j] + bias[j] in float32, then the activation in
// place. The activation has the signature of the activation family's
// kernels: `act` for those without a parameter (relu, sigmoid, tanh),
// `act_alpha` for those with one (leakyRelu, elu); at most one is set.
// `pre`, when set (m×n like y, overlapping none of x, w, y), receives each
// element after the bias and before the activation: the pre-activation z a
// layer keeps when its activation's backward needs x (elu, gelu, silu…),
// stored while the tile is in L1 instead of a second pass over y.
struct GemmEpilogue {
  const float* bias;  // n values, or null
  void (*act)(const float* x, float* y, size_t n);
  void (*act_alpha)(const float* x, float* y, size_t n, float alpha);
  float alpha;
  float* pre = nullptr;
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
