// The process-wide pool: every task index runs exactly once for any thread
// count; pool threads compute in the default IEEE mode even when the thread
// that created them had flush-to-zero set, and the caller's mode survives.
#include "../threadpool.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "../platform.h"
#include "harness.h"

#if NODEGRAD_X64
#include <xmmintrin.h>
#endif

using namespace nodegrad;

namespace {

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(size_t n) : hits(n) {}
};

}  // namespace

NODEGRAD_TEST(threadpool_runs_every_task_exactly_once) {
  const size_t before = threadpool::get_threads();
  for (size_t threads : {size_t{1}, size_t{2}, size_t{3}, size_t{5}}) {
    threadpool::set_threads(threads);
    for (size_t count : {size_t{0}, size_t{1}, size_t{7}, size_t{100}}) {
      Counts c(count);
      threadpool::parallel_for(
          count, threads, [](void* ctx, size_t t) { static_cast<Counts*>(ctx)->hits[t]++; }, &c);
      bool ok = true;
      for (auto& h : c.hits) ok = ok && h.load() == 1;
      NODEGRAD_CHECK(ok, "threads=" + std::to_string(threads) + " count=" + std::to_string(count));
    }
  }
  threadpool::set_threads(0);  // clamped to 1
  NODEGRAD_CHECK(threadpool::get_threads() == 1, "set_threads(0) clamps to 1");
  threadpool::set_threads(5000);
  NODEGRAD_CHECK(threadpool::get_threads() == 1024, "set_threads(5000) clamps to 1024");
  threadpool::set_threads(before);
}

#if NODEGRAD_X64
NODEGRAD_TEST(threadpool_threads_run_in_default_fp_mode) {
  constexpr unsigned kFtzDaz = 0x8040;
  const unsigned saved = _mm_getcsr();
  const size_t before = threadpool::get_threads();
  _mm_setcsr(saved | kFtzDaz);  // new pool threads would inherit this
  threadpool::set_threads(16);  // more threads than any earlier test spawned
  struct Seen {
    std::thread::id caller;
    std::atomic<int> pool_tasks{0}, pool_ftz{0};
  } seen;
  seen.caller = std::this_thread::get_id();
  for (int round = 0; round < 500 && seen.pool_tasks.load() == 0; ++round) {
    threadpool::parallel_for(
        64, 16,
        [](void* ctx, size_t) {
          Seen& s = *static_cast<Seen*>(ctx);
          // Every task spins, the caller's too, so sleeping pool threads have
          // time to wake and claim some even on a loaded machine.
          for (volatile int spin = 0; spin < 20000; spin = spin + 1) {
          }
          if (std::this_thread::get_id() == s.caller) return;
          s.pool_tasks++;
          if (_mm_getcsr() & 0x8040) s.pool_ftz++;
        },
        &seen);
  }
  const unsigned after = _mm_getcsr();
  _mm_setcsr(saved);
  threadpool::set_threads(before);
  NODEGRAD_CHECK(seen.pool_tasks.load() > 0, "some tasks ran on pool threads");
  NODEGRAD_CHECK(seen.pool_ftz.load() == 0, "pool threads have FTZ/DAZ off");
  NODEGRAD_CHECK(after == (saved | kFtzDaz), "the caller's MXCSR is untouched");
}
#endif
