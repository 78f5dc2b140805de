// Built with -mavx2 -mfma (binding.gyp); only called when the CPU reports both.
#include "simd.h"
#define MF_ISA_NS avx2
#define MF_ISA_NAME "avx2+fma"
#define MF_ISA_GETTER simd_avx2
#include "simd-kernels.inc"
