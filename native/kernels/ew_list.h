// The elementwise family's one list (C++ side; the TypeScript twin is
// lib/backend/families/elementwise.ts). From it come the kernel table's
// fields (ew.h), their filling by name in every ISA unit (ew_body.inc), the
// N-API registrations (binding/ew.cc) and the name list the addon exports so
// a test can hold it against the TS list. These are the kernels the
// TensorFlow.js backend (lib/tfjs/kernels/elementwise.ts) runs natively, with
// tfjs-backend-cpu's semantics (each formula below is the one tfjs evaluates
// in float64 and stores to float32).
// Plain macros only: this header is included by the ISA units.
#pragma once

// X(kind, field, "jsName"): one kernel. `kind` is its signature:
//   binary       f(a, b, out, n, mode)      out[i] = op(a[i], b[i])
//   compare      f(a, b, out_u8, n, mode)   out[i] = a[i] OP b[i] ? 1 : 0
//       mode (ew.h EwMode): both operands n long, b one scalar, or a one scalar.
//   unary        f(x, y, n)
//   unary_param  f(x, y, n, p0, p1)         float64 parameters (unused ones ignored)
//   grad         f(in, dy, dx, n)
// Select (condition ? t : e with a bool condition) has its own field (ew.h).
#define NODEGRAD_EW_KERNELS(X)                       \
  X(binary, add, "add")                              \
  X(binary, sub, "sub")                              \
  X(binary, mul, "mul")                              \
  X(binary, div, "div")                              \
  X(binary, maximum, "maximum")                      \
  X(binary, minimum, "minimum")                      \
  X(binary, squared_difference, "squaredDifference") \
  X(binary, prelu_tf, "preluTf")                     \
  X(compare, greater, "greater")                     \
  X(compare, greater_equal, "greaterEqual")          \
  X(compare, less, "less")                           \
  X(compare, less_equal, "lessEqual")                \
  X(compare, equal, "equal")                         \
  X(compare, not_equal, "notEqual")                  \
  X(unary, neg, "neg")                               \
  X(unary, abs, "abs")                               \
  X(unary, square, "square")                         \
  X(unary, sqrt, "sqrt")                             \
  X(unary, rsqrt, "rsqrt")                           \
  X(unary, exp, "exp")                               \
  X(unary, log, "log")                               \
  X(unary, softplus, "softplus")                     \
  X(unary, relu6, "relu6")                           \
  X(unary_param, step, "step")                       \
  X(unary_param, clip, "clip")                       \
  X(unary_param, leaky_relu_tf, "leakyReluTf")       \
  X(grad, elu_grad_y, "eluGradY")

// The field declarations of each kind, for struct EwKernels.
#define NODEGRAD_EW_FIELD_binary(f) \
  void (*f)(const float* a, const float* b, float* out, size_t n, int mode);
#define NODEGRAD_EW_FIELD_compare(f) \
  void (*f)(const float* a, const float* b, uint8_t* out, size_t n, int mode);
#define NODEGRAD_EW_FIELD_unary(f) void (*f)(const float* x, float* y, size_t n);
#define NODEGRAD_EW_FIELD_unary_param(f) \
  void (*f)(const float* x, float* y, size_t n, double p0, double p1);
#define NODEGRAD_EW_FIELD_grad(f) void (*f)(const float* in, const float* dy, float* dx, size_t n);
