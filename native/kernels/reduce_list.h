// The reductions family's one list (C++ side; the TypeScript twin is
// lib/backend/families/reductions.ts): reductions over the last axis (rows)
// and over axis 0 (cols), softmax/logSoftmax over the last axis, row gather,
// (batched) 2-D transpose, dtype casts and one-hot. From it come the kernel
// table's fields (reduce.h), their filling by name in every ISA unit
// (reduce_body.inc), the N-API registrations (binding/reduce.cc) and the
// name list the addon exports so a test can hold it against the TS list.
// Plain macros only: this header is included by the ISA units.
#pragma once

// X(kind, field, "jsName"): one kernel. `kind` is its signature; x is
// rows x cols, row-major, in every kind that has rows and cols:
//   reduce_rows  f(x, y, rows, cols)       y[r] over x's row r       (y: rows)
//   reduce_cols  f(x, y, rows, cols)       y[c] over x's column c    (y: cols)
//   index_rows   f(x, y, rows, cols)       int32 y[r]                (y: rows)
//   index_cols   f(x, y, rows, cols)       int32 y[c]                (y: cols)
//   map_rows     f(x, y, rows, cols)       y = f(x) row by row       (y: rows x cols)
//   transpose    f(x, y, batch, rows, cols) 4-byte elements, y[b] = x[b]ᵀ
//   gather       f(x, indices, y, count, row_len) 4-byte rows y[i] = x[indices[i]]
//   cast_<a>_<b> f(x, y, n)                elementwise dtype conversion
//   one_hot      f(indices, y, n, depth, on, off)
#define NODEGRAD_REDUCE_KERNELS(X)                    \
  X(reduce_rows, sum_rows, "sumRows")                 \
  X(reduce_rows, mean_rows, "meanRows")               \
  X(reduce_rows, max_rows, "maxRows")                 \
  X(reduce_rows, min_rows, "minRows")                 \
  X(index_rows, argmax_rows, "argMaxRows")            \
  X(reduce_cols, sum_cols, "sumCols")                 \
  X(reduce_cols, mean_cols, "meanCols")               \
  X(reduce_cols, max_cols, "maxCols")                 \
  X(reduce_cols, min_cols, "minCols")                 \
  X(index_cols, argmax_cols, "argMaxCols")            \
  X(map_rows, softmax, "softmax")                     \
  X(map_rows, log_softmax, "logSoftmax")              \
  X(transpose, transpose, "transpose")                \
  X(gather, gather_rows, "gatherRows")                \
  X(cast_f32_i32, cast_f32_i32, "castFloat32ToInt32") \
  X(cast_i32_f32, cast_i32_f32, "castInt32ToFloat32") \
  X(cast_u8_f32, cast_u8_f32, "castBoolToFloat32")    \
  X(cast_u8_i32, cast_u8_i32, "castBoolToInt32")      \
  X(cast_f32_u8, cast_f32_u8, "castFloat32ToBool")    \
  X(one_hot, one_hot, "oneHot")

// The field declarations of each kind, for struct ReduceKernels.
#define NODEGRAD_RED_FIELD_reduce_rows(f) \
  void (*f)(const float* x, float* y, size_t rows, size_t cols);
#define NODEGRAD_RED_FIELD_reduce_cols(f) NODEGRAD_RED_FIELD_reduce_rows(f)
#define NODEGRAD_RED_FIELD_map_rows(f) NODEGRAD_RED_FIELD_reduce_rows(f)
#define NODEGRAD_RED_FIELD_index_rows(f) \
  void (*f)(const float* x, int32_t* y, size_t rows, size_t cols);
#define NODEGRAD_RED_FIELD_index_cols(f) NODEGRAD_RED_FIELD_index_rows(f)
#define NODEGRAD_RED_FIELD_transpose(f) \
  void (*f)(const uint32_t* x, uint32_t* y, size_t batch, size_t rows, size_t cols);
#define NODEGRAD_RED_FIELD_gather(f) \
  void (*f)(const uint32_t* x, const int32_t* indices, uint32_t* y, size_t count, size_t row_len);
#define NODEGRAD_RED_FIELD_cast_f32_i32(f) void (*f)(const float* x, int32_t* y, size_t n);
#define NODEGRAD_RED_FIELD_cast_i32_f32(f) void (*f)(const int32_t* x, float* y, size_t n);
#define NODEGRAD_RED_FIELD_cast_u8_f32(f) void (*f)(const uint8_t* x, float* y, size_t n);
#define NODEGRAD_RED_FIELD_cast_u8_i32(f) void (*f)(const uint8_t* x, int32_t* y, size_t n);
#define NODEGRAD_RED_FIELD_cast_f32_u8(f) void (*f)(const float* x, uint8_t* y, size_t n);
#define NODEGRAD_RED_FIELD_one_hot(f)                                                 \
  void (*f)(const int32_t* indices, float* y, size_t n, size_t depth, float on_value, \
            float off_value);
