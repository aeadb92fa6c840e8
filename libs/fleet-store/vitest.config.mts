import { projectVitestConfig } from '../../vitest.shared.mts';

// The contract suites open real databases and spawn child processes (SQLite WAL, kill -9): give them time,
// and run the spec files one after another so the 2 shared cores are not oversubscribed.
export default projectVitestConfig(import.meta.dirname, {
  test: { testTimeout: 30_000, hookTimeout: 30_000, fileParallelism: false },
});
