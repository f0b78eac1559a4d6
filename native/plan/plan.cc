// The plan's step and forward pass. Each layer calls the same kernels with
// the same arguments as its TypeScript class (lib/layers/*.ts), in the same
// order, so the bits match the step-by-step API; the comments name the TS
// code each block mirrors.
#include "plan.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

namespace nodegrad {
namespace plan {

namespace {

// f32_scalar_arg's conversion (native/binding/args.h): double to float.
inline float f(double v) { return static_cast<float>(v); }

GemmEpilogue epilogue(const KernelSet& k, const float* bias, DenseAct act, float alpha) {
  GemmEpilogue e{bias, nullptr, nullptr, alpha};
  switch (act) {
    case DenseAct::relu:
      e.act = k.act->relu;
      break;
    case DenseAct::leaky_relu:
      e.act_alpha = k.act->leaky_relu;
      break;
    case DenseAct::elu:
      e.act_alpha = k.act->elu;
      break;
    case DenseAct::sigmoid:
      e.act = k.act->sigmoid;
      break;
    case DenseAct::tanh:
      e.act = k.act->tanh;
      break;
    case DenseAct::gelu:
      e.act = k.act->gelu;
      break;
    case DenseAct::gelu_tanh:
      e.act = k.act->gelu_tanh;
      break;
    case DenseAct::silu:
      e.act = k.act->silu;
      break;
    case DenseAct::none:
      break;
  }
  return e;
}

// Embedding.checkIndices's test of one value: an integer in [0, n) (−0 is
// index 0). Writes the index.
inline bool index_of(float v, size_t n, size_t* idx) {
  if (!(v >= 0.0f && static_cast<double>(v) < static_cast<double>(n) && v == std::floor(v))) {
    return false;
  }
  *idx = static_cast<size_t>(v);
  return true;
}

inline void set_bad(BadIndex* bad, size_t branch, size_t row, size_t col, float v) {
  bad->bad = true;
  bad->branch = branch;
  bad->row = row;
  bad->col = col;
  bad->value = static_cast<double>(v);
}

// Embedding.forward: row i·dim.. of y is the table row of index i, in index
// order. Each value is checked as it is read, so the first bad one found is
// the one checkIndices names (row-major); false, with it in `bad`, then.
bool embedding_forward(const Layer& l, const float* h, size_t rows, BadIndex* bad) {
  const size_t k = l.in, dim = l.dim;
  for (size_t i = 0; i < rows * k; ++i) {
    const float v = h[i];
    size_t idx = 0;
    if (!index_of(v, l.num_embeddings, &idx)) {
      set_bad(bad, 0, i / k, i % k, v);
      return false;
    }
    std::memcpy(l.y + i * dim, l.w + idx * dim, dim * sizeof(float));
  }
  return true;
}

// Concat.forward: the branches in order, each writing its columns (or their
// embeddings) at its offset. Concat.checkInput checks branch by branch, rows
// then columns: the order the lookups read them, so the first bad index found
// here is the one it names.
bool concat_forward(const Layer& l, const float* h, size_t rows, BadIndex* bad) {
  const size_t in = l.in, out = l.out;
  for (size_t bi = 0; bi < l.branches.size(); ++bi) {
    const Branch& b = l.branches[bi];
    const size_t k = b.columns.size();
    for (size_t r = 0; r < rows; ++r) {
      float* yr = l.y + r * out + b.offset;
      const float* xr = h + r * in;
      if (b.num == 0) {
        for (size_t i = 0; i < k; ++i) yr[i] = xr[b.columns[i]];
        continue;
      }
      for (size_t i = 0; i < k; ++i) {
        const float v = xr[b.columns[i]];
        size_t idx = 0;
        if (!index_of(v, b.num, &idx)) {
          set_bad(bad, bi, r, b.columns[i], v);
          return false;
        }
        std::memcpy(yr + i * b.dim, b.w + idx * b.dim, b.dim * sizeof(float));
      }
    }
  }
  return true;
}

// Embedding.backwardParams: the scatter-add dw[x[i]·dim + j] += dy[i·dim + j]
// in index order, one float32 addition each (a Float32Array +=). x is the
// plan's own copy (the gathered batch or a layer's output), checked by the
// forward; an index that is not valid now is skipped, never used.
void embedding_param_grads(const Layer& l, const float* x, const float* dy, size_t rows) {
  const size_t dim = l.dim;
  for (size_t i = 0; i < rows * l.in; ++i) {
    size_t idx = 0;
    if (!index_of(x[i], l.num_embeddings, &idx)) continue;
    float* g = l.dw + idx * dim;
    const float* d = dy + i * dim;
    for (size_t j = 0; j < dim; ++j) g[j] += d[j];
  }
}

// Concat.backwardParams: each Embedding branch's backwardParams on its slice
// of dy (rows, then the branch's columns: its sub-batch's index order).
void concat_param_grads(const Layer& l, const float* x, const float* dy, size_t rows) {
  for (const Branch& b : l.branches) {
    if (b.num == 0) continue;
    const size_t k = b.columns.size();
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < k; ++i) {
        size_t idx = 0;
        if (!index_of(x[r * l.in + b.columns[i]], b.num, &idx)) continue;
        float* g = b.dw + idx * b.dim;
        const float* d = dy + r * l.out + b.offset + i * b.dim;
        for (size_t j = 0; j < b.dim; ++j) g[j] += d[j];
      }
    }
  }
}

// Concat.backward's dx: zero, then each pass-through branch adds its slice of
// dy to its columns (branch order, rows, columns); index columns get nothing.
void concat_dx(const Layer& l, const float* dy, size_t rows) {
  std::memset(l.dx, 0, rows * l.in * sizeof(float));
  for (const Branch& b : l.branches) {
    if (b.num != 0) continue;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t i = 0; i < b.columns.size(); ++i) {
        l.dx[r * l.in + b.columns[i]] += dy[r * l.out + b.offset + i];
      }
    }
  }
}

// Layer.forward(h, training) for `rows` rows of h; returns the layer's output
// (h itself for an identity Dropout), or null at a bad index (in `bad`).
const float* forward_layer(const KernelSet& k, const Layer& l, const float* h, size_t rows,
                           bool training, BadIndex* bad) {
  const size_t n = rows * l.out;
  switch (l.op) {
    case Op::embedding:
      if (!embedding_forward(l, h, rows, bad)) return nullptr;
      break;
    case Op::concat:
      if (!concat_forward(l, h, rows, bad)) return nullptr;
      break;
    case Op::dense: {  // Dense.forward: !fused also stores the pre-activation z
      GemmEpilogue e = epilogue(k, l.b, l.act, l.alpha);
      if (!l.fused) e.pre = l.z;
      dense_forward(k.gemm, h, l.w, l.y, rows, l.out, l.in, e);
      break;
    }
    case Op::relu:
      k.act->relu(h, l.y, n);
      break;
    case Op::leaky_relu:
      k.act->leaky_relu(h, l.y, n, l.alpha);
      break;
    case Op::elu:
      k.act->elu(h, l.y, n, l.alpha);
      break;
    case Op::sigmoid:
      k.act->sigmoid(h, l.y, n);
      break;
    case Op::tanh:
      k.act->tanh(h, l.y, n);
      break;
    case Op::prelu:
      // As the binding: features = α's length, rows = x's length / that.
      k.act->prelu(h, l.w, l.y, rows * l.in / l.alpha_count, l.alpha_count);
      break;
    case Op::dropout:
      // Dropout.forward: the identity unless training with p > 0.
      if (!(training && l.p > 0)) return h;
      k.norm->dropout_forward(h, l.y, l.mask, n, l.p, l.scale, l.state);
      break;
    case Op::batch_norm: {
      // BatchNorm1d.forward: batch statistics while training or without
      // running ones; these move (and num_batches_tracked, a float32 += 1)
      // only while training.
      const bool tracking = l.running_mean != nullptr;
      if (training || !tracking) {
        const bool move = training && tracking;
        k.norm->batch_norm_train(h, l.w, l.b, l.y, l.xhat, l.rstd, rows, l.in, l.eps,
                                 move ? l.running_mean : nullptr, move ? l.running_var : nullptr,
                                 l.momentum);
        if (move) l.tracked[0] = f(static_cast<double>(l.tracked[0]) + 1);
      } else {
        k.norm->batch_norm_eval(h, l.w, l.b, l.y, l.xhat, l.rstd, rows, l.in, l.eps, l.running_mean,
                                l.running_var);
      }
      break;
    }
    case Op::layer_norm:
      k.norm->layer_norm_forward(h, l.w, l.b, l.y, l.xhat, l.rstd, rows, l.in, l.eps);
      break;
  }
  return l.y;
}

// Dense.paramGrads: dZ from dY through the activation, dW += Xᵀ·dZ,
// db += Σ_rows dZ; returns dZ.
const float* dense_param_grads(const KernelSet& k, const Layer& l, const float* x, const float* dy,
                               size_t rows) {
  const size_t n = rows * l.out;
  const float* dz = dy;
  if (l.act != DenseAct::none) {
    switch (l.act) {
      case DenseAct::relu:
        k.act->relu_backward(l.y, dy, l.dz, n);
        break;
      case DenseAct::leaky_relu:
        k.act->leaky_relu_backward(l.fused ? l.y : l.z, dy, l.dz, n, l.alpha);
        break;
      case DenseAct::elu:
        k.act->elu_backward(l.z, dy, l.dz, n, l.alpha);
        break;
      case DenseAct::sigmoid:
        k.act->sigmoid_backward(l.y, dy, l.dz, n);
        break;
      case DenseAct::tanh:
        k.act->tanh_backward(l.y, dy, l.dz, n);
        break;
      case DenseAct::gelu:
        k.act->gelu_backward(l.z, dy, l.dz, n);
        break;
      case DenseAct::gelu_tanh:
        k.act->gelu_backward_tanh(l.z, dy, l.dz, n);
        break;
      case DenseAct::silu:
        k.act->silu_backward(l.z, dy, l.dz, n);
        break;
      case DenseAct::none:
        break;
    }
    dz = l.dz;
  }
  gemm(k.gemm, x, dz, l.dw, l.in, l.out, rows, true, false, 1, 1);
  if (l.b != nullptr) column_sums(k.gemm, dz, l.db, rows, l.out, 1);
  return dz;
}

// Layer.backward (need_dx) or Layer.backwardParams (!need_dx) of layer l whose
// input was x, after a forward in training mode; returns dx (null when not
// computed; dy itself for an identity Dropout).
const float* backward_layer(const KernelSet& k, const Layer& l, const float* x, const float* dy,
                            size_t rows, bool need_dx) {
  const size_t n = rows * l.in;
  switch (l.op) {
    case Op::batch_norm:
    case Op::layer_norm:
      // Their backward with the affine parameters; without them
      // backwardParams has nothing to do. The first layer computes the
      // parameter gradients only (dx null: the same dw, db).
      if (!need_dx && l.w == nullptr) return nullptr;
      if (l.op == Op::batch_norm) {
        k.norm->batch_norm_backward(dy, l.xhat, l.rstd, l.w, need_dx ? l.dx : nullptr, l.dw, l.db,
                                    rows, l.in, true);
      } else {
        k.norm->layer_norm_backward(dy, l.xhat, l.rstd, l.w, need_dx ? l.dx : nullptr, l.dw, l.db,
                                    rows, l.in);
      }
      return need_dx ? l.dx : nullptr;
    case Op::dense: {
      const float* dz = dense_param_grads(k, l, x, dy, rows);
      if (!need_dx) return nullptr;
      gemm(k.gemm, dz, l.w, l.dx, rows, l.in, l.out, false, true, 1, 0);
      return l.dx;
    }
    case Op::prelu: {
      // PReLU.backward: the kernel overwrites dα in the scratch, which is
      // then added into the gradient in float32 (layers accumulate). It has
      // parameters, so backwardParams runs the full backward too.
      k.act->prelu_backward(x, l.w, dy, l.dx, l.scratch, rows * l.in / l.alpha_count,
                            l.alpha_count);
      for (size_t i = 0; i < l.alpha_count; ++i) l.dw[i] = l.dw[i] + l.scratch[i];
      return l.dx;
    }
    case Op::embedding:
      // Embedding.backward: backwardParams, then a zero dx (indices have no gradient).
      embedding_param_grads(l, x, dy, rows);
      if (!need_dx) return nullptr;
      std::memset(l.dx, 0, n * sizeof(float));
      return l.dx;
    case Op::concat:
      // Concat.backward: backwardParams, then dx.
      concat_param_grads(l, x, dy, rows);
      if (!need_dx) return nullptr;
      concat_dx(l, dy, rows);
      return l.dx;
    default:
      break;
  }
  if (!need_dx) return nullptr;  // Layer.backwardParams: no parameters, nothing to do
  switch (l.op) {
    case Op::relu:
      k.act->relu_backward(x, dy, l.dx, n);
      break;
    case Op::leaky_relu:
      k.act->leaky_relu_backward(x, dy, l.dx, n, l.alpha);
      break;
    case Op::elu:
      k.act->elu_backward(x, dy, l.dx, n, l.alpha);
      break;
    case Op::sigmoid:
      k.act->sigmoid_backward(l.y, dy, l.dx, n);
      break;
    case Op::tanh:
      k.act->tanh_backward(l.y, dy, l.dx, n);
      break;
    case Op::dropout:
      // Dropout.backward: the identity when the forward drew no mask.
      if (!(l.p > 0)) return dy;
      k.norm->dropout_backward(dy, l.mask, l.dx, n);
      break;
    default:
      break;
  }
  return l.dx;
}

// The forward pass of every layer from x; returns the model's output. With
// `outs`, each layer's output (its y, or its input for an identity Dropout)
// goes to outs[i]: the next layer's backward takes it as its x. Null at a bad
// index: the later layers did not run.
const float* forward_all(const Plan& p, const float* x, size_t rows, bool training,
                         const float** outs, BadIndex* bad) {
  const float* h = x;
  for (size_t i = 0; i < p.layers.size(); ++i) {
    h = forward_layer(p.k, p.layers[i], h, rows, training, bad);
    if (h == nullptr) {
      bad->layer = i;
      return nullptr;
    }
    if (outs != nullptr) outs[i] = h;
  }
  return h;
}

// lib/train/loss.ts: the loss kernel on the batch; writes dL/dpred.
double compute_loss(const Plan& p, const float* pred, const int32_t* labels, const float* targets,
                    float* grad, size_t rows) {
  const size_t w = p.out_features;
  switch (p.loss) {
    case Loss::mse:
      return p.k.loss->mse(pred, targets, grad, rows * w);
    case Loss::bce:
      return p.k.loss->bce(pred, targets, grad, rows * w);
    case Loss::softmax_ce:
      return labels != nullptr ? p.k.loss->softmax_ce_labels(pred, labels, grad, rows, w)
                               : p.k.loss->softmax_ce(pred, targets, grad, rows, w);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// metrics.ts argmax: the first index of the largest value; -1 when the row
// holds a NaN (a NaN prediction names no class).
long argmax(const float* a, size_t w) {
  long best = 0;
  float v = a[0];
  if (v != v) return -1;
  for (size_t j = 1; j < w; ++j) {
    if (a[j] != a[j]) return -1;
    if (a[j] > v) {
      v = a[j];
      best = static_cast<long>(j);
    }
  }
  return best;
}

// metrics.ts Metric.sum, one batch.
double metric_sum(Metric m, const float* pred, const int32_t* labels, const float* targets,
                  size_t rows, size_t w) {
  double s = 0;
  switch (m) {
    case Metric::categorical:
      for (size_t r = 0; r < rows; ++r) {
        const long want =
            labels != nullptr ? static_cast<long>(labels[r]) : argmax(targets + r * w, w);
        const long got = argmax(pred + r * w, w);
        if (got >= 0 && got == want) s += 1;
      }
      break;
    case Metric::binary_logit:
    case Metric::binary_value: {
      const float threshold = m == Metric::binary_logit ? 0.0f : 0.5f;
      for (size_t i = 0; i < rows * w; ++i) {
        if (pred[i] != pred[i]) continue;  // a NaN prediction is never a hit
        const bool want = targets != nullptr ? targets[i] >= 0.5f : false;
        if ((pred[i] > threshold) == want) s += 1;
      }
      break;
    }
    case Metric::mae:
      if (targets != nullptr) {
        for (size_t i = 0; i < rows * w; ++i) {
          s += std::fabs(static_cast<double>(pred[i]) - static_cast<double>(targets[i]));
        }
      } else {
        for (size_t r = 0; r < rows; ++r) {
          for (size_t j = 0; j < w; ++j) {
            const double t = static_cast<size_t>(labels[r]) == j ? 1.0 : 0.0;
            s += std::fabs(static_cast<double>(pred[r * w + j]) - t);
          }
        }
      }
      break;
  }
  return s;
}

// Optimizer.clipScale: the global norm over every span (sums in double, in
// span order), and the float32 factor, 1 when off or within the bound.
float clip_scale(const Plan& p, double* norm_out) {
  if (!(p.clip_norm > 0)) {
    *norm_out = std::numeric_limits<double>::quiet_NaN();
    return 1;
  }
  double sum = 0;
  for (const Span& s : p.spans) sum += p.k.optim->sum_squares(s.grad, s.n);
  const double norm = std::sqrt(sum);
  *norm_out = norm;
  return std::isfinite(norm) && norm > p.clip_norm ? f(p.clip_norm / norm) : 1.0f;
}

optim::StepResult step_span(const Plan& p, const Span& s, const optim::Scalars& x) {
  switch (s.kind) {
    case OptKind::sgd:
      return p.k.optim->sgd(s.value, s.grad, s.n, x);
    case OptKind::momentum:
      return p.k.optim->momentum(s.value, s.grad, s.s0, s.n, x);
    case OptKind::rms:
      return p.k.optim->rms(s.value, s.grad, s.s0, s.n, x);
    case OptKind::adam:
      return p.k.optim->adam(s.value, s.grad, s.s0, s.s1, s.n, x);
  }
  return 0;
}

// Optimizer.step: one kernel per span with the scalars TypeScript recorded,
// guarded as there: one span is checked and written by one call (guard 1);
// several are all checked first (guard 2), then written (guard 0). Returns
// false, having written nothing, when a span refuses.
bool update(const Plan& p, const float* scalars, float scale, ChunkResult* res) {
  const size_t n = p.spans.size();
  auto block = [&](size_t i, float guard) {
    optim::Scalars x;
    std::memcpy(&x, scalars + i * kScalarStride, sizeof x);
    x.scale = scale;
    x.guard = guard;
    return x;
  };
  for (size_t i = 0; i < n; ++i) {
    const optim::StepResult code = step_span(p, p.spans[i], block(i, n == 1 ? 1.0f : 2.0f));
    if (code != 0) {
      res->refused = true;
      res->refused_span = i;
      res->refused_code = code;
      return false;
    }
  }
  if (n > 1) {
    for (size_t i = 0; i < n; ++i) step_span(p, p.spans[i], block(i, 0.0f));
  }
  return true;
}

// BatchBuffers.gather: rows order[begin..begin+rows) into the batch buffers.
void gather(const Plan& p, const Data& d, const int32_t* order, size_t rows) {
  const size_t f = p.in_features, w = p.target_width;
  for (size_t i = 0; i < rows; ++i) {
    const size_t r = static_cast<size_t>(order[i]);
    std::memcpy(p.xb + i * f, d.x + r * f, f * sizeof(float));
    if (d.labels != nullptr) {
      p.lb[i] = d.labels[r];
    } else {
      std::memcpy(p.tb + i * w, d.targets + r * w, w * sizeof(float));
    }
  }
}

// Math.sign: ±1, or v itself for ±0 and NaN.
inline double sign(double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v; }

// applyRegularizers(list, false): the total penalty at the current values,
// sums in float64 in index order.
double penalty(const Plan& p) {
  double total = 0;
  for (const Reg& r : p.regs) {
    double s1 = 0, s2 = 0;
    for (size_t i = 0; i < r.n; ++i) {
      const double v = r.w[i];
      s1 += std::fabs(v);
      s2 += v * v;
    }
    total += r.l1 * s1 + r.l2 * s2;
  }
  return total;
}

// applyRegularizers(list, true)'s gradient: g += l1·sign(v) + 2·l2·v, in
// float64, rounded once to float32 (a Float32Array store).
void add_penalty_grads(const Plan& p) {
  for (const Reg& r : p.regs) {
    for (size_t i = 0; i < r.n; ++i) {
      const double v = r.w[i];
      r.g[i] = f(static_cast<double>(r.g[i]) + (r.l1 * sign(v) + 2.0 * r.l2 * v));
    }
  }
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Data-parallel: the tail's slots (plan.h, Reducer).
enum Tail : size_t {
  kLossRows = 0,
  kRows = 1,
  kDeadline = 2,
  kStop = 3,
  kAbort = 4,
  kBadIndex = 5
};

// One step's allreduce (plan.h, Reducer): returns false when it failed.
bool reduce_step(const Plan& p, const Reducer& r, double loss, size_t rows, bool deadline,
                 const ChunkArgs& a, bool bad_index, ChunkResult* res) {
  float* buf = r.buf;
  const size_t n = p.grads_n;
  const bool one = r.world_size == 1;  // a sum over one rank is the value itself: no copies
  if (!one) std::memcpy(buf, p.grads, n * sizeof(float));
  // As DataParallel.reduceLoss: loss·rows rounded to float32, summed in float32.
  buf[n + kLossRows] = f(loss * static_cast<double>(rows));
  buf[n + kRows] = static_cast<float>(rows);
  buf[n + kDeadline] = deadline ? 1.0f : 0.0f;
  buf[n + kStop] = a.stop ? 1.0f : 0.0f;
  buf[n + kAbort] = a.abort ? 1.0f : 0.0f;
  buf[n + kBadIndex] = bad_index ? 1.0f : 0.0f;
  char err[512] = {0};
  if (r.allreduce_sum(r.ctx, buf, n + kReduceTail, err, sizeof err) != 0) {
    res->failed = true;
    res->error = err[0] != 0 ? err : "allReduce failed";
    return false;
  }
  // As Group::allreduce's mean: the float32 sum divided by the world size.
  const float w = static_cast<float>(r.world_size);
  for (size_t i = 0; i < n && !one; ++i) p.grads[i] = buf[i] / w;
  return true;
}

}  // namespace

ChunkResult run_chunk(const Plan& p, const ChunkArgs& a) {
  ChunkResult res;
  const int64_t start = now_ns();
  const size_t nm = p.metrics.size();
  const size_t last = p.layers.size() - 1;
  const Reducer* dp = a.reducer;
  const size_t epoch_rows = a.epoch_rows > 0 ? a.epoch_rows : a.data.rows;
  std::vector<const float*> outs(p.layers.size());
  for (size_t i = 0; i < a.count; ++i) {
    const size_t begin = (a.first + i) * a.batch;
    const size_t end = begin + a.batch < epoch_rows ? begin + a.batch : epoch_rows;
    const size_t rows = end - begin;
    gather(p, a.data, a.order + begin, rows);
    // fit: model.zeroGrad(); forward; loss.
    std::memset(p.grads, 0, p.grads_n * sizeof(float));
    const float* pred = forward_all(p, p.xb, rows, true, outs.data(), &res.bad_index);
    if (pred == nullptr) {
      // A bad index: no loss, no backward, no update. Data-parallel: this
      // rank's gradients are the zeros of zeroGrad, and the tail's bad-index
      // flag makes every rank leave the chunk at this step.
      if (dp != nullptr) reduce_step(p, *dp, 0.0, rows, false, a, true, &res);
      break;
    }
    const int32_t* labels = a.data.labels != nullptr ? p.lb : nullptr;
    const float* targets = a.data.labels != nullptr ? nullptr : p.tb;
    const double loss = compute_loss(p, pred, labels, targets, p.dloss, rows);
    // fit.ts: loss += penalty (0 without regularisers), at the weights before the update.
    const double pen = p.regs.empty() ? 0.0 : penalty(p);
    if (a.penalty != nullptr) a.penalty[i] = pen;
    a.loss[i] = loss + pen;
    // Data-parallel ranks decide on the loss summed over ranks, after the allreduce.
    if (!std::isfinite(a.loss[i]) && dp == nullptr) {
      res.non_finite = true;
      break;
    }
    for (size_t j = 0; j < nm; ++j) {
      a.msum[i * nm + j] = metric_sum(p.metrics[j], pred, labels, targets, rows, p.out_features);
    }
    // Sequential.backward(g, { inputGradient: false }): layers last..1 with
    // dX, the first one parameters only. (A data-parallel rank whose own loss
    // is not finite contributes zero gradients; no rank applies that step.)
    if (std::isfinite(loss)) {
      const float* g = p.dloss;
      for (size_t li = last; li >= 1; --li) {
        g = backward_layer(p.k, p.layers[li], outs[li - 1], g, rows, true);
      }
      backward_layer(p.k, p.layers[0], p.xb, g, rows, false);
    }
    bool deadline = false;  // data-parallel: the chunk ends where some rank's budget ran out
    if (dp != nullptr) {
      const bool mine = a.budget_ns > 0 && now_ns() - start >= a.budget_ns;
      if (!reduce_step(p, *dp, loss, rows, mine, a, false, &res)) break;
      const float* tail = dp->buf + p.grads_n;
      // Another rank met a bad index at this step: no rank applies it.
      if (tail[kBadIndex] > 0) {
        res.peer_bad_index = true;
        break;
      }
      // fit.ts's order: an abort, then a stop, then a non-finite loss.
      if (tail[kAbort] > 0 || tail[kStop] > 0) {
        res.agreed_abort = tail[kAbort] > 0;
        res.agreed_stop = !res.agreed_abort;
        break;
      }
      // As reduceLoss: one rank keeps its own loss, unrounded (plain fit's numbers).
      if (dp->world_size > 1) {
        a.loss[i] = static_cast<double>(tail[kLossRows]) / static_cast<double>(tail[kRows]) + pen;
      }
      if (!std::isfinite(a.loss[i])) {
        res.non_finite = true;
        break;
      }
      deadline = tail[kDeadline] > 0;
    }
    // fit.ts: model.regularization(true) after backward (and the reduction).
    if (!p.regs.empty()) add_penalty_grads(p);
    double norm = 0;
    const float scale = clip_scale(p, &norm);
    a.norms[i] = norm;
    if (!update(p, a.scalars + i * p.spans.size() * kScalarStride, scale, &res)) break;
    res.done = i + 1;
    if (dp != nullptr ? deadline : a.budget_ns > 0 && now_ns() - start >= a.budget_ns) break;
  }
  res.elapsed_ns = now_ns() - start;
  return res;
}

BadIndex run_forward(const Plan& p, const ForwardArgs& a) {
  const size_t f = p.in_features, w = p.out_features, nm = p.metrics.size();
  const size_t tw = p.target_width;
  size_t bi = 0;
  BadIndex bad;
  for (size_t begin = 0; begin < a.data.rows; begin += a.batch, ++bi) {
    const size_t rows = begin + a.batch < a.data.rows ? a.batch : a.data.rows - begin;
    const float* pred = forward_all(p, a.data.x + begin * f, rows, false, nullptr, &bad);
    if (pred == nullptr) return bad;
    if (a.out != nullptr) std::memcpy(a.out + begin * w, pred, rows * w * sizeof(float));
    if (a.loss == nullptr) continue;
    const int32_t* labels = a.data.labels != nullptr ? a.data.labels + begin : nullptr;
    const float* targets = a.data.targets != nullptr ? a.data.targets + begin * tw : nullptr;
    a.loss[bi] = compute_loss(p, pred, labels, targets, p.dloss, rows);
    for (size_t j = 0; j < nm; ++j) {
      a.msum[bi * nm + j] = metric_sum(p.metrics[j], pred, labels, targets, rows, w);
    }
  }
  return bad;
}

}  // namespace plan
}  // namespace nodegrad
