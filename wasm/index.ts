// The entry of the wasm kernels module (see wasm/README.md): everything src/kernels/wasm.ts calls.
export { gemm32, gemm64, work32, work64 } from './gemm';
export { activation32 } from './activation';
export { activation64 } from './activation64';
