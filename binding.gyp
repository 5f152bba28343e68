# Builds the optional native GEMM addon (build/Release/tapegrad.node). Each SIMD variant is its
# own static library so that only its translation unit gets the -m flags; the addon picks one
# at run time with __builtin_cpu_supports. On non-x86-64 only the portable variant is built.
{
  'target_defaults': {
    'cflags': ['-O3', '-ffp-contract=fast', '-fPIC', '-fvisibility=hidden'],
    'cflags!': ['-O2'],
    'cflags_cc': ['-std=gnu++17'],
    'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-O3', '-ffp-contract=fast']},
    'conditions': [
      ['target_arch=="x64"', {'defines': ['TG_HAVE_X86_VARIANTS']}],
    ],
  },
  'targets': [
    {
      'target_name': 'tapegrad',
      'sources': ['native/addon.cc', 'native/parallel.cc', 'native/gemm_scalar.cc', 'native/activation_scalar.cc'],
      'dependencies': ['tapegrad_update', 'tapegrad_activation64'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['tapegrad_avx2', 'tapegrad_avx512', 'tapegrad_update_avx2', 'tapegrad_activation_avx2', 'tapegrad_activation64_avx2']}],
      ],
    },
    {
      # The optimizer updates must round exactly as the TypeScript reference: no contraction into FMA.
      'target_name': 'tapegrad_update',
      'type': 'static_library',
      'sources': ['native/update_scalar.cc'],
      'cflags!': ['-ffp-contract=fast'],
      'cflags': ['-ffp-contract=off'],
      'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-ffp-contract=off']},
    },
    {
      # float64 exp/tanh/sigmoid must round exactly as V8's Math.* (fdlibm): no contraction into FMA.
      'target_name': 'tapegrad_activation64',
      'type': 'static_library',
      'sources': ['native/activation64_scalar.cc'],
      'cflags!': ['-ffp-contract=fast'],
      'cflags': ['-ffp-contract=off'],
      'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-ffp-contract=off']},
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'tapegrad_avx2',
          'type': 'static_library',
          'sources': ['native/gemm_avx2.cc'],
          'cflags': ['-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma']},
        },
        {
          'target_name': 'tapegrad_update_avx2',
          'type': 'static_library',
          'sources': ['native/update_avx2.cc'],
          'cflags!': ['-ffp-contract=fast'],
          'cflags': ['-mavx2', '-ffp-contract=off'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-ffp-contract=off']},
        },
        {
          'target_name': 'tapegrad_activation_avx2',
          'type': 'static_library',
          'sources': ['native/activation_avx2.cc'],
          # No trapping math: lets GCC turn the loops' selects into blends and vectorise them.
          'cflags': ['-mavx2', '-mfma', '-fno-trapping-math', '-fno-math-errno'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-mfma', '-fno-trapping-math', '-fno-math-errno']},
        },
        {
          'target_name': 'tapegrad_activation64_avx2',
          'type': 'static_library',
          'sources': ['native/activation64_avx2.cc'],
          # AVX2 without -mfma, contraction off: the same roundings as fdlibm's scalar code.
          'cflags!': ['-ffp-contract=fast'],
          'cflags': ['-mavx2', '-ffp-contract=off'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx2', '-ffp-contract=off']},
        },
        {
          'target_name': 'tapegrad_avx512',
          'type': 'static_library',
          'sources': ['native/gemm_avx512.cc'],
          'cflags': ['-mavx512f', '-mavx512vl', '-mavx2', '-mfma'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-mavx512f', '-mavx512vl', '-mavx2', '-mfma']},
        },
      ],
    }],
  ],
}
