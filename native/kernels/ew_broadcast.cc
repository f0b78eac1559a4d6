// The broadcasting loop nest of the elementwise family (ew.h): an odometer
// over the outer axes, the kernel's own SIMD loop over the innermost one.
// Baseline code: it only calls through the ISA table's function pointers.
#include "ew.h"

namespace nodegrad {

namespace {

template <class Out, class Fn>
void run(Fn f, const float* a, const float* b, Out* out, const EwBroadcast& p) {
  const size_t r = p.rank;
  const size_t inner = p.dims[r - 1];
  size_t total = 1;
  for (size_t k = 0; k < r; k++) total *= p.dims[k];
  if (total == 0) return;
  const size_t ia = p.sa[r - 1];
  const size_t ib = p.sb[r - 1];
  size_t idx[kEwMaxRank] = {};
  size_t oa = 0;
  size_t ob = 0;
  for (size_t o = 0; o < total; o += inner) {
    if (ia == 1 && ib == 1) {
      f(a + oa, b + ob, out + o, inner, kEwVV);
    } else if (ia == 1 && ib == 0) {
      f(a + oa, b + ob, out + o, inner, kEwVS);
    } else if (ia == 0 && ib == 1) {
      f(a + oa, b + ob, out + o, inner, kEwSV);
    } else {
      // Both operands broadcast (or strided) along the innermost axis: one
      // element at a time (a plan the TS layer never builds after collapsing).
      for (size_t j = 0; j < inner; j++) f(a + oa + j * ia, b + ob + j * ib, out + o + j, 1, kEwVV);
    }
    // Advance the odometer over axes r-2 .. 0.
    for (size_t k = r - 1; k-- > 0;) {
      oa += p.sa[k];
      ob += p.sb[k];
      if (++idx[k] < p.dims[k]) break;
      oa -= p.sa[k] * p.dims[k];
      ob -= p.sb[k] * p.dims[k];
      idx[k] = 0;
    }
  }
}

}  // namespace

void ew_broadcast(EwBinaryFn f, const float* a, const float* b, float* out, const EwBroadcast& p) {
  run(f, a, b, out, p);
}

void ew_broadcast(EwCompareFn f, const float* a, const float* b, uint8_t* out,
                  const EwBroadcast& p) {
  run(f, a, b, out, p);
}

}  // namespace nodegrad
