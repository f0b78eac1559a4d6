// The GEMM driver (ISA-independent): BLIS loop order jc (NC) → pc (KC) → a
// parallel pack of the B block and of A, then a parallel sweep over tiles
// (jr over NR panels outside, ir over MR panels inside, so a KC×NR micro-panel
// of B stays in L1 while the MC×KC block of A streams from L2). K is never
// split across threads: each C element is summed in the same order (pc blocks
// in turn, p in order inside) by exactly one thread, whatever the thread count.
#include "gemm.h"

#include <cstdint>
#include <cstring>
#include <memory>

#include "../threadpool.h"

namespace nodegrad {

namespace {

// Below this many multiply-adds the pool's wake-up costs more than it saves.
constexpr size_t kParallelMinMacs = size_t{1} << 20;
// Up to this many multiply-adds (64³), and with B rows contiguous, the
// operands are read in place: packing would cost as much as the product.
constexpr size_t kDirectMaxMacs = size_t{1} << 18;

size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

// Per calling thread, grown on demand and kept: a call allocates nothing once
// warm. 64-byte aligned so packed panels start on cache lines.
class Scratch {
 public:
  float* get(size_t floats) {
    if (floats > capacity_) {
      storage_.reset(new float[floats + 16]);
      capacity_ = floats;
    }
    uintptr_t p = reinterpret_cast<uintptr_t>(storage_.get());
    return reinterpret_cast<float*>((p + 63) & ~uintptr_t{63});
  }

 private:
  std::unique_ptr<float[]> storage_;
  size_t capacity_ = 0;
};

thread_local Scratch t_apack;
thread_local Scratch t_bpack;

// op(A)(i,p) = a[i·rsa + p·csa]; op(B)(p,j) = b[p·rsb + j·csb].
struct Operands {
  const GemmKernels* kt;
  const float* a;
  size_t rsa, csa;
  const float* b;
  size_t rsb, csb;
  float* c;
  size_t m, n, k;
  float alpha, beta;
  const GemmEpilogue* epilogue;
};

// One (jc, pc) step: everything the two parallel phases need.
struct Step {
  const Operands* op;
  size_t jc, nc, pc, kc;
  float beta;   // the caller's beta on the first K block, then 1 (accumulate)
  bool last_k;  // the epilogue runs after the last K block
  bool pack_a, pack_b;
  float* apack;
  float* bpack;
  size_t pack_tasks;
  size_t row_chunks, col_chunks;
};

// One packed panel: dst[p·width + l] = src[l·lane_stride + p·k_stride] for
// the `lanes` lanes that exist, zero for the rest up to `width`. A panel of A
// has MR lanes (rows), a panel of B NR lanes (columns); where the lanes are
// contiguous (transposed A, plain B) each k step is one copy. W is the width
// as a constant for the tiles in the table (0: any width), so the copies and
// the transposing loop unroll: packing was a tenth of a 256³ product.
template <size_t W>
void pack_panel_w(float* dst, const float* src, size_t lane_stride, size_t k_stride, size_t lanes,
                  size_t width_any, size_t kc) {
  const size_t width = W != 0 ? W : width_any;
  if (lane_stride == 1) {
    if (W != 0 && lanes == W) {
      for (size_t p = 0; p < kc; ++p)
        std::memcpy(dst + p * W, src + p * k_stride, W * sizeof(float));
      return;
    }
    for (size_t p = 0; p < kc; ++p) {
      std::memcpy(dst + p * width, src + p * k_stride, lanes * sizeof(float));
      for (size_t l = lanes; l < width; ++l) dst[p * width + l] = 0.0f;
    }
    return;
  }
  if (k_stride == 1 && lanes == width) {
    // Plain A, transposed B: every lane is contiguous in k. Walk four k
    // steps of all lanes at a time, so the panel is written in order while
    // each lane's source is read sequentially.
    size_t p = 0;
    for (; p + 4 <= kc; p += 4) {
      for (size_t l = 0; l < width; ++l) {
        const float* lane = src + l * lane_stride + p;
        float* d = dst + p * width + l;
        d[0] = lane[0];
        d[width] = lane[1];
        d[2 * width] = lane[2];
        d[3 * width] = lane[3];
      }
    }
    for (; p < kc; ++p) {
      for (size_t l = 0; l < width; ++l) dst[p * width + l] = src[l * lane_stride + p];
    }
    return;
  }
  for (size_t l = 0; l < lanes; ++l) {
    const float* lane = src + l * lane_stride;
    for (size_t p = 0; p < kc; ++p) dst[p * width + l] = lane[p * k_stride];
  }
  for (size_t l = lanes; l < width; ++l) {
    for (size_t p = 0; p < kc; ++p) dst[p * width + l] = 0.0f;
  }
}

void pack_panel(float* dst, const float* src, size_t lane_stride, size_t k_stride, size_t lanes,
                size_t width, size_t kc) {
  switch (width) {
    case 4:
      return pack_panel_w<4>(dst, src, lane_stride, k_stride, lanes, width, kc);
    case 6:
      return pack_panel_w<6>(dst, src, lane_stride, k_stride, lanes, width, kc);
    case 8:
      return pack_panel_w<8>(dst, src, lane_stride, k_stride, lanes, width, kc);
    case 12:
      return pack_panel_w<12>(dst, src, lane_stride, k_stride, lanes, width, kc);
    case 16:
      return pack_panel_w<16>(dst, src, lane_stride, k_stride, lanes, width, kc);
    case 32:
      return pack_panel_w<32>(dst, src, lane_stride, k_stride, lanes, width, kc);
    default:
      return pack_panel_w<0>(dst, src, lane_stride, k_stride, lanes, width, kc);
  }
}

void pack_task(void* ctx, size_t t) {
  const Step& s = *static_cast<const Step*>(ctx);
  const GemmBlocking& bl = s.op->kt->blocking;
  const Operands& o = *s.op;
  if (s.pack_b) {
    const size_t panels = ceil_div(s.nc, bl.nr);
    for (size_t jp = t * panels / s.pack_tasks; jp < (t + 1) * panels / s.pack_tasks; ++jp) {
      const size_t j = jp * bl.nr;
      pack_panel(s.bpack + jp * bl.nr * s.kc, o.b + s.pc * o.rsb + (s.jc + j) * o.csb, o.csb, o.rsb,
                 s.nc - j < bl.nr ? s.nc - j : bl.nr, bl.nr, s.kc);
    }
  }
  if (s.pack_a) {
    const size_t panels = ceil_div(o.m, bl.mr);
    for (size_t ip = t * panels / s.pack_tasks; ip < (t + 1) * panels / s.pack_tasks; ++ip) {
      const size_t i = ip * bl.mr;
      const size_t rows = o.m - i < bl.mr ? o.m - i : bl.mr;
      if (o.csa == 1 && o.kt->pack_a != nullptr) {
        o.kt->pack_a(s.apack + ip * bl.mr * s.kc, o.a + i * o.rsa + s.pc, o.rsa, rows, s.kc);
      } else {
        pack_panel(s.apack + ip * bl.mr * s.kc, o.a + i * o.rsa + s.pc * o.csa, o.rsa, o.csa, rows,
                   bl.mr, s.kc);
      }
    }
  }
}

// `c` is at offset `off` of the output; the pre-activation (e.pre) is
// stored at the same offset.
void apply_epilogue(const GemmEpilogue& e, float* c, size_t off, size_t ldc, size_t rows,
                    size_t cols, const float* bias) {
  float* pre = e.pre != nullptr ? e.pre + off : nullptr;
  for (size_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    if (bias != nullptr) {
      for (size_t j = 0; j < cols; ++j) row[j] = row[j] + bias[j];
    }
    if (pre != nullptr) std::memcpy(pre + i * ldc, row, cols * sizeof(float));
    if (e.act != nullptr) e.act(row, row, cols);
    if (e.act_alpha != nullptr) e.act_alpha(row, row, cols, e.alpha);
  }
}

// One task: a chunk of MR-panels of rows × a chunk of NR-panels of columns.
void tile_task(void* ctx, size_t t) {
  const Step& s = *static_cast<const Step*>(ctx);
  const Operands& o = *s.op;
  const GemmBlocking& bl = o.kt->blocking;
  const size_t row_panels = ceil_div(o.m, bl.mr);
  const size_t col_panels = ceil_div(s.nc, bl.nr);
  const size_t r = t / s.col_chunks, cc = t % s.col_chunks;
  const size_t ip0 = r * row_panels / s.row_chunks, ip1 = (r + 1) * row_panels / s.row_chunks;
  const size_t jp0 = cc * col_panels / s.col_chunks, jp1 = (cc + 1) * col_panels / s.col_chunks;
  const bool epilogue = s.last_k && o.epilogue != nullptr;
  for (size_t jp = jp0; jp < jp1; ++jp) {
    const size_t j = jp * bl.nr;
    const size_t nr = s.nc - j < bl.nr ? s.nc - j : bl.nr;
    const float* bp = s.pack_b ? s.bpack + jp * bl.nr * s.kc : o.b + s.pc * o.rsb + (s.jc + j);
    const size_t ldb = s.pack_b ? bl.nr : o.rsb;
    for (size_t ip = ip0; ip < ip1; ++ip) {
      const size_t i = ip * bl.mr;
      const size_t mr = o.m - i < bl.mr ? o.m - i : bl.mr;
      float* cp = o.c + i * o.n + s.jc + j;
      if (s.pack_a && s.pack_b) {
        o.kt->packed(s.kc, s.apack + ip * bl.mr * s.kc, bp, cp, o.n, mr, nr, o.alpha, s.beta);
      } else if (s.pack_a) {
        o.kt->direct(s.kc, s.apack + ip * bl.mr * s.kc, 1, bl.mr, bp, ldb, cp, o.n, mr, nr, o.alpha,
                     s.beta);
      } else {
        o.kt->direct(s.kc, o.a + i * o.rsa + s.pc * o.csa, o.rsa, o.csa, bp, ldb, cp, o.n, mr, nr,
                     o.alpha, s.beta);
      }
      if (epilogue) {
        const float* bias = o.epilogue->bias ? o.epilogue->bias + s.jc + j : nullptr;
        apply_epilogue(*o.epilogue, cp, static_cast<size_t>(cp - o.c), o.n, mr, nr, bias);
      }
    }
  }
}

// C = beta·C (alpha = 0 or k = 0), then the epilogue if any.
void scale_only(const Operands& o) {
  for (size_t i = 0; i < o.m; ++i) {
    float* row = o.c + i * o.n;
    if (o.beta == 0.0f) {
      std::memset(row, 0, o.n * sizeof(float));
    } else {
      for (size_t j = 0; j < o.n; ++j) row[j] = o.beta * row[j];
    }
    if (o.epilogue != nullptr) {
      apply_epilogue(*o.epilogue, row, i * o.n, o.n, 1, o.n, o.epilogue->bias);
    }
  }
}

// The few-row path (m <= kGemvMaxRows): no packing; the columns of C are cut
// into one chunk per thread (multiples of 64, whatever the thread count, so
// no element's arithmetic depends on it), each chunk's epilogue run by its
// task while the chunk is in L1.
struct Gemv {
  const Operands* op;
  GemvArgs args;  // the whole product; a task narrows it to its columns
  bool transposed;
  size_t tasks;
};

constexpr size_t kGemvChunkAlign = 64;

void gemv_task(void* ctx, size_t t) {
  const Gemv& v = *static_cast<const Gemv*>(ctx);
  const Operands& o = *v.op;
  const size_t blocks = ceil_div(o.n, kGemvChunkAlign);
  const size_t j0 = t * blocks / v.tasks * kGemvChunkAlign;
  size_t j1 = (t + 1) * blocks / v.tasks * kGemvChunkAlign;
  if (j1 > o.n) j1 = o.n;
  if (j0 >= j1) return;
  GemvArgs g = v.args;
  g.n = j1 - j0;
  g.b += v.transposed ? j0 * g.ldb : j0;
  g.c += j0;
  (v.transposed ? o.kt->gemv_t : o.kt->gemv_n)(g);
  if (o.epilogue != nullptr) {
    apply_epilogue(*o.epilogue, g.c, j0, o.n, o.m, g.n,
                   o.epilogue->bias != nullptr ? o.epilogue->bias + j0 : nullptr);
  }
}

void run_gemv(const Operands& o) {
  const bool transposed = o.csb != 1;  // B stored n×k
  const float* x = o.a;
  size_t rsx = o.rsa, csx = o.csa;
  if (transposed && csx != 1) {
    // gemv_t reads x rows contiguously: copy the (m ≤ kGemvMaxRows)×k transposed A.
    float* xp = t_apack.get(o.m * o.k);
    for (size_t i = 0; i < o.m; ++i) {
      for (size_t p = 0; p < o.k; ++p) xp[i * o.k + p] = o.a[i * o.rsa + p * o.csa];
    }
    x = xp;
    rsx = o.k;
    csx = 1;
  }
  const double macs =
      static_cast<double>(o.m) * static_cast<double>(o.n) * static_cast<double>(o.k);
  size_t tasks = macs < static_cast<double>(kParallelMinMacs) ? 1 : threadpool::get_threads();
  const size_t blocks = ceil_div(o.n, kGemvChunkAlign);
  if (tasks > blocks) tasks = blocks;
  Gemv v{&o,
         {o.m, o.n, o.k, o.kt->blocking.kc, x, rsx, csx, o.b, transposed ? o.csb : o.rsb, o.c, o.n,
          o.alpha, o.beta},
         transposed,
         tasks};
  threadpool::parallel_for(tasks, tasks, gemv_task, &v);
}

void run(const Operands& o) {
  if (o.m == 0 || o.n == 0) return;
  if (o.k == 0 || o.alpha == 0.0f) return scale_only(o);
  if (o.m <= kGemvMaxRows && o.kt->gemv_n != nullptr && o.kt->gemv_t != nullptr) {
    return run_gemv(o);
  }
  const GemmBlocking& bl = o.kt->blocking;
  // In double: m·n·k can exceed 2^64 for extreme (if unrealistic) shapes.
  const double macs =
      static_cast<double>(o.m) * static_cast<double>(o.n) * static_cast<double>(o.k);
  const bool small = macs <= static_cast<double>(kDirectMaxMacs);
  // A is packed when its panels are reused across several column panels;
  // B when it is reused across several row panels, or when its rows are not
  // contiguous (transposed B), so the micro-kernel never sees a transpose.
  const bool pack_a = !small && o.n > bl.nr;
  const bool pack_b = o.csb != 1 || (!small && o.m > bl.mr);
  const size_t threads =
      macs < static_cast<double>(kParallelMinMacs) ? 1 : threadpool::get_threads();

  const size_t row_panels = ceil_div(o.m, bl.mr);
  const size_t nc_max = o.n < bl.nc ? o.n : bl.nc;
  const size_t kc_max = o.k < bl.kc ? o.k : bl.kc;
  float* apack = pack_a ? t_apack.get(row_panels * bl.mr * kc_max) : nullptr;
  float* bpack = pack_b ? t_bpack.get(ceil_div(nc_max, bl.nr) * bl.nr * kc_max) : nullptr;

  for (size_t jc = 0; jc < o.n; jc += bl.nc) {
    const size_t nc = o.n - jc < bl.nc ? o.n - jc : bl.nc;
    // Row chunks of at most MC rows; when they do not share out evenly over
    // the threads, each is also cut into one column chunk per thread.
    const size_t row_chunks = ceil_div(o.m, bl.mc);
    const size_t col_panels = ceil_div(nc, bl.nr);
    size_t col_chunks = threads > 1 && row_chunks % threads != 0 ? threads : 1;
    if (col_chunks > col_panels) col_chunks = col_panels;
    for (size_t pc = 0; pc < o.k; pc += bl.kc) {
      const size_t kc = o.k - pc < bl.kc ? o.k - pc : bl.kc;
      Step s{&o,
             jc,
             nc,
             pc,
             kc,
             pc == 0 ? o.beta : 1.0f,
             pc + kc == o.k,
             pack_a,
             pack_b,
             apack,
             bpack,
             threads,
             row_chunks,
             col_chunks};
      if (pack_a || pack_b) threadpool::parallel_for(threads, threads, pack_task, &s);
      threadpool::parallel_for(row_chunks * col_chunks, threads, tile_task, &s);
    }
  }
}

}  // namespace

void gemm(const GemmKernels* kt, const float* a, const float* b, float* c, size_t m, size_t n,
          size_t k, bool trans_a, bool trans_b, float alpha, float beta) {
  Operands o{kt,
             a,
             trans_a ? 1 : k,
             trans_a ? m : 1,
             b,
             trans_b ? 1 : n,
             trans_b ? k : 1,
             c,
             m,
             n,
             k,
             alpha,
             beta,
             nullptr};
  run(o);
}

void dense_forward(const GemmKernels* kt, const float* x, const float* w, float* y, size_t m,
                   size_t n, size_t k, const GemmEpilogue& epilogue) {
  Operands o{kt, x, k, 1, w, n, 1, y, m, n, k, 1.0f, 0.0f, &epilogue};
  run(o);
}

void column_sums(const GemmKernels* kt, const float* a, float* out, size_t m, size_t n,
                 float beta) {
  if (n == 0) return;
  kt->column_sums(a, out, m, n, beta);
}

}  // namespace nodegrad
