/** Public surface of checkpoint I/O: atomic writes, save/load/restore with validation. */
export { writeFileAtomic, removeStaleTemps } from './atomic.js';
export type { WriteFaults } from './atomic.js';
export { saveCheckpoint, loadCheckpoint, restoreParameters } from './checkpoint.js';
export type { Checkpoint, CheckpointContent, StoredTensor, MetaValidator } from './checkpoint.js';
