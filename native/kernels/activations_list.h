// The activation family's one list (C++ side; the TypeScript twin is
// lib/backend/families/activations.ts). From it come the kernel table's
// fields (activations.h), their filling by name in every ISA unit
// (activations_body.inc), the N-API registrations (binding/activations.cc),
// the fused-activation ids of denseForward's epilogue (binding/gemm.cc) and
// the lists the addon exports so a test can hold them against the TS list.
// Plain macros only: this header is included by the ISA units.
#pragma once

// X(kind, field, "jsName"): one kernel. `kind` is its signature:
//   unary        f(x, y, n)                      y = f(x)
//   unary_alpha  f(x, y, n, alpha)
//   binary       f(in, dy, dx, n)                dx = dy·f'(…), `in` is x or y
//   binary_alpha f(in, dy, dx, n, alpha)
//   unary_approx / binary_approx: as unary / binary, with a second field
//       `field##_tanh` for GELU's tanh approximation; the JS kernel takes
//       `approximate` (0 = none, 1 = tanh) and picks one of the two.
// PReLU (learned per-feature α) has its own kind and fields (activations.h).
#define NODEGRAD_ACTIVATION_KERNELS(X)                      \
  X(unary, relu, "relu")                                    \
  X(binary, relu_backward, "reluBackward")                  \
  X(unary_alpha, leaky_relu, "leakyRelu")                   \
  X(binary_alpha, leaky_relu_backward, "leakyReluBackward") \
  X(unary_alpha, elu, "elu")                                \
  X(binary_alpha, elu_backward, "eluBackward")              \
  X(unary, sigmoid, "sigmoid")                              \
  X(binary, sigmoid_backward, "sigmoidBackward")            \
  X(unary, tanh, "tanh")                                    \
  X(binary, tanh_backward, "tanhBackward")                  \
  X(unary_approx, gelu, "gelu")                             \
  X(binary_approx, gelu_backward, "geluBackward")           \
  X(unary, silu, "silu")                                    \
  X(binary, silu_backward, "siluBackward")

// X(id, field, "jsName", kind): denseForward's epilogue ids (`kind` is
// none, unary or unary_alpha; `field` names the table entry applied).
// Must equal FUSED_ACTIVATIONS in lib/backend/families/activations.ts.
#define NODEGRAD_FUSED_ACTIVATIONS(X)        \
  X(0, none, "none", none)                   \
  X(1, relu, "relu", unary)                  \
  X(2, leaky_relu, "leakyRelu", unary_alpha) \
  X(3, elu, "elu", unary_alpha)              \
  X(4, sigmoid, "sigmoid", unary)            \
  X(5, tanh, "tanh", unary)                  \
  X(6, gelu, "gelu", unary)                  \
  X(7, gelu_tanh, "geluTanh", unary)         \
  X(8, silu, "silu", unary)

// The field declarations of each kind, for struct ActivationKernels.
#define NODEGRAD_ACT_FIELD_unary(f) void (*f)(const float* x, float* y, size_t n);
#define NODEGRAD_ACT_FIELD_unary_alpha(f) \
  void (*f)(const float* x, float* y, size_t n, float alpha);
#define NODEGRAD_ACT_FIELD_binary(f) \
  void (*f)(const float* in, const float* dy, float* dx, size_t n);
#define NODEGRAD_ACT_FIELD_binary_alpha(f) \
  void (*f)(const float* in, const float* dy, float* dx, size_t n, float alpha);
#define NODEGRAD_ACT_FIELD_unary_approx(f) \
  NODEGRAD_ACT_FIELD_unary(f) NODEGRAD_ACT_FIELD_unary(f##_tanh)
#define NODEGRAD_ACT_FIELD_binary_approx(f) \
  NODEGRAD_ACT_FIELD_binary(f) NODEGRAD_ACT_FIELD_binary(f##_tanh)

// Filling a table `t` by name from functions named like the fields.
#define NODEGRAD_ACT_FILL_unary(t, f) t.f = f;
#define NODEGRAD_ACT_FILL_unary_alpha(t, f) t.f = f;
#define NODEGRAD_ACT_FILL_binary(t, f) t.f = f;
#define NODEGRAD_ACT_FILL_binary_alpha(t, f) t.f = f;
#define NODEGRAD_ACT_FILL_unary_approx(t, f) \
  t.f = f;                                   \
  t.f##_tanh = f##_tanh;
#define NODEGRAD_ACT_FILL_binary_approx(t, f) \
  t.f = f;                                    \
  t.f##_tanh = f##_tanh;
