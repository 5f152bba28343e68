import { defineConfig } from 'vitest/config';

// Tests run in Node; slow full trainings live in examples/ and bench/, not here.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
