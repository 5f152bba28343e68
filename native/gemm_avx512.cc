// AVX-512 variant: 32 zmm registers hold a 6×64 (float) or 6×32 (double) tile of C.
#define TG_NS avx512
#define TG_NAME "avx512"
#define TG_FACTORY variant_avx512
#define TG_VBYTES 64
#define TG_MR_F 6
#define TG_NV_F 4
#define TG_KC_F 256
#define TG_MC_F 144
#define TG_NC_F 4096
#define TG_MR_D 6
#define TG_NV_D 4
#define TG_KC_D 256
#define TG_MC_D 72
#define TG_NC_D 2048
#include "gemm_impl.inc"
