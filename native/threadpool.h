// One persistent thread pool per process. The addon's statics live once in
// the process however many worker_threads load it, so every JS thread shares
// this pool: concurrent callers queue on a mutex instead of oversubscribing
// the cores.
#pragma once

#include <cstddef>

namespace nodegrad {
namespace threadpool {

// Threads a parallel call may use, the calling thread included (1..1024).
// Default: NODEGRAD_THREADS when it is an integer in 1..1024, else the CPUs
// this process may run on. Process-wide; takes effect at the next call.
void set_threads(size_t n);
size_t get_threads();

// Runs fn(ctx, task) once for every task in [0, count), on up to
// min(max_threads, get_threads(), count) threads (the caller is one of them),
// and returns when all are done. Tasks must be independent and must not throw.
// Which thread runs a task is unspecified, so a task's result must depend
// only on its index: that is what keeps results independent of the thread
// count. Pool threads run in the default floating-point environment (IEEE,
// no FTZ/DAZ); the caller's own floating-point mode is never touched.
using TaskFn = void (*)(void* ctx, size_t task);
void parallel_for(size_t count, size_t max_threads, TaskFn fn, void* ctx);

}  // namespace threadpool
}  // namespace nodegrad
