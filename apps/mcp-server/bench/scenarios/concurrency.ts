import type { ScenarioResult } from '../lib/report.js';
export async function concurrencyScenario(_o: { runs: number; warmup: number }): Promise<ScenarioResult> {
  return { id: '4', title: '', rows: [], notes: [], skipped: 'not implemented yet' };
}
