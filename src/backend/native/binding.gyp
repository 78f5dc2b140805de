{
  "targets": [
    {
      "target_name": "motionfuse_simd_avx2",
      "type": "static_library",
      "sources": ["cc/simd-avx2.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fPIC"],
      "cflags_cc!": ["-fno-exceptions"],
      "conditions": [["target_arch=='x64' or target_arch=='ia32'", {"cflags_cc": ["-mavx2", "-mfma"]}]]
    },
    {
      "target_name": "motionfuse_simd_avx512",
      "type": "static_library",
      "sources": ["cc/simd-avx512.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fPIC"],
      "cflags_cc!": ["-fno-exceptions"],
      "conditions": [["target_arch=='x64' or target_arch=='ia32'", {"cflags_cc": ["-mavx512f", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma"]}]]
    },
    {
      "target_name": "motionfuse_native",
      "dependencies": ["motionfuse_simd_avx2", "motionfuse_simd_avx512"],
      "sources": ["cc/adam.cc", "cc/addon.cc", "cc/bindings-conv.cc", "cc/bindings-inference.cc", "cc/bindings-matrix.cc", "cc/bindings-training.cc", "cc/attention.cc", "cc/batch-norm.cc", "cc/conv.cc", "cc/conv-block.cc", "cc/conv-pool.cc", "cc/temporal-block.cc", "cc/conv2d-bias.cc", "cc/inference.cc", "cc/elementwise.cc", "cc/gemm.cc", "cc/lstm.cc", "cc/pool.cc", "cc/relu.cc", "cc/simd-generic.cc", "cc/thread-pool.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lpthread"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3"]
      }
    }
  ]
}
