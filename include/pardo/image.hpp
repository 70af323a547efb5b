#pragma once
/// @file
/// Image kernels on any executor: the Mandelbrot set by escape time.

#include "pardo/image/mandelbrot.hpp"  // IWYU pragma: export
