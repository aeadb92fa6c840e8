/** Reads every vitest JSON report (projects write test-output/vitest/results.json) and sums the counts. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function collectReports(root) {
  const reports = [];
  for (const group of ['libs', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const project of readdirSync(dir)) {
      const file = join(dir, project, 'test-output/vitest/results.json');
      if (existsSync(file)) reports.push(JSON.parse(readFileSync(file, 'utf8')));
    }
  }
  return reports;
}

export function summarize(reports) {
  let passed = 0;
  let failed = 0;
  for (const report of reports) {
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(report);
  }
  return { passed, failed, reports: reports.length };
}

/** A suite that failed only because a test in it failed is already counted by numFailedTests. */
function countSuitesWithFailedTests(report) {
  return (report.testResults ?? []).filter(
    (suite) => suite.status === 'failed' && (suite.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}
