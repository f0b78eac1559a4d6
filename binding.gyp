{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-fno-rtti"],
    "cflags": ["-O3", "-fvisibility=hidden", "-ffp-contract=off", "-Wall", "-Wextra"],
    "cflags_cc": ["-std=c++17", "-fvisibility-inlines-hidden"],
    # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: a native call in a worker that
    # is being terminated cannot throw into JS; without it node-addon-api
    # rethrows in C++ and std::terminate aborts the whole process.
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CFLAGS": ["-ffp-contract=off", "-fvisibility=hidden"]
    },
    "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1}}
  },
  "targets": [
    {
      "target_name": "nodegrad",
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "sources": ["<!@(node scripts/gyp-sources.cjs baseline)"],
      "libraries": ["-lpthread"],
      "conditions": [
        ["target_arch=='x64'", {"dependencies": ["nodegrad_avx2", "nodegrad_avx512"]},
         {"sources": ["<!@(node scripts/gyp-sources.cjs avx2)", "<!@(node scripts/gyp-sources.cjs avx512)"]}]
      ]
    }
  ],
  "variables": {"have_gloo": "<!(node scripts/have-gloo.cjs)"},
  "conditions": [
    # The optional collectives addon (distributed training over Gloo): built
    # only where Gloo is installed; the main addon never depends on it. Its
    # name sorts after nodegrad.node, so node-gyp-build's first match in
    # build/Release stays the main addon; lib/distributed/native.ts loads this
    # one by its path.
    ["have_gloo==1", {
      "targets": [
        {
          "target_name": "nodegrad_collectives",
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
          "sources": ["native/collectives/store.cc", "native/collectives/group.cc", "native/binding/collectives/addon.cc"],
          "defines": ["HIREDIS_NESTED_INCLUDE"],
          "libraries": ["-lgloo", "-lpthread"]
        }
      ]
    }],
    ["target_arch=='x64'", {
      "targets": [
        {
          # AVX2+FMA kernels in their own static library so that only these
          # files get the ISA flags; they are reached only through dispatch
          # after a CPUID check. They include no shared inline code: an
          # inline or template function (std::min, a vector method)
          # instantiated here could be picked by the linker for baseline
          # callers and crash CPUs without AVX2.
          "target_name": "nodegrad_avx2",
          "type": "static_library",
          "sources": ["<!@(node scripts/gyp-sources.cjs avx2)"],
          "cflags": ["-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CFLAGS": ["-mavx2", "-mfma", "-ffp-contract=off"]}
        },
        {
          # AVX-512F kernels, under the same rules as the AVX2 library: no
          # other translation unit gets these flags, and they are reached
          # only after cpu.cc has checked CPUID and the OS's ZMM state.
          "target_name": "nodegrad_avx512",
          "type": "static_library",
          "sources": ["<!@(node scripts/gyp-sources.cjs avx512)"],
          "cflags": ["-mavx512f", "-mavx2", "-mfma"],
          "xcode_settings": {"OTHER_CFLAGS": ["-mavx512f", "-mavx2", "-mfma", "-ffp-contract=off"]}
        }
      ]
    }]
  ]
}
