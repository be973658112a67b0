// Vector operations Swift's standard library only offers lane by lane.
//
// `SIMD8<Float>.squareRoot()` loops over the lanes through the C library's `sqrtf`
// (with its errno check), which keeps Adam from vectorizing. Clang's element-wise
// builtin is one `sqrtps`/`vsqrtps`, correctly rounded like `sqrtf`. Swift imports
// `ext_vector_type(8)` as `SIMD8<Float>`, and the inline body is compiled into the
// caller, so there is no call.
#ifndef NOTEBOOK_VECTOR_INTRINSICS_H
#define NOTEBOOK_VECTOR_INTRINSICS_H

typedef float notebook_float8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) notebook_float8 notebook_sqrt8(notebook_float8 x) {
    return __builtin_elementwise_sqrt(x);
}

// Interleaving two vectors, `a0 b0 a1 b1 …`: one unpack instruction per half, which Swift's
// SIMD types can only spell lane by lane. A stride-2 col2im builds each image row from its
// even and its odd columns with these.
static inline __attribute__((always_inline)) notebook_float8 notebook_interleave_low8(notebook_float8 a, notebook_float8 b) {
    return __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
}

static inline __attribute__((always_inline)) notebook_float8 notebook_interleave_high8(notebook_float8 a, notebook_float8 b) {
    return __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
}

// The even and the odd elements of `a` followed by `b`: a stride-2 im2col splits each image
// row into its even and odd columns, 16 pixels at a time.
static inline __attribute__((always_inline)) notebook_float8 notebook_even8(notebook_float8 a, notebook_float8 b) {
    return __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
}

static inline __attribute__((always_inline)) notebook_float8 notebook_odd8(notebook_float8 a, notebook_float8 b) {
    return __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
}

#endif
