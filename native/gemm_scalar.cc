// Portable variant, compiled without ISA flags: 16-byte vectors (SSE2 on x86-64, NEON on arm64,
// plain scalar code elsewhere), so it runs on any CPU node-gyp can build for.
#define TG_NS scalar
#define TG_NAME "scalar"
#define TG_FACTORY variant_scalar
#define TG_VBYTES 16
#define TG_MR_F 4
#define TG_NV_F 2
#define TG_KC_F 256
#define TG_MC_F 128
#define TG_NC_F 4096
#define TG_MR_D 4
#define TG_NV_D 2
#define TG_KC_D 256
#define TG_MC_D 64
#define TG_NC_D 2048
#include "gemm_impl.inc"
