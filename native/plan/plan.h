// The training plan: one model's training step (gather the batch, forward,
// loss, backward, clip, update) and its forward-only pass, as plain data over
// buffer pointers into memory JavaScript owns. Compiled once per fit by the
// binding from a description the TypeScript side builds; run by one call per
// chunk of steps. It calls the kernel families' own functions (native/kernels)
// in exactly the order the step-by-step API does, so a step gives the same
// bits as Sequential.forward + loss + backward + Optimizer.step.
//
// No N-API here (native/plan never includes it): the binding owns pinning,
// argument checks and the AsyncWorker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../kernels/activations.h"
#include "../kernels/gemm.h"
#include "../kernels/losses.h"
#include "../kernels/norm.h"
#include "../kernels/optim.h"

namespace nodegrad {
namespace plan {

// Every family's kernel table for the ISA in use.
struct KernelSet {
  const GemmKernels* gemm;
  const ActivationKernels* act;
  const LossKernels* loss;
  const optim::OptimKernels* optim;
  const NormKernels* norm;
};

// Layer kinds, with the numbers lib/train/plan-compile.ts uses.
enum class Op : int {
  dense = 0,
  relu = 1,
  leaky_relu = 2,
  elu = 3,
  sigmoid = 4,
  tanh = 5,
  prelu = 6,
  dropout = 7,
  batch_norm = 8,
  layer_norm = 9,
  embedding = 10,
  concat = 11
};

// Dense's activation, as FusedActivation in lib/backend/gemm.ts.
enum class DenseAct : int {
  none = 0,
  relu = 1,
  leaky_relu = 2,
  elu = 3,
  sigmoid = 4,
  tanh = 5,
  gelu = 6,
  gelu_tanh = 7,
  silu = 8
};

// One layer. Buffers hold `capacity` rows (the plan's largest batch):
//   y   output [rows, out]
//   z   Dense pre-activation where the backward needs x, not y (!fused: elu,
//       gelu, silu, or leakyRelu with alpha < 0): the epilogue stores it
//   dz  Dense: gradient w.r.t. the pre-activation (unused without activation)
//   dx  gradient w.r.t. the layer's input (unused for the first layer)
// Normalisation and dropout (lib/layers/{batch-norm,layer-norm,dropout}.ts):
//   BatchNorm1d, LayerNorm: w, b the affine weight and bias (both null
//       without affine), xhat [rows, in], rstd the float64 statistics the
//       forward writes for the backward (`in` values for BatchNorm1d,
//       `capacity` for LayerNorm); BatchNorm1d's running_mean / running_var
//       (`in` each) and num_batches_tracked (one float32), all null without
//       trackRunningStats.
//   Dropout: p, the mask [rows, in] and the layer's xoshiro128** state
//       (Rng.state, advanced in place); the identity (its input is its
//       output, nothing drawn) outside training or with p = 0.
// A Concat branch (lib/layers/concat.ts): input columns, its output offset and
// width, and an Embedding (num >= 1: its table w [num, dim] and gradient dw)
// or none (num = 0: the columns pass through).
struct Branch {
  std::vector<size_t> columns;
  size_t offset = 0, width = 0;
  size_t num = 0, dim = 0;
  const float* w = nullptr;
  float* dw = nullptr;
};

// Embedding and Concat (lib/layers/{embedding,concat}.ts):
//   Embedding: w the table [num_embeddings, dim], dw its gradient; the input
//       [rows, in] holds float indices, the output [rows, in·dim] their rows.
//   Concat: its branches, in order.
// Every index is checked where it is read (integer-valued, in [0, num)):
// JavaScript owns the data and may change it between chunks.
struct Layer {
  Op op = Op::dense;
  size_t in = 0, out = 0;
  DenseAct act = DenseAct::none;
  bool fused = true;
  float alpha = 0;
  float* w = nullptr;   // Dense [in, out]; PReLU alpha [in or 1]
  float* b = nullptr;   // Dense bias [out] or null
  float* dw = nullptr;  // gradients, laid out as w and b
  float* db = nullptr;
  float* scratch = nullptr;  // PReLU: d(alpha) of one batch before it is added
  size_t alpha_count = 0;    // PReLU: 1 (shared) or `in`
  float* y = nullptr;
  float* z = nullptr;
  float* dz = nullptr;
  float* dx = nullptr;
  double eps = 0, momentum = 0;  // BatchNorm1d, LayerNorm
  float* xhat = nullptr;
  double* rstd = nullptr;
  float* running_mean = nullptr;
  float* running_var = nullptr;
  float* tracked = nullptr;
  double p = 0;  // Dropout
  float scale = 1;
  float* mask = nullptr;
  uint32_t* state = nullptr;
  size_t num_embeddings = 0, dim = 0;  // Embedding
  std::vector<Branch> branches;        // Concat
};

// The index that stopped a forward pass (Embedding.checkIndices's RangeError
// in TypeScript): the layer, the Concat branch (0 for an Embedding), the row
// of the batch, the column of the layer's input and the value.
struct BadIndex {
  bool bad = false;
  size_t layer = 0, branch = 0, row = 0, col = 0;
  double value = 0;
};

enum class Loss : int { mse = 0, softmax_ce = 1, bce = 2 };

// Batch metrics, as lib/train/metrics.ts computes them (each a batch SUM).
enum class Metric : int { categorical = 0, binary_logit = 1, binary_value = 2, mae = 3 };

// Optimizer kernels; the per-step scalars come from TypeScript.
enum class OptKind : int { sgd = 0, momentum = 1, rms = 2, adam = 3 };

// Scalars per span per step: one optim::Scalars block (kScalarCount floats,
// the layout of OPTIM_SCALARS in lib/backend/optim-scalars.ts) as the
// optimizer's own update function built it in TypeScript; the plan sets its
// `scale` (the clip factor, known only at run time) and `guard` fields.
constexpr size_t kScalarStride = optim::kScalarCount;

// A coalesced span of parameters updated by one kernel call, as
// lib/optim/base.ts forms them; s0/s1 are its state slots (m, v) or null.
struct Span {
  OptKind kind = OptKind::sgd;
  float* value = nullptr;
  float* grad = nullptr;
  float* s0 = nullptr;
  float* s1 = nullptr;
  size_t n = 0;
};

// A kernelRegularizer (lib/layers/regularizer.ts): the L1/L2 penalty of one
// parameter, w and g its value and gradient (n floats each).
struct Reg {
  const float* w = nullptr;
  float* g = nullptr;
  size_t n = 0;
  double l1 = 0, l2 = 0;
};

struct Plan {
  KernelSet k{};
  std::vector<Layer> layers;
  size_t in_features = 0, out_features = 0, capacity = 0;
  // The whole gradient arena, zeroed at the start of each step.
  float* grads = nullptr;
  size_t grads_n = 0;
  // Batch buffers [capacity, ...]: inputs, targets (labels or values), dL/dy.
  float* xb = nullptr;
  int32_t* lb = nullptr;
  float* tb = nullptr;
  size_t target_width = 0;
  float* dloss = nullptr;
  Loss loss = Loss::mse;
  std::vector<Metric> metrics;
  std::vector<Span> spans;
  double clip_norm = 0;  // <= 0: off
  // The model's regularised parameters, in its order (Sequential.regularization).
  std::vector<Reg> regs;
  // Some layer reads indices (Embedding, Concat with an Embedding): the run
  // calls then take a status array for a BadIndex.
  bool has_indices = false;
};

// The data set a chunk gathers from (rows in `order` index its rows).
struct Data {
  const float* x = nullptr;
  const int32_t* labels = nullptr;  // softmax cross-entropy with labels, else null
  const float* targets = nullptr;   // values [rows, target_width], else null
  size_t rows = 0;
};

// One chunk of training steps: batch b (b = first .. first+count-1) takes rows
// order[b*batch .. min((b+1)*batch, rows)). scalars holds count * spans *
// kScalarStride values. A refused update stops the chunk at that batch (its
// loss and metric sums are written, as fit computes them before the step). Per step it writes
// loss[i], metric sums msum[i*metrics + j] and the global gradient norm norms[i] (NaN when clipping
// is off). With regularisers, loss[i] includes the penalty, written alone to
// penalty[i]; its gradient is added after backward (and the allreduce), as fit.ts does. Stops
// early, after at least one step, once `deadline_ns` of steady-clock time has passed (0: never), or
// at a batch whose loss is not finite: that batch's loss is written, its backward and update are
// not run. Data-parallel training: the process group's allreduce (lent by the collectives addon,
// native/collectives/reducer_abi.h) and a scratch of grads_n + kReduceTail floats. With a reducer,
// each step of a chunk copies the gradient arena into buf, appends the tail [loss·rows, rows,
// deadline passed, stop asked, abort asked, bad index met], sums buf over the ranks in one
// allreduce and writes buf / world_size back into the arena. The summed tail makes every rank take
// the same decisions (a non-finite loss anywhere, the end of the chunk, a stop, an abort or a bad
// index), so every rank runs the same steps.
constexpr size_t kReduceTail = 6;
struct Reducer {
  void* ctx = nullptr;
  int (*allreduce_sum)(void* ctx, float* data, size_t n, char* err, size_t err_len) = nullptr;
  int world_size = 1;
  float* buf = nullptr;
};

struct ChunkArgs {
  Data data;
  const int32_t* order = nullptr;
  size_t batch = 0;
  size_t first = 0;
  size_t count = 0;
  const float* scalars = nullptr;
  double* loss = nullptr;
  double* msum = nullptr;
  double* norms = nullptr;
  double* penalty = nullptr;  // with regularisers only
  int64_t budget_ns = 0;
  // Data-parallel only: the group, the length of this rank's epoch order
  // (its shard; 0: data.rows), and this rank's stop / abort requests.
  const Reducer* reducer = nullptr;
  size_t epoch_rows = 0;
  bool stop = false;
  bool abort = false;
};

struct ChunkResult {
  size_t done = 0;          // steps whose update was applied
  bool non_finite = false;  // batch first+done stopped the chunk: its loss is not finite
  // Or its update was refused (Optimizer.step's guard: a new value would not
  // be finite; nothing was written): the span and the kernel's code.
  bool refused = false;
  size_t refused_span = 0;
  double refused_code = 0;
  int64_t elapsed_ns = 0;
  // Data-parallel: some rank asked to stop or abort (batch first+done was not
  // applied), or the allreduce failed (a timeout, a lost peer): `error` says so.
  bool agreed_stop = false;
  bool agreed_abort = false;
  bool failed = false;
  std::string error;
  // Batch first+done held an index its Embedding cannot look up: nothing of
  // that step after the failing layer's forward ran (data-parallel: this rank
  // sent zero gradients and the bad-index flag of the tail, so every rank
  // leaves the chunk at that step; the others set peer_bad_index).
  BadIndex bad_index;
  bool peer_bad_index = false;
};

ChunkResult run_chunk(const Plan& p, const ChunkArgs& a);

// Forward-only over rows [0, rows) of x in batches of `batch` rows:
// the predictions are written to out [rows, out_features] when out is not
// null; with targets (labels or values) the loss and metric sums of each batch
// go to loss[i] / msum[i*metrics + j] (the loss gradient is written to dloss
// and ignored, as Evaluation does in TypeScript).
struct ForwardArgs {
  Data data;
  size_t batch = 0;  // rows per batch, 1..capacity
  float* out = nullptr;
  double* loss = nullptr;
  double* msum = nullptr;
};

// Training steps run the layers in training mode (BatchNorm1d on batch
// statistics, moving the running ones; Dropout drawing masks); the forward
// pass in evaluation mode (BatchNorm1d on its running statistics, or on the
// batch's without trackRunningStats; Dropout the identity), as
// Sequential.forward(x, training) does.
// Stops at a batch holding a bad index (nothing of it is written to out) and
// returns it; else returns bad = false.
BadIndex run_forward(const Plan& p, const ForwardArgs& a);

}  // namespace plan
}  // namespace nodegrad
