// The optional collectives addon (nodegrad_collectives.node), built only where
// Gloo is installed (binding.gyp checks). Every call that can block —
// rendezvous, allreduce, broadcast, barrier — runs in an AsyncWorker on a
// libuv pool thread: plain C++ in Execute(), the JS buffer pinned by a
// reference until the promise settles.
#include <gloo/config.h>
#include <napi.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "../../collectives/group.h"
#include "../../collectives/reducer_abi.h"

namespace nodegrad {
namespace binding {
namespace {

using collectives::Group;
using collectives::GroupOptions;

// A promise settled by an AsyncWorker; `run` executes on the pool thread.
class Task : public Napi::AsyncWorker {
 public:
  Task(Napi::Env env, std::function<void()> run, std::function<Napi::Value(Napi::Env)> done)
      : Napi::AsyncWorker(env, "nodegrad:collective"),
        deferred_(Napi::Promise::Deferred::New(env)),
        run_(std::move(run)),
        done_(std::move(done)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  // Keeps a JS value (the buffer) alive while the task runs.
  void pin(Napi::Value v) { pinned_ = Napi::Persistent(v.As<Napi::Object>()); }

 protected:
  void Execute() override {
    try {
      run_();
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    deferred_.Resolve(done_ ? done_(env) : env.Undefined());
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::function<void()> run_;
  std::function<Napi::Value(Napi::Env)> done_;
  Napi::ObjectReference pinned_;
};

struct F32 {
  float* data;
  size_t n;
};

F32 f32(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), "data must be a Float32Array");
  }
  Napi::Float32Array a = info[i].As<Napi::Float32Array>();
  return {a.ElementLength() == 0 ? nullptr : a.Data(), a.ElementLength()};
}

// The group lent to the training plan of the main addon (reducer_abi.h): the
// C struct first, so the external's data pointer is the NodegradReducer.
struct Lent {
  NodegradReducer abi;
  std::shared_ptr<Group> group;
};

int lent_allreduce_sum(void* ctx, float* data, size_t n, char* err, size_t err_len) {
  try {
    static_cast<Lent*>(ctx)->group->allreduce(data, n, false);
    return 0;
  } catch (const std::exception& e) {
    if (err != nullptr && err_len > 0) {
      std::strncpy(err, e.what(), err_len - 1);
      err[err_len - 1] = '\0';
    }
    return 1;
  }
}

const napi_type_tag kReducerTag = {NODEGRAD_REDUCER_TAG_LOWER, NODEGRAD_REDUCER_TAG_UPPER};

class NativeGroup : public Napi::ObjectWrap<NativeGroup> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "NativeGroup",
                       {InstanceMethod("allReduce", &NativeGroup::all_reduce),
                        InstanceMethod("broadcast", &NativeGroup::broadcast),
                        InstanceMethod("barrier", &NativeGroup::barrier),
                        InstanceMethod("close", &NativeGroup::close),
                        InstanceMethod("reducer", &NativeGroup::reducer)});
  }
  explicit NativeGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeGroup>(info) {}
  std::shared_ptr<Group> group;

 private:
  std::shared_ptr<Group> live(const Napi::CallbackInfo& info) {
    if (!group) throw Napi::Error::New(info.Env(), "the process group is closed");
    return group;
  }
  Napi::Value all_reduce(const Napi::CallbackInfo& info) {
    std::shared_ptr<Group> g = live(info);
    const F32 buf = f32(info, 0);
    const bool mean = info[1].ToBoolean().Value();
    auto* t = new Task(
        info.Env(), [g, buf, mean] { g->allreduce(buf.data, buf.n, mean); }, nullptr);
    t->pin(info[0]);
    t->Queue();
    return t->promise();
  }
  Napi::Value broadcast(const Napi::CallbackInfo& info) {
    std::shared_ptr<Group> g = live(info);
    const F32 buf = f32(info, 0);
    const int root = info[1].As<Napi::Number>().Int32Value();
    auto* t = new Task(
        info.Env(), [g, buf, root] { g->broadcast(buf.data, buf.n, root); }, nullptr);
    t->pin(info[0]);
    t->Queue();
    return t->promise();
  }
  Napi::Value barrier(const Napi::CallbackInfo& info) {
    std::shared_ptr<Group> g = live(info);
    auto* t = new Task(
        info.Env(), [g] { g->barrier(); }, nullptr);
    t->Queue();
    return t->promise();
  }
  // reducer() -> External<NodegradReducer>, tagged (reducer_abi.h).
  Napi::Value reducer(const Napi::CallbackInfo& info) {
    std::shared_ptr<Group> g = live(info);
    auto* lent = new Lent{{}, g};
    lent->abi.abi = NODEGRAD_REDUCER_ABI;
    lent->abi.size = sizeof(NodegradReducer);
    lent->abi.rank = g->rank();
    lent->abi.world_size = g->world_size();
    lent->abi.ctx = lent;
    lent->abi.allreduce_sum = lent_allreduce_sum;
    auto ext = Napi::External<NodegradReducer>::New(
        info.Env(), &lent->abi, [](Napi::Env, NodegradReducer* r) { delete static_cast<Lent*>(r->ctx); });
    ext.TypeTag(&kReducerTag);
    return ext;
  }
  Napi::Value close(const Napi::CallbackInfo& info) {
    std::shared_ptr<Group> g = std::move(group);
    group.reset();
    auto* t = new Task(
        info.Env(),
        [g] {
          if (g) g->close();
        },
        nullptr);
    t->Queue();
    return t->promise();
  }
};

std::string str_opt(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

// createGroup({ rank, worldSize, store, hostname, iface, timeoutMs }) -> Promise<NativeGroup>
Napi::Value create_group(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject())
    throw Napi::TypeError::New(env, "createGroup: options must be an object");
  Napi::Object o = info[0].As<Napi::Object>();
  GroupOptions opts;
  opts.rank = o.Get("rank").As<Napi::Number>().Int32Value();
  opts.world_size = o.Get("worldSize").As<Napi::Number>().Int32Value();
  opts.store = str_opt(o, "store");
  opts.hostname = str_opt(o, "hostname");
  opts.iface = str_opt(o, "iface");
  opts.timeout = std::chrono::milliseconds(
      static_cast<int64_t>(o.Get("timeoutMs").As<Napi::Number>().DoubleValue()));
  Napi::FunctionReference* ctor = env.GetInstanceData<Napi::FunctionReference>();
  auto made = std::make_shared<std::shared_ptr<Group>>();
  auto* t = new Task(
      env, [opts, made] { *made = std::make_shared<Group>(opts); },
      [ctor, made](Napi::Env) -> Napi::Value {
        Napi::Object obj = ctor->New({});
        NativeGroup::Unwrap(obj)->group = *made;
        return obj;
      });
  t->Queue();
  return t->promise();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  auto* ctor = new Napi::FunctionReference(Napi::Persistent(NativeGroup::define(env)));
  env.SetInstanceData<Napi::FunctionReference>(ctor);
  exports.Set("createGroup", Napi::Function::New(env, create_group, "createGroup"));
  exports.Set("glooVersion", Napi::String::New(env, std::to_string(GLOO_VERSION_MAJOR) + "." +
                                                        std::to_string(GLOO_VERSION_MINOR) + "." +
                                                        std::to_string(GLOO_VERSION_PATCH)));
  return exports;
}

}  // namespace
}  // namespace binding
}  // namespace nodegrad

static Napi::Object InitCollectives(Napi::Env env, Napi::Object exports) {
  return nodegrad::binding::init(env, exports);
}

NODE_API_MODULE(nodegrad_collectives, InitCollectives)
