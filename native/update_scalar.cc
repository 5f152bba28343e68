// The portable optimizer updates (SSE2 on x86-64, NEON on arm64), compiled with contraction off.
#include "update.h"
#define TG_UPDATE_NS scalar_impl
#define TG_UPDATE_FN update_scalar
#include "update.inc"
