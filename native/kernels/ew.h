// Elementwise kernels on raw pointers (the TensorFlow.js backend's binary,
// comparison and unary ops), one table per ISA. Plain declarations only (no
// inline code), so the ISA-specific files can include this header. The
// kernels are listed once, in ew_list.h.
//
// Contract shared by every path:
// - each result is tfjs-backend-cpu's formula evaluated in float64 from the
//   float32 inputs and rounded once to float32 (ew_body.inc says, per
//   kernel, where a path rounds differently and by how much);
// - an output may be exactly the same memory as an input of the same length;
//   kernels read an element's inputs before writing its output;
// - n == 0 is a no-op and the pointers may then be null;
// - no kernel keeps state or depends on the thread count: the same inputs
//   give the same bits on every call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ew_list.h"

namespace nodegrad {

// How a binary kernel reads its operands: both n long, or one of them a
// single value broadcast over the other's n.
enum EwMode : int { kEwVV = 0, kEwVS = 1, kEwSV = 2 };

struct EwKernels {
#define NODEGRAD_X(kind, field, js) NODEGRAD_EW_FIELD_##kind(field)
  NODEGRAD_EW_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
  // out[i] = cond[i] == 1 ? t[i] : e[i] (tfjs's Select: a bool tensor holds 0 or 1).
  void (*select)(const uint8_t* cond, const float* t, const float* e, float* out, size_t n);
};

const EwKernels* ew_kernels_scalar();
// Null where the build or architecture lacks the path (the registry then
// falls back: registry.h).
const EwKernels* ew_kernels_avx2();
const EwKernels* ew_kernels_avx512();
const EwKernels* ew_kernels_neon();

// NumPy broadcasting as a loop nest over a binary or comparison kernel's
// contiguous inner loop. dims[0] is the outermost axis; the output is
// contiguous (row-major); sa/sb are the operands' element strides per axis
// (0 on a broadcast axis). The caller has checked that every offset stays
// inside its operand (binding/ew.cc, lib/backend/elementwise.ts).
constexpr size_t kEwMaxRank = 8;
struct EwBroadcast {
  size_t rank;  // 1..kEwMaxRank
  size_t dims[kEwMaxRank];
  size_t sa[kEwMaxRank];
  size_t sb[kEwMaxRank];
};

using EwBinaryFn = void (*)(const float*, const float*, float*, size_t, int);
using EwCompareFn = void (*)(const float*, const float*, uint8_t*, size_t, int);
void ew_broadcast(EwBinaryFn f, const float* a, const float* b, float* out, const EwBroadcast& p);
void ew_broadcast(EwCompareFn f, const float* a, const float* b, uint8_t* out,
                  const EwBroadcast& p);

}  // namespace nodegrad
