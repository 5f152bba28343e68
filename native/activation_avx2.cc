// The AVX2+FMA float32 exp/tanh/sigmoid loops (FMA only changes roundings far below float32 resolution).
#include "activation.h"
#define TG_ACT_NS avx2_act
#define TG_ACT_FN activation_avx2
#include "activation.inc"
