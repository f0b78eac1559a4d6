#include "threadpool.h"

#include <atomic>
#include <cfenv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "platform.h"

#if defined(__linux__)
#include <sched.h>
#endif

namespace nodegrad {
namespace threadpool {

namespace {

constexpr size_t kMaxThreads = 1024;

size_t cpus_available() {
#if defined(__linux__)
  // The affinity mask, not the machine's core count: containers and taskset
  // restrict it, and oversubscribing a restricted set costs more than it gains.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
#endif
  unsigned hc = std::thread::hardware_concurrency();
  return hc > 0 ? hc : 1;
}

// A GEMM issues a few parallel regions back to back (pack, compute, per K
// block): a thread that spins this long before sleeping picks the next one
// up without a futex wake-up (tens of µs on a busy VM), yet an idle pool
// gives its cores back almost at once.
constexpr auto kSpin = std::chrono::microseconds(50);

inline void cpu_relax() {
#if NODEGRAD_X64 && (defined(__GNUC__) || defined(__clang__))
  __builtin_ia32_pause();
#elif NODEGRAD_ARM64 && (defined(__GNUC__) || defined(__clang__))
  __asm__ __volatile__("yield");
#endif
}

// Spins until ready() or kSpin has passed; returns ready().
template <class Ready>
bool spin_until(Ready ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 1;; ++i) {
    if (ready()) return true;
    cpu_relax();
    if ((i & 63) == 0 && std::chrono::steady_clock::now() > until) return ready();
  }
}

size_t default_threads() {
  const char* env = std::getenv("NODEGRAD_THREADS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (*end == '\0' && v >= 1 && v <= static_cast<long>(kMaxThreads))
      return static_cast<size_t>(v);
  }
  size_t n = cpus_available();
  return n > kMaxThreads ? kMaxThreads : n;
}

class Pool {
 public:
  size_t threads() const { return threads_.load(std::memory_order_relaxed); }
  void set_threads(size_t n) { threads_.store(n, std::memory_order_relaxed); }

  void run(size_t count, size_t want, TaskFn fn, void* ctx) {
    std::lock_guard<std::mutex> call(call_mu_);  // callers from other threads queue here
    std::unique_lock<std::mutex> lk(mu_);
    if (stop_) {  // the process is exiting: finish the work on the caller
      lk.unlock();
      for (size_t t = 0; t < count; ++t) fn(ctx, t);
      return;
    }
    while (workers_.size() < want - 1 && spawn()) {
    }
    if (want > workers_.size() + 1) want = workers_.size() + 1;
    fn_ = fn;
    ctx_ = ctx;
    count_ = count;
    active_ = want - 1;
    const uint64_t gen = generation_.load(std::memory_order_relaxed) + 1;
    done_.store(0, std::memory_order_relaxed);
    claim_.store(gen << 32, std::memory_order_relaxed);
    generation_.store(gen, std::memory_order_release);
    lk.unlock();
    work_cv_.notify_all();
    // The caller works too, and waits for the tasks, not for the workers: a
    // worker the OS has not scheduled yet (a busy machine) never holds the
    // caller up; if it wakes late it finds nothing left to claim.
    drain(gen, fn, ctx, count);
    auto done = [this, count] { return done_.load(std::memory_order_acquire) == count; };
    if (spin_until(done)) return;
    lk.lock();
    done_cv_.wait(lk, done);
  }

  // At exit (or when the library is unloaded): wait for a running job, then
  // stop and join every pool thread while the code and this object are
  // still valid. The pool itself is never deleted, so a late caller from
  // another thread finds it intact and runs its tasks inline.
  void shutdown() {
    std::lock_guard<std::mutex> call(call_mu_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
      stopping_.store(true, std::memory_order_relaxed);
    }
    work_cv_.notify_all();
    for (std::thread& t : workers_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  // With mu_ held. False when the OS refuses a thread: the job then runs on
  // fewer threads (same results, as tasks do not depend on the thread).
  bool spawn() {
    if (workers_.empty()) std::atexit([] { instance().shutdown(); });
    size_t index = workers_.size();
    try {
      workers_.emplace_back([this, index] { worker(index); });
    } catch (...) {
      return false;
    }
    return true;
  }

  // Claims and runs tasks of job `gen` until none is left. A claim is a CAS
  // on (job << 32 | next task), so a thread that read an older job's fields
  // can never run a task of a newer one.
  void drain(uint64_t gen, TaskFn fn, void* ctx, size_t count) {
    for (;;) {
      uint64_t v = claim_.load(std::memory_order_relaxed);
      do {
        if ((v >> 32) != (gen & 0xffffffffu) || (v & 0xffffffffu) >= count) return;
      } while (!claim_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel,
                                             std::memory_order_relaxed));
      fn(ctx, static_cast<size_t>(v & 0xffffffffu));
      if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == count) {
        // Taking the lock orders this with a caller that checked done_ and
        // is about to sleep: it is then waiting, and gets the notify.
        { std::lock_guard<std::mutex> lk(mu_); }
        done_cv_.notify_one();
      }
    }
  }

  void worker(size_t index) {
    // A new thread inherits its creator's floating-point environment; the
    // pool's threads always compute in the default IEEE mode instead.
    std::fesetenv(FE_DFL_ENV);
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lk(mu_, std::defer_lock);
    auto news = [&] {
      return stopping_.load(std::memory_order_relaxed) ||
             generation_.load(std::memory_order_acquire) != seen;
    };
    for (;;) {
      spin_until(news);
      lk.lock();  // the job's fields are read under the lock, consistent with its generation
      work_cv_.wait(lk,
                    [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      if (stop_) return;
      seen = generation_.load(std::memory_order_relaxed);
      if (index >= active_) {
        lk.unlock();
        continue;
      }
      TaskFn fn = fn_;
      void* ctx = ctx_;
      size_t count = count_;
      lk.unlock();
      drain(seen, fn, ctx, count);
    }
  }

 public:
  static Pool& instance() {
    // Deliberately never destroyed: static destruction order at exit (and
    // worker_threads still calling in) must not find a dead mutex.
    static Pool* pool = new Pool();
    return *pool;
  }

 private:
  std::atomic<size_t> threads_{default_threads()};
  std::mutex call_mu_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};  // written under mu_
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  size_t count_ = 0;
  size_t active_ = 0;
  std::atomic<uint64_t> claim_{0};     // (job generation << 32) | next task index
  std::atomic<size_t> done_{0};        // tasks of the current job finished
  bool stop_ = false;                  // under mu_
  std::atomic<bool> stopping_{false};  // stop_, readable while spinning
};

}  // namespace

void set_threads(size_t n) {
  if (n < 1) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  Pool::instance().set_threads(n);
}

size_t get_threads() { return Pool::instance().threads(); }

void parallel_for(size_t count, size_t max_threads, TaskFn fn, void* ctx) {
  size_t want = Pool::instance().threads();
  if (max_threads < want) want = max_threads;
  if (count < want) want = count;
  if (want <= 1) {
    for (size_t t = 0; t < count; ++t) fn(ctx, t);
    return;
  }
  Pool::instance().run(count, want, fn, ctx);
}

}  // namespace threadpool
}  // namespace nodegrad
