// N-API layer of the training plan (native/plan): planCreate builds a Plan
// from the description lib/train/plan-compile.ts makes, planChunk /
// planChunkAsync run chunks of training steps, planForward /
// planForwardAsync the forward-only pass.
//
// Pinning. Every typed array the plan points into is passed once at
// creation in `pins` and again with every run call; the run checks that each
// still has the same data pointer and length (a detached or swapped buffer is
// refused, never used). The async calls hold a reference to `pins` and to
// every data array until the worker has finished, so nothing is collected
// while Execute() runs; Execute() touches no V8 object. The plan itself lives
// in an External with a finalizer: it is freed when the last JS handle goes.
#include "../plan/plan.h"

#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "../collectives/reducer_abi.h"
#include "../registry.h"
#include "args.h"
#include "register.h"

namespace nodegrad {
namespace binding {
namespace {

struct Pin {
  const void* data;
  size_t bytes;
};

struct Handle {
  plan::Plan plan;
  std::vector<Pin> pins;
  // Data-parallel chunks: the allreduce scratch (plan.h, Reducer), native
  // memory JavaScript never sees; sized on the main thread before a chunk.
  std::vector<float> reduce_buf;
  plan::Reducer reducer;
};

// The plan runs the tables the addon's own kernel functions run (the one
// registry, native/registry.h), so its steps are those of the step-by-step API.
plan::KernelSet kernel_set(const KernelRegistry& reg) {
  return {reg.gemm, reg.activations, reg.losses, reg.optim, reg.norm};
}

[[noreturn]] void fail(Napi::Env env, const std::string& msg) {
  throw Napi::TypeError::New(env, "plan: " + msg);
}

Pin pin_of(Napi::Env env, Napi::Value v, const std::string& name) {
  if (!v.IsTypedArray()) fail(env, name + " must be a typed array");
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  Napi::ArrayBuffer ab = a.ArrayBuffer();
  const uint8_t* base = static_cast<const uint8_t*>(ab.Data());
  return {base == nullptr ? nullptr : base + a.ByteOffset(), a.ByteLength()};
}

double num(Napi::Env env, Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) fail(env, std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

size_t count(Napi::Env env, Napi::Object o, const char* key) {
  const double d = num(env, o, key);
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<size_t>(d))) {
    fail(env, std::string(key) + " must be a non-negative integer");
  }
  return static_cast<size_t>(d);
}

// The typed array type of T, and its name for errors.
template <class T>
struct ArrayType;
template <>
struct ArrayType<float> {
  static constexpr napi_typedarray_type type = napi_float32_array;
  static constexpr const char* name = " must be a Float32Array";
};
template <>
struct ArrayType<int32_t> {
  static constexpr napi_typedarray_type type = napi_int32_array;
  static constexpr const char* name = " must be an Int32Array";
};
template <>
struct ArrayType<double> {
  static constexpr napi_typedarray_type type = napi_float64_array;
  static constexpr const char* name = " must be a Float64Array";
};
template <>
struct ArrayType<uint32_t> {
  static constexpr napi_typedarray_type type = napi_uint32_array;
  static constexpr const char* name = " must be a Uint32Array";
};

// A buffer of the description: a typed array of T (ArrayType) of at least
// `need` elements, or null when `optional` and absent. It must be one of the pins.
template <class T>
T* buffer(Napi::Env env, Napi::Object o, const char* key, size_t need, bool optional,
          const std::vector<Pin>& pins) {
  Napi::Value v = o.Get(key);
  if (v.IsNull() || v.IsUndefined()) {
    if (optional) return nullptr;
    fail(env, std::string(key) + " is missing");
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != ArrayType<T>::type) {
    fail(env, std::string(key) + ArrayType<T>::name);
  }
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (a.ElementLength() < need) {
    fail(env, std::string(key) + " must have at least " + std::to_string(need) + " elements, got " +
                  std::to_string(a.ElementLength()));
  }
  const Pin p = pin_of(env, v, key);
  if (need == 0) return nullptr;
  bool pinned = false;
  for (const Pin& q : pins) {
    const uint8_t* qb = static_cast<const uint8_t*>(q.data);
    const uint8_t* pb = static_cast<const uint8_t*>(p.data);
    if (qb != nullptr && pb >= qb && pb + need * sizeof(T) <= qb + q.bytes) pinned = true;
  }
  if (!pinned) fail(env, std::string(key) + " is not inside one of the pinned buffers");
  return static_cast<T*>(const_cast<void*>(p.data));
}

void finalize(Napi::Env, Handle* h) { delete h; }

// planCreate(desc, pins) -> External
Napi::Value plan_create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject() || !info[1].IsArray()) fail(env, "planCreate(desc, pins)");
  Napi::Object d = info[0].As<Napi::Object>();
  Napi::Array pa = info[1].As<Napi::Array>();
  auto h = std::make_unique<Handle>();
  for (uint32_t i = 0; i < pa.Length(); ++i) {
    h->pins.push_back(pin_of(env, pa.Get(i), "pins[" + std::to_string(i) + "]"));
  }
  const std::vector<Pin>& pins = h->pins;
  plan::Plan& p = h->plan;
  p.k = kernel_set(tables(info));
  p.in_features = count(env, d, "inFeatures");
  p.out_features = count(env, d, "outFeatures");
  p.capacity = count(env, d, "capacity");
  p.target_width = count(env, d, "targetWidth");
  if (p.in_features == 0 || p.out_features == 0 || p.capacity == 0) {
    fail(env, "inFeatures, outFeatures and capacity must be >= 1");
  }
  const size_t loss = count(env, d, "loss");
  if (loss > 2) fail(env, "loss must be 0..2");
  p.loss = static_cast<plan::Loss>(loss);
  p.clip_norm = num(env, d, "clipNorm");
  const size_t cap = p.capacity;
  p.grads_n = count(env, d, "gradsLength");
  p.grads = buffer<float>(env, d, "grads", p.grads_n, true, pins);
  p.xb = buffer<float>(env, d, "xb", cap * p.in_features, false, pins);
  p.lb = buffer<int32_t>(env, d, "lb", cap, true, pins);
  p.tb = buffer<float>(env, d, "tb", cap * p.target_width, true, pins);
  p.dloss = buffer<float>(env, d, "dloss", cap * p.out_features, false, pins);
  const bool training = p.grads != nullptr;

  Napi::Value mv = d.Get("metrics");
  if (!mv.IsArray()) fail(env, "metrics must be an array");
  Napi::Array ma = mv.As<Napi::Array>();
  for (uint32_t i = 0; i < ma.Length(); ++i) {
    Napi::Value m = ma.Get(i);
    if (!m.IsNumber()) fail(env, "metrics[] must be numbers");
    const int v = m.As<Napi::Number>().Int32Value();
    if (v < 0 || v > 3) fail(env, "metrics[] must be 0..3");
    p.metrics.push_back(static_cast<plan::Metric>(v));
  }

  Napi::Value lv = d.Get("layers");
  if (!lv.IsArray() || lv.As<Napi::Array>().Length() == 0)
    fail(env, "layers must be a non-empty array");
  Napi::Array la = lv.As<Napi::Array>();
  size_t features = p.in_features;
  for (uint32_t i = 0; i < la.Length(); ++i) {
    if (!la.Get(i).IsObject()) fail(env, "layers[] must be objects");
    Napi::Object o = la.Get(i).As<Napi::Object>();
    plan::Layer l;
    const size_t op = count(env, o, "op");
    if (op > 11) fail(env, "layers[].op must be 0..11");
    l.op = static_cast<plan::Op>(op);
    l.in = count(env, o, "in");
    l.out = count(env, o, "out");
    if (l.in != features || l.in == 0 || l.out == 0)
      fail(env, "layers[].in must follow the previous layer");
    const bool reshapes =
        l.op == plan::Op::dense || l.op == plan::Op::embedding || l.op == plan::Op::concat;
    if (!reshapes && l.out != l.in) fail(env, "an elementwise layer keeps its width");
    features = l.out;
    l.alpha = static_cast<float>(num(env, o, "alpha"));
    l.y = buffer<float>(env, o, "y", cap * l.out, false, pins);
    // Backward buffers only for a training plan (one with a gradient arena).
    const bool prelu = l.op == plan::Op::prelu;
    const size_t dx_need = training && (i > 0 || prelu) ? cap * l.in : 0;
    l.dx = buffer<float>(env, o, "dx", dx_need, dx_need == 0, pins);
    if (l.op == plan::Op::dense) {
      const size_t act = count(env, o, "act");
      if (act > 8) fail(env, "layers[].act must be 0..8");
      l.act = static_cast<plan::DenseAct>(act);
      l.fused = o.Get("fused").ToBoolean().Value();
      // !fused keeps z, for a backward that takes x (relu, sigmoid, tanh take y).
      const bool from_y = l.act == plan::DenseAct::relu || l.act == plan::DenseAct::sigmoid ||
                          l.act == plan::DenseAct::tanh;
      if (!l.fused && (from_y || l.act == plan::DenseAct::none)) {
        fail(env, "only elu, leakyRelu, gelu and silu keep their pre-activation");
      }
      l.w = buffer<float>(env, o, "w", l.in * l.out, false, pins);
      l.b = buffer<float>(env, o, "b", l.out, true, pins);
      if (training) {
        l.dw = buffer<float>(env, o, "dw", l.in * l.out, false, pins);
        l.db = l.b != nullptr ? buffer<float>(env, o, "db", l.out, false, pins) : nullptr;
      }
      l.z = buffer<float>(env, o, "z", l.fused ? 0 : cap * l.out, l.fused, pins);
      const size_t dz_need = training && l.act != plan::DenseAct::none ? cap * l.out : 0;
      l.dz = buffer<float>(env, o, "dz", dz_need, dz_need == 0, pins);
    } else if (prelu) {
      l.alpha_count = count(env, o, "alphaCount");
      if (l.alpha_count != 1 && l.alpha_count != l.in) fail(env, "alphaCount must be 1 or in");
      l.w = buffer<float>(env, o, "w", l.alpha_count, false, pins);
      if (training) {
        l.dw = buffer<float>(env, o, "dw", l.alpha_count, false, pins);
        l.scratch = buffer<float>(env, o, "scratch", l.alpha_count, false, pins);
      }
    } else if (l.op == plan::Op::dropout) {
      l.p = num(env, o, "p");
      if (!(l.p >= 0 && l.p < 1)) fail(env, "layers[].p must be in [0, 1)");
      // Dropout's scale: Math.fround(1 / (1 - p)).
      l.scale = static_cast<float>(1.0 / (1.0 - l.p));
      // A mask and the layer's random stream for the training steps that draw.
      const bool draws = training && l.p > 0;
      l.mask = buffer<float>(env, o, "mask", draws ? cap * l.in : 0, !draws, pins);
      l.state = buffer<uint32_t>(env, o, "state", draws ? 4 : 0, !draws, pins);
    } else if (l.op == plan::Op::batch_norm || l.op == plan::Op::layer_norm) {
      const bool bn = l.op == plan::Op::batch_norm;
      l.eps = num(env, o, "eps");
      if (!(l.eps > 0 && l.eps <= 3.4028234663852886e38)) fail(env, "layers[].eps must be > 0");
      l.w = buffer<float>(env, o, "w", l.in, true, pins);
      l.b = buffer<float>(env, o, "b", l.in, true, pins);
      if ((l.w == nullptr) != (l.b == nullptr)) fail(env, "layers[].w and b: both or neither");
      if (training && l.w != nullptr) {
        l.dw = buffer<float>(env, o, "dw", l.in, false, pins);
        l.db = buffer<float>(env, o, "db", l.in, false, pins);
      }
      l.xhat = buffer<float>(env, o, "xhat", cap * l.in, false, pins);
      l.rstd = buffer<double>(env, o, "rstd", bn ? l.in : cap, false, pins);
      if (bn) {
        l.momentum = num(env, o, "momentum");
        if (!(l.momentum >= 0 && l.momentum <= 1)) fail(env, "layers[].momentum must be in [0, 1]");
        l.running_mean = buffer<float>(env, o, "runningMean", l.in, true, pins);
        l.running_var = buffer<float>(env, o, "runningVar", l.in, true, pins);
        l.tracked = buffer<float>(env, o, "tracked", 1, true, pins);
        const bool any =
            l.running_mean != nullptr || l.running_var != nullptr || l.tracked != nullptr;
        const bool all =
            l.running_mean != nullptr && l.running_var != nullptr && l.tracked != nullptr;
        if (any && !all) fail(env, "layers[].runningMean, runningVar and tracked: all or none");
      }
    } else if (l.op == plan::Op::embedding) {
      l.num_embeddings = count(env, o, "numEmbeddings");
      l.dim = count(env, o, "dim");
      if (l.num_embeddings == 0 || l.dim == 0) fail(env, "numEmbeddings and dim must be >= 1");
      if (l.out != l.in * l.dim) fail(env, "an Embedding's out must be in * dim");
      l.w = buffer<float>(env, o, "w", l.num_embeddings * l.dim, false, pins);
      if (training) l.dw = buffer<float>(env, o, "dw", l.num_embeddings * l.dim, false, pins);
      p.has_indices = true;
    } else if (l.op == plan::Op::concat) {
      Napi::Value bv = o.Get("branches");
      if (!bv.IsArray() || bv.As<Napi::Array>().Length() == 0) {
        fail(env, "layers[].branches must be a non-empty array");
      }
      Napi::Array ba = bv.As<Napi::Array>();
      size_t offset = 0;
      for (uint32_t j = 0; j < ba.Length(); ++j) {
        if (!ba.Get(j).IsObject()) fail(env, "branches[] must be objects");
        Napi::Object bo = ba.Get(j).As<Napi::Object>();
        plan::Branch b;
        Napi::Value cv = bo.Get("columns");
        if (!cv.IsArray() || cv.As<Napi::Array>().Length() == 0) {
          fail(env, "branches[].columns must be a non-empty array");
        }
        Napi::Array ca = cv.As<Napi::Array>();
        for (uint32_t c = 0; c < ca.Length(); ++c) {
          Napi::Value v = ca.Get(c);
          const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
          if (!(d >= 0 && d < static_cast<double>(l.in)) ||
              d != static_cast<double>(static_cast<size_t>(d))) {
            fail(env, "branches[].columns[] must be columns of the input");
          }
          b.columns.push_back(static_cast<size_t>(d));
        }
        b.num = count(env, bo, "numEmbeddings");  // 0: the columns pass through
        b.offset = offset;
        if (b.num == 0) {
          b.width = b.columns.size();
        } else {
          b.dim = count(env, bo, "dim");
          if (b.dim == 0) fail(env, "branches[].dim must be >= 1");
          b.width = b.columns.size() * b.dim;
          b.w = buffer<float>(env, bo, "w", b.num * b.dim, false, pins);
          if (training) b.dw = buffer<float>(env, bo, "dw", b.num * b.dim, false, pins);
          p.has_indices = true;
        }
        offset += b.width;
        l.branches.push_back(std::move(b));
      }
      if (offset != l.out) fail(env, "a Concat's out must be the sum of its branches' widths");
    }
    p.layers.push_back(l);
  }
  if (features != p.out_features) fail(env, "the last layer's width must be outFeatures");

  Napi::Value sv = d.Get("spans");
  if (!sv.IsArray()) fail(env, "spans must be an array");
  Napi::Array sa = sv.As<Napi::Array>();
  for (uint32_t i = 0; i < sa.Length(); ++i) {
    if (!sa.Get(i).IsObject()) fail(env, "spans[] must be objects");
    Napi::Object o = sa.Get(i).As<Napi::Object>();
    plan::Span s;
    const size_t kind = count(env, o, "kind");
    if (kind > 3) fail(env, "spans[].kind must be 0..3");
    s.kind = static_cast<plan::OptKind>(kind);
    s.n = count(env, o, "n");
    s.value = buffer<float>(env, o, "value", s.n, false, pins);
    s.grad = buffer<float>(env, o, "grad", s.n, false, pins);
    const bool one = s.kind == plan::OptKind::momentum || s.kind == plan::OptKind::rms;
    const bool two = s.kind == plan::OptKind::adam;
    s.s0 = buffer<float>(env, o, "s0", one || two ? s.n : 0, !(one || two), pins);
    s.s1 = buffer<float>(env, o, "s1", two ? s.n : 0, !two, pins);
    p.spans.push_back(s);
  }
  if (!p.spans.empty() && p.grads == nullptr) fail(env, "a training plan needs grads");

  // kernelRegularizers (optional): [{ w, g, n, l1, l2 }], the model's order.
  Napi::Value rv = d.Get("regularizers");
  if (!rv.IsUndefined() && !rv.IsNull()) {
    if (!rv.IsArray()) fail(env, "regularizers must be an array");
    Napi::Array ra = rv.As<Napi::Array>();
    if (ra.Length() > 0 && !training) fail(env, "regularizers need a training plan");
    for (uint32_t i = 0; i < ra.Length(); ++i) {
      if (!ra.Get(i).IsObject()) fail(env, "regularizers[] must be objects");
      Napi::Object o = ra.Get(i).As<Napi::Object>();
      plan::Reg r;
      r.n = count(env, o, "n");
      if (r.n == 0) fail(env, "regularizers[].n must be >= 1");
      r.w = buffer<float>(env, o, "w", r.n, false, pins);
      r.g = buffer<float>(env, o, "g", r.n, false, pins);
      r.l1 = num(env, o, "l1");
      r.l2 = num(env, o, "l2");
      if (!(r.l1 >= 0 && r.l1 <= 3.4028234663852886e38) ||
          !(r.l2 >= 0 && r.l2 <= 3.4028234663852886e38)) {
        fail(env, "regularizers[].l1 and l2 must be finite numbers >= 0");
      }
      p.regs.push_back(r);
    }
  }
  Handle* raw = h.release();
  return Napi::External<Handle>::New(env, raw, finalize);
}

Handle* handle_arg(const Napi::CallbackInfo& info) {
  if (!info[0].IsExternal()) fail(info.Env(), "the first argument must be a plan handle");
  return info[0].As<Napi::External<Handle>>().Data();
}

// The pins given now must be the pins the plan was built on, unchanged.
void check_pins(const Napi::CallbackInfo& info, const Handle& h, size_t at) {
  Napi::Env env = info.Env();
  if (!info[at].IsArray()) fail(env, "pins must be an array");
  Napi::Array pa = info[at].As<Napi::Array>();
  if (pa.Length() != h.pins.size()) fail(env, "pins are not the plan's");
  for (uint32_t i = 0; i < pa.Length(); ++i) {
    const Pin p = pin_of(env, pa.Get(i), "pins[]");
    if (p.data != h.pins[i].data || p.bytes != h.pins[i].bytes) {
      throw Napi::Error::New(env,
                             "plan: a buffer of the model, its optimizer or the batch was detached "
                             "or replaced since the plan was built");
    }
  }
}

template <class T>
T* typed(Napi::Env env, Napi::Value v, napi_typedarray_type type, size_t need, bool optional,
         const char* name) {
  if (v.IsNull() || v.IsUndefined()) {
    if (optional) return nullptr;
    fail(env, std::string(name) + " is missing");
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    fail(env, std::string(name) + " has the wrong type");
  }
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  if (a.ElementLength() < need) {
    fail(env, std::string(name) + " must have at least " + std::to_string(need) + " elements");
  }
  if (need == 0) return nullptr;
  return static_cast<T*>(
      static_cast<void*>(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset()));
}

// The data set arguments at info[at..at+3]: x, labels, targets, rows.
plan::Data data_args(const Napi::CallbackInfo& info, const plan::Plan& p, size_t at) {
  Napi::Env env = info.Env();
  plan::Data d;
  d.rows = size_arg(info, at + 3, "rows");
  d.x = typed<float>(env, info[at], napi_float32_array, d.rows * p.in_features, false, "x");
  d.labels = typed<int32_t>(env, info[at + 1], napi_int32_array, d.rows, true, "labels");
  d.targets =
      typed<float>(env, info[at + 2], napi_float32_array, d.rows * p.target_width, true, "targets");
  return d;
}

// Arguments of a chunk:
// (handle, pins, x, labels, targets, rows, order, batch, first, count,
//  scalars, loss, msum, norms, budgetNs, result[, reducer, epochRows, stop, abort
//  [, penalty]])
// reducer .. abort are for data-parallel chunks (async only; reducer null or
// undefined otherwise): the tagged external of
// native/collectives/reducer_abi.h, the length of this rank's epoch order,
// and this rank's stop / abort requests; result then has 8 entries. penalty
// (a Float64Array of count) is required when the plan has regularisers.
struct Chunk {
  Handle* h;
  plan::ChunkArgs a;
  double* result;
};

const napi_type_tag kReducerTag = {NODEGRAD_REDUCER_TAG_LOWER, NODEGRAD_REDUCER_TAG_UPPER};

// The collectives addon's group, checked against the ABI this addon was built with.
const NodegradReducer* reducer_arg(Napi::Env env, Napi::Value v) {
  if (!v.IsExternal() || !v.As<Napi::External<NodegradReducer>>().CheckTypeTag(&kReducerTag)) {
    fail(env, "reducer must be the external of a process group's reducer() (nodegrad_collectives)");
  }
  const NodegradReducer* r = v.As<Napi::External<NodegradReducer>>().Data();
  if (r == nullptr || r->abi != NODEGRAD_REDUCER_ABI || r->size < sizeof(NodegradReducer)) {
    fail(env, "reducer ABI " + std::to_string(r == nullptr ? 0 : r->abi) + " (size " +
                  std::to_string(r == nullptr ? 0 : r->size) + "), this addon needs ABI " +
                  std::to_string(NODEGRAD_REDUCER_ABI) +
                  ": rebuild both addons from the same nodegrad (npm rebuild nodegrad)");
  }
  if (r->allreduce_sum == nullptr || r->world_size < 1 || r->rank < 0 || r->rank >= r->world_size) {
    fail(env, "reducer is malformed");
  }
  return r;
}

Chunk chunk_args(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Chunk c{handle_arg(info), {}, nullptr};
  const plan::Plan& p = c.h->plan;
  if (p.spans.empty() || p.grads == nullptr) fail(env, "this plan is forward-only");
  check_pins(info, *c.h, 1);
  plan::ChunkArgs& a = c.a;
  a.data = data_args(info, p, 2);
  if ((a.data.labels == nullptr) == (a.data.targets == nullptr))
    fail(env, "give labels or targets");
  if (a.data.labels != nullptr && (p.lb == nullptr || p.loss != plan::Loss::softmax_ce)) {
    fail(env, "labels need a softmax cross-entropy plan with a label buffer");
  }
  if (a.data.targets != nullptr && p.tb == nullptr) fail(env, "targets need a target buffer");
  a.batch = size_arg(info, 7, "batch");
  a.first = size_arg(info, 8, "first");
  a.count = size_arg(info, 9, "count");
  const bool dp = info.Length() > 16 && !info[16].IsUndefined() && !info[16].IsNull();
  if (dp) {
    const NodegradReducer* r = reducer_arg(env, info[16]);
    a.epoch_rows = size_arg(info, 17, "epochRows");
    if (a.epoch_rows == 0) fail(env, "epochRows must be >= 1");
    a.stop = info[18].ToBoolean().Value();
    a.abort = info[19].ToBoolean().Value();
    plan::Reducer& red = c.h->reducer;
    red.ctx = r->ctx;
    red.allreduce_sum = r->allreduce_sum;
    red.world_size = r->world_size;
    c.h->reduce_buf.resize(p.grads_n + plan::kReduceTail);
    red.buf = c.h->reduce_buf.data();
    a.reducer = &red;
  }
  // The rows of this epoch's order: the data's, or a data-parallel rank's shard.
  const size_t erows = dp ? a.epoch_rows : a.data.rows;
  // A batch larger than the data holds all its rows: that is what must fit.
  if (a.batch == 0 || std::min(a.batch, erows) > p.capacity) {
    fail(env, "batch must be >= 1, and its rows must fit the plan's capacity");
  }
  if (a.count == 0) fail(env, "count must be >= 1");
  const size_t begin = a.first * a.batch;
  if (a.data.rows == 0 || begin >= erows || (a.first + a.count - 1) * a.batch >= erows) {
    fail(env, "the chunk's batches must lie inside the data");
  }
  size_t end = (a.first + a.count) * a.batch;
  if (end > erows) end = erows;
  a.order = typed<int32_t>(env, info[6], napi_int32_array, end, false, "order");
  for (size_t i = begin; i < end; ++i) {
    if (a.order[i] < 0 || static_cast<size_t>(a.order[i]) >= a.data.rows)
      fail(env, "order[] must index rows");
  }
  if (a.data.labels != nullptr) {
    for (size_t i = begin; i < end; ++i) {
      const int32_t l = a.data.labels[a.order[i]];
      if (l < 0 || static_cast<size_t>(l) >= p.out_features)
        fail(env, "labels[] must be class labels");
    }
  }
  const size_t nm = p.metrics.size();
  a.scalars = typed<float>(env, info[10], napi_float32_array,
                           a.count * p.spans.size() * plan::kScalarStride, false, "scalars");
  a.loss = typed<double>(env, info[11], napi_float64_array, a.count, false, "loss");
  a.msum = typed<double>(env, info[12], napi_float64_array, a.count * nm, nm == 0, "msum");
  a.norms = typed<double>(env, info[13], napi_float64_array, a.count, false, "norms");
  const double budget = number_arg(info, 14, "budgetNs");
  a.budget_ns = budget > 0 ? static_cast<int64_t>(budget) : 0;
  // With index layers, [8..13] hold a bad index (write_bad).
  c.result = typed<double>(env, info[15], napi_float64_array,
                           p.has_indices ? 14
                           : dp          ? 8
                                         : 6,
                           false, "result");
  a.penalty = typed<double>(env, info[20], napi_float64_array, p.regs.empty() ? 0 : a.count,
                            p.regs.empty(), "penalty");
  return c;
}

// result: [done, non-finite loss, elapsed ns, refused, refused span, refused code]
void write_result(double* r, const plan::ChunkResult& res) {
  r[0] = static_cast<double>(res.done);
  r[1] = res.non_finite ? 1 : 0;
  r[2] = static_cast<double>(res.elapsed_ns);
  r[3] = res.refused ? 1 : 0;
  r[4] = static_cast<double>(res.refused_span);
  r[5] = res.refused_code;
}

// A bad index at r[0..5]: [flag, layer, branch, row, column, value]; the
// flag is 2 when another rank of a data-parallel chunk met one (the rest 0).
void write_bad(double* r, const plan::BadIndex& b) {
  r[0] = b.bad ? 1 : 0;
  r[1] = static_cast<double>(b.layer);
  r[2] = static_cast<double>(b.branch);
  r[3] = static_cast<double>(b.row);
  r[4] = static_cast<double>(b.col);
  r[5] = b.value;
}

// Data-parallel results: [6] some rank asked to stop, [7] to abort.
void write_dp_result(double* r, const plan::ChunkResult& res) {
  r[6] = res.agreed_stop ? 1 : 0;
  r[7] = res.agreed_abort ? 1 : 0;
}

Napi::Value plan_chunk(const Napi::CallbackInfo& info) {
  // A collective would hold the event loop for as long as the slowest rank.
  if (info.Length() > 16 && !info[16].IsUndefined() && !info[16].IsNull()) {
    fail(info.Env(), "a data-parallel chunk (with a reducer) runs only in planChunkAsync");
  }
  Chunk c = chunk_args(info);
  const plan::ChunkResult res = plan::run_chunk(c.h->plan, c.a);
  write_result(c.result, res);
  if (c.h->plan.has_indices) write_bad(c.result + 8, res.bad_index);
  return info.Env().Undefined();
}

// Holds every JS argument (the handle, the pins and the data arrays) until
// the work is done: references taken on the main thread, dropped on it in
// the worker's destructor.
class PlanWorker : public Napi::AsyncWorker {
 public:
  PlanWorker(const Napi::CallbackInfo& info, size_t args)
      : Napi::AsyncWorker(info.Env(), "nodegrad:plan"),
        deferred_(Napi::Promise::Deferred::New(info.Env())) {
    for (size_t i = 0; i < args; ++i) {
      if (info[i].IsObject()) refs_.push_back(Napi::Persistent(info[i].As<Napi::Object>()));
      // The plan handle and a data-parallel reducer are externals, not objects.
      if (info[i].IsExternal()) externals_.push_back(Napi::Reference<Napi::Value>::New(info[i], 1));
    }
  }
  Napi::Promise promise() { return deferred_.Promise(); }

 protected:
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void Reject(const std::string& msg) { deferred_.Reject(Napi::Error::New(Env(), msg).Value()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> refs_;
  std::vector<Napi::Reference<Napi::Value>> externals_;
};

class ChunkWorker : public PlanWorker {
 public:
  ChunkWorker(const Napi::CallbackInfo& info, const Chunk& c) : PlanWorker(info, 21), c_(c) {}
  void Execute() override { res_ = plan::run_chunk(c_.h->plan, c_.a); }
  void OnOK() override {
    // Written even when the allreduce failed: the steps before it were applied.
    write_result(c_.result, res_);
    if (c_.a.reducer != nullptr) write_dp_result(c_.result, res_);
    if (c_.h->plan.has_indices) {
      write_bad(c_.result + 8, res_.bad_index);
      if (res_.peer_bad_index) c_.result[8] = 2;
    }
    if (res_.failed) {
      Reject(res_.error);
      return;
    }
    PlanWorker::OnOK();
  }

 private:
  Chunk c_;
  plan::ChunkResult res_;
};

Napi::Value plan_chunk_async(const Napi::CallbackInfo& info) {
  Chunk c = chunk_args(info);
  auto* w = new ChunkWorker(info, c);
  Napi::Promise pr = w->promise();
  w->Queue();
  return pr;
}

// (handle, pins, x, labels, targets, rows, batch, out, loss, msum, status):
// status (a Float64Array of 6, required with index layers) gets the bad
// index that stopped the pass (write_bad), or a zero flag.
struct Fwd {
  Handle* h;
  plan::ForwardArgs a;
  double* status;
};

Fwd forward_args(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Fwd f{handle_arg(info), {}, nullptr};
  const plan::Plan& p = f.h->plan;
  check_pins(info, *f.h, 1);
  plan::ForwardArgs& a = f.a;
  a.data = data_args(info, p, 2);
  a.batch = size_arg(info, 6, "batch");
  // A batch larger than the data holds all its rows: that is what must fit.
  if (a.batch == 0 || std::min(a.batch, a.data.rows) > p.capacity) {
    fail(env, "batch must be >= 1, and its rows must fit the plan's capacity");
  }
  a.out = typed<float>(env, info[7], napi_float32_array, a.data.rows * p.out_features, true, "out");
  const size_t batches = (a.data.rows + a.batch - 1) / a.batch;
  a.loss = typed<double>(env, info[8], napi_float64_array, batches, true, "loss");
  if (a.loss != nullptr) {
    if ((a.data.labels == nullptr) == (a.data.targets == nullptr))
      fail(env, "give labels or targets");
    for (size_t i = 0; a.data.labels != nullptr && i < a.data.rows; ++i) {
      if (a.data.labels[i] < 0 || static_cast<size_t>(a.data.labels[i]) >= p.out_features) {
        fail(env, "labels[] must be class labels");
      }
    }
    const size_t nm = p.metrics.size();
    a.msum = typed<double>(env, info[9], napi_float64_array, batches * nm, nm == 0, "msum");
  }
  f.status = typed<double>(env, info[10], napi_float64_array, p.has_indices ? 6 : 0, !p.has_indices,
                           "status");
  return f;
}

Napi::Value plan_forward(const Napi::CallbackInfo& info) {
  Fwd f = forward_args(info);
  const plan::BadIndex bad = plan::run_forward(f.h->plan, f.a);
  if (f.status != nullptr) write_bad(f.status, bad);
  return info.Env().Undefined();
}

class ForwardWorker : public PlanWorker {
 public:
  ForwardWorker(const Napi::CallbackInfo& info, const Fwd& f) : PlanWorker(info, 11), f_(f) {}
  void Execute() override { bad_ = plan::run_forward(f_.h->plan, f_.a); }
  void OnOK() override {
    if (f_.status != nullptr) write_bad(f_.status, bad_);
    PlanWorker::OnOK();
  }

 private:
  Fwd f_;
  plan::BadIndex bad_;
};

Napi::Value plan_forward_async(const Napi::CallbackInfo& info) {
  Fwd f = forward_args(info);
  auto* w = new ForwardWorker(info, f);
  Napi::Promise pr = w->promise();
  w->Queue();
  return pr;
}

}  // namespace

void register_plan(Napi::Env env, Napi::Object exports, const KernelRegistry& reg) {
  export_fn(env, exports, reg, "planCreate", plan_create);
  export_fn(env, exports, reg, "planChunk", plan_chunk);
  export_fn(env, exports, reg, "planChunkAsync", plan_chunk_async);
  export_fn(env, exports, reg, "planForward", plan_forward);
  export_fn(env, exports, reg, "planForwardAsync", plan_forward_async);
}

}  // namespace binding
}  // namespace nodegrad
