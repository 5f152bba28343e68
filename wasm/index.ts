// The entry of the wasm kernels module (see wasm/README.md): everything src/kernels/wasm.ts calls.
export { gemm32, gemm32Part, gemm64, gemm64Part, work32, work64 } from './gemm';
export { activation32 } from './activation';
export { activation64 } from './activation64';

/** The first byte after the module's static data: src/kernels/wasm.ts places its control block and operands from there. */
export function heapBase(): usize {
  return __heap_base;
}
