// Scalar loss kernels. Every element's formula is arranged exactly as in the
// TypeScript reference (lib/backend/reference/losses.ts): float64 from the
// float32 inputs, one rounding to float32 on store, the loss summed in
// float64 in index order. std::exp/std::log1p are used here (not the
// activation family's polynomial): a loss is O(n·classes), far from the hot
// path, and the libm functions are within an ulp of double precision.
#include "losses.h"

#include <cmath>
#include <limits>

namespace nodegrad {

double mse_scalar(const float* pred, const float* target, float* grad, size_t count) {
  if (count == 0) return 0.0;
  const double scale = 2.0 / static_cast<double>(count);
  double sum = 0.0;
  for (size_t i = 0; i < count; ++i) {
    const double d = static_cast<double>(pred[i]) - static_cast<double>(target[i]);
    sum += d * d;
    grad[i] = static_cast<float>(d * scale);
  }
  return sum / static_cast<double>(count);
}

namespace {

struct RowStats {
  double max;
  double sum;
};

// Rows up to this many classes keep their exp values on the stack, so each
// exp is computed once; wider rows compute them again in the gradient pass
// (the same values, so the result does not depend on the width).
constexpr size_t kCachedClasses = 64;

// The row's max (NaN propagates, as Math.max does) and Σ exp(z − max); the
// exps go to `cache` when it is non-null.
RowStats row_stats(const float* z, size_t classes, double* cache) {
  double m = -std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < classes; ++j) {
    const double v = z[j];
    if (v != v || m != m) {
      m = std::numeric_limits<double>::quiet_NaN();
    } else if (v > m) {
      m = v;
    }
  }
  double s = 0.0;
  for (size_t j = 0; j < classes; ++j) {
    const double e = std::exp(static_cast<double>(z[j]) - m);
    if (cache != nullptr) cache[j] = e;
    s += e;
  }
  return {m, s};
}

double row_exp(const float* z, size_t j, double max, const double* cache) {
  return cache != nullptr ? cache[j] : std::exp(static_cast<double>(z[j]) - max);
}

}  // namespace

double softmax_ce_scalar(const float* logits, const float* target, float* grad, size_t n,
                         size_t classes) {
  if (n == 0) return 0.0;
  const double dn = static_cast<double>(n);
  double total = 0.0;
  for (size_t r = 0; r < n; ++r) {
    const float* z = logits + r * classes;
    const float* t = target + r * classes;
    float* g = grad + r * classes;
    double buf[kCachedClasses];
    double* cache = classes <= kCachedClasses ? buf : nullptr;
    const RowStats st = row_stats(z, classes, cache);
    const double lse = st.max + std::log(st.sum);
    double tsum = 0.0;
    for (size_t j = 0; j < classes; ++j) {
      const double tj = t[j];
      tsum += tj;
      // t·(lse − z) rather than −t·log p: no log of an underflowed p.
      if (tj != 0.0) total += tj * (lse - static_cast<double>(z[j]));
    }
    for (size_t j = 0; j < classes; ++j) {
      const double p = row_exp(z, j, st.max, cache) / st.sum;
      g[j] = static_cast<float>((p * tsum - static_cast<double>(t[j])) / dn);
    }
  }
  return total / dn;
}

double softmax_ce_labels_scalar(const float* logits, const int32_t* labels, float* grad, size_t n,
                                size_t classes) {
  if (n == 0) return 0.0;
  const double dn = static_cast<double>(n);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double total = 0.0;
  for (size_t r = 0; r < n; ++r) {
    const float* z = logits + r * classes;
    float* g = grad + r * classes;
    const int32_t label = labels[r];
    const bool valid = label >= 0 && static_cast<size_t>(label) < classes;
    double buf[kCachedClasses];
    double* cache = classes <= kCachedClasses ? buf : nullptr;
    const RowStats st = row_stats(z, classes, cache);
    total += valid ? st.max + std::log(st.sum) - static_cast<double>(z[label]) : nan;
    for (size_t j = 0; j < classes; ++j) {
      const double p = row_exp(z, j, st.max, cache) / st.sum;
      const double onehot = static_cast<int64_t>(j) == label ? 1.0 : 0.0;
      g[j] = static_cast<float>(valid ? (p - onehot) / dn : nan);
    }
  }
  return total / dn;
}

double bce_scalar(const float* logits, const float* target, float* grad, size_t count) {
  if (count == 0) return 0.0;
  const double dc = static_cast<double>(count);
  double total = 0.0;
  for (size_t i = 0; i < count; ++i) {
    const double z = logits[i];
    const double t = target[i];
    const double e = std::exp(-std::fabs(z));
    total += std::fmax(z, 0.0) - z * t + std::log1p(e);
    // σ(z) without overflow: from e = exp(−|z|) on both sides of 0.
    const double s = z >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    grad[i] = static_cast<float>((s - t) / dc);
  }
  return total / dc;
}

const LossKernels* loss_kernels_scalar() {
  static const LossKernels table = [] {
    LossKernels t{};
    // By name from the list: each field gets its `field##_scalar` kernel.
#define NODEGRAD_X(kind, field, js, first) t.field = field##_scalar;
    NODEGRAD_LOSS_KERNELS(NODEGRAD_X)
#undef NODEGRAD_X
    return t;
  }();
  return &table;
}

}  // namespace nodegrad
