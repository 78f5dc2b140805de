// The same kernels for the baseline ISA (SSE2 on x86-64, NEON on arm64).
#include <cstdlib>
#include <cstring>

#include "simd.h"
#define MF_ISA_NS generic
#define MF_ISA_NAME "generic"
#define MF_ISA_GETTER simd_generic
#include "simd-kernels.inc"

namespace motionfuse {

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}

const SimdKernels& simd() {
  static const SimdKernels& chosen = [] () -> const SimdKernels& {
    const char* isa = std::getenv("MOTIONFUSE_NATIVE_ISA");
    if (isa != nullptr && std::strcmp(isa, "generic") == 0) return simd_generic();
    const bool at_most_avx2 = isa != nullptr && std::strcmp(isa, "avx2") == 0;
#if defined(__x86_64__) || defined(__i386__)
    if (!at_most_avx2 && cpu_has_avx512()) return simd_avx512();
    if (cpu_has_avx2_fma()) return simd_avx2();
#endif
    return simd_generic();
  }();
  return chosen;
}

}  // namespace motionfuse
