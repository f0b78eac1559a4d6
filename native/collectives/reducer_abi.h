/*
 * The hand-off between the two addons: how the collectives addon
 * (nodegrad_collectives.node) lends its process group to the training plan
 * of the main addon (nodegrad.node), so that a data-parallel chunk can
 * all-reduce its gradients inside the plan's worker thread, with no
 * JavaScript between backward and update.
 *
 * The two addons are separate shared objects built apart (the main one never
 * links Gloo), so the hand-off is plain C: no C++ types, no exceptions and no
 * allocation cross it.
 *
 *   JS:  reducer = nativeGroup.reducer()      (collectives addon)
 *        planChunkAsync(..., reducer, ...)     (main addon)
 *
 * `reducer()` returns a napi_external whose data is a NodegradReducer and
 * which is type-tagged with NODEGRAD_REDUCER_TAG (napi_type_tag_object,
 * N-API 8). The main addon accepts an external only if it carries that tag,
 * `abi` equals the NODEGRAD_REDUCER_ABI it was built with and `size` is at
 * least sizeof(NodegradReducer) of that version; else it refuses the call
 * with a TypeError naming what it found. A new field goes at the end with a
 * bumped `abi`.
 *
 * Lifetime: the external owns the struct and a reference to the group (its
 * finalizer drops both), so the group outlives every chunk that holds the
 * external; the plan binding pins the external for the duration of a chunk.
 * The TypeScript ProcessGroup runs such a chunk in its queue of collectives,
 * so it never overlaps another collective of the group nor close().
 *
 * Threads: allreduce_sum is blocking and must be called from one thread at a
 * time (a worker thread, never the JS thread). It sums `n` floats over every
 * rank, in place; every rank gets the same bits. It returns 0 on success;
 * otherwise nonzero, with a NUL-terminated message in err[0..err_len) (a
 * timeout or a lost peer, naming the rank when it can be told). After a
 * failure the group is closed: later calls fail at once.
 */
#ifndef NODEGRAD_REDUCER_ABI_H
#define NODEGRAD_REDUCER_ABI_H

#include <stddef.h>
#include <stdint.h>

#define NODEGRAD_REDUCER_ABI 1

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*NodegradAllreduceSumF32)(void* ctx, float* data, size_t n, char* err,
                                       size_t err_len);

typedef struct NodegradReducer {
  uint32_t abi;   /* NODEGRAD_REDUCER_ABI */
  uint32_t size;  /* sizeof(NodegradReducer) as the collectives addon was built */
  int32_t rank;
  int32_t world_size;
  void* ctx;
  NodegradAllreduceSumF32 allreduce_sum;
} NodegradReducer;

#ifdef __cplusplus
}
#endif

/* The napi_type_tag both addons use (a random 128-bit constant). */
#define NODEGRAD_REDUCER_TAG_LOWER 0x6e6f646567726164ULL /* "nodegrad" */
#define NODEGRAD_REDUCER_TAG_UPPER 0x9d3c52a1e04b7f19ULL

#endif
