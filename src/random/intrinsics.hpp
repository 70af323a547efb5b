#pragma once
// <immintrin.h> for the SIMD kernel files. GCC 12's intrinsics headers initialise their
// placeholder "undefined" vectors from themselves, which -Wuninitialized flags once inlined
// (GCC bug 105593); the warning is silenced for this header only.

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
