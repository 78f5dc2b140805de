// Single-precision matrix products: packed panels, cache blocking and the SIMD micro-kernel, in
// the manner of GotoBLAS/BLIS, sized for the small-to-medium shapes of our models.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace motionfuse {

// A row-major matrix operand, optionally transposed: element (i, k) is
// data[i * ld + k], or data[k * ld + i] when trans.
struct MatrixRef {
  const float* data;
  int ld;
  bool trans;
  float at(int i, int k) const { return trans ? data[k * ld + i] : data[i * ld + k]; }
  MatrixRef offset(int row0, int col0) const {
    return {trans ? data + col0 * ld + row0 : data + row0 * ld + col0, ld, trans};
  }
};

// gemm sums over K in blocks of this many (each block's sum then added to C), so a caller that
// splits K at the same places gets the same results from gemm_packed.
constexpr int kGemmKC = 256;

// C[M x N] = (accumulate ? C : 0) + A[M x K] . B[K x N]; ldc is C's row stride. Uses the thread
// pool when the product is large enough to pay for it.
void gemm(int M, int N, int K, MatrixRef A, MatrixRef B, float* C, int ldc, bool accumulate);
// The same on the calling thread only.
void gemm_serial(int M, int N, int K, MatrixRef A, MatrixRef B, float* C, int ldc, bool accumulate);

// Packs start on a cache line, so that no 64-byte (AVX-512) load of a panel straddles two.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64))); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
  bool operator==(const CacheLineAllocator&) const { return true; }
  bool operator!=(const CacheLineAllocator&) const { return false; }
};
using AlignedFloats = std::vector<float, CacheLineAllocator<float>>;

// B packed once, whole, for many products with few rows of A (an LSTM's recurrent step).
struct PackedB {
  int K = 0;
  int N = 0;
  AlignedFloats panels;  // panel p (columns p*kNR ...) at panels[p * K * kNR], [K][kNR]
};
PackedB pack_b(int K, int N, MatrixRef B);
// C[M x N] (+)= A[M x K] . B on the calling thread.
void gemm_packed(int M, MatrixRef A, const PackedB& B, float* C, int ldc, bool accumulate);

}  // namespace motionfuse
