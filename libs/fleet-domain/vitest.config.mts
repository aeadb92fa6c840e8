import { projectVitestConfig } from '../../vitest.shared.mts';

// fleet-domain is pure logic: hold it to >= 95% line coverage (issue 8).
export default projectVitestConfig(import.meta.dirname, {
  test: { coverage: { thresholds: { lines: 95, statements: 95, functions: 95 } } },
});
