// maskSecrets throughput on hostile log lines, and the slowest line of each adversarial shape.
// Run: npx tsx bench/mask-secrets.ts [lines=10000] [rounds=5]. Prints figures; asserts nothing.
// The goal (issue 10): under 50 ms per MB of hostile lines, so no log a task prints can stall the event loop.
import { maskSecretLines } from '../src/bot/secrets/index.js';
import { ADVERSARIAL_UNITS, hostileLines } from '../test/support/hostile-lines.js';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 5);

const lines = hostileLines(count);
const mb = lines.reduce((n, l) => n + l.length, 0) / 1e6;

/** CPU time of this process in ms: on a shared machine wall time mostly measures the neighbours. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// Warm up the JIT on the same data, then keep the best round: the best is the least disturbed.
maskSecretLines(lines);
let wall = Number.POSITIVE_INFINITY;
let cpu = Number.POSITIVE_INFINITY;
for (let r = 0; r < rounds; r++) {
  const [w0, c0] = [performance.now(), cpuMs()];
  maskSecretLines(lines);
  wall = Math.min(wall, performance.now() - w0);
  cpu = Math.min(cpu, cpuMs() - c0);
}
console.log(`${count} hostile lines, ${mb.toFixed(1)} MB, best of ${rounds} rounds:`);
for (const [what, ms] of [
  ['CPU', cpu],
  ['wall', wall],
] as const)
  console.log(`  ${what.padEnd(4)} ${(ms / mb).toFixed(1)} ms per MB, ${(mb / (ms / 1000)).toFixed(1)} MB/s`);
console.log('  goal: under 50 ms per MB');

// One 8 KB line of each repeated unit: the worst single line the masking can be handed.
const worst = ADVERSARIAL_UNITS.map((unit) => {
  const line = unit.repeat(Math.ceil(8_192 / unit.length)).slice(0, 8_192);
  let ms = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds * 4; r++) {
    const t0 = performance.now();
    maskSecretLines([line]);
    ms = Math.min(ms, performance.now() - t0);
  }
  return { unit, ms };
}).sort((a, b) => b.ms - a.ms);
console.log('slowest 8 KB lines (best of runs):');
for (const w of worst.slice(0, 8)) console.log(`  ${JSON.stringify(w.unit).padEnd(26)} ${(w.ms * 1000).toFixed(0)} µs`);
