// The portable float32 exp/tanh/sigmoid loops.
#include "activation.h"
#define TG_ACT_NS scalar_act
#define TG_ACT_FN activation_scalar
#include "activation.inc"
