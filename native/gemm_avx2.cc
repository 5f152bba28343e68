// AVX2+FMA variant: 16 ymm registers hold the classic 6×16 (float) or 6×8 (double) tile.
#define TG_NS avx2
#define TG_NAME "avx2"
#define TG_FACTORY variant_avx2
#define TG_VBYTES 32
#define TG_MR_F 6
#define TG_NV_F 2
#define TG_KC_F 256
#define TG_MC_F 144
#define TG_NC_F 4096
#define TG_MR_D 6
#define TG_NV_D 2
#define TG_KC_D 256
#define TG_MC_D 72
#define TG_NC_D 2048
#include "gemm_impl.inc"
