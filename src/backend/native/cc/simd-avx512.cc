// Built with -mavx512f -mavx512vl -mavx512bw -mfma (binding.gyp); only called when the CPU reports them.
#include "simd.h"
#define MF_ISA_NS avx512
#define MF_ISA_NAME "avx512"
#define MF_ISA_GETTER simd_avx512
#define MF_ISA_MR 16
#include "simd-kernels.inc"
