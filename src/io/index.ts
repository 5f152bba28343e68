/** Public surface of checkpoint I/O: atomic writes, save/load/restore with validation. */
export { writeFileAtomic } from './atomic.js';
export type { WriteFaults } from './atomic.js';
export { saveCheckpoint, loadCheckpoint, restoreParameters } from './checkpoint.js';
export type { Checkpoint, CheckpointContent, StoredTensor } from './checkpoint.js';
