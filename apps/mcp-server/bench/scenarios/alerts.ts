import type { ScenarioResult } from '../lib/report.js';
export async function alertsScenario(): Promise<ScenarioResult> {
  return { id: '0', title: '', rows: [], notes: [], skipped: 'not implemented yet' };
}
