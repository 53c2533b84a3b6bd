// Runs vitest and ends with the one summary line CI reads: "N passed, N failed[, N skipped]".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = 'reports/vitest.json';
mkdirSync('reports', { recursive: true });
rmSync(report, { force: true });
const { status } = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  skipped = r.numPendingTests + r.numTodoTests;
  if (r.numTotalTests === 0) failed = Math.max(failed, 1);
} catch {
  // no report: vitest stopped before running tests
}
if (status !== 0 && failed === 0) failed = 1; // a red run never prints "0 failed"
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status ?? 1);
