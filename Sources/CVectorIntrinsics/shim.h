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

#endif
