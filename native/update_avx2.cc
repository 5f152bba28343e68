// The AVX2 optimizer updates: -mavx2 without -mfma and with contraction off, so they stay bit-exact.
#include "update.h"
#define TG_UPDATE_NS avx2_impl
#define TG_UPDATE_FN update_avx2
#include "update.inc"
