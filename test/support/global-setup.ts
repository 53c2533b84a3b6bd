// Integration and e2e need the real services; a missing one fails the run with the fix, never a skip.
import { servicesFromEnv } from './services.js';

export default async function setup(): Promise<void> {
  const problems: string[] = [];
  for (const s of servicesFromEnv()) {
    const ok = await s.ping().catch(() => false);
    if (!ok) problems.push(`${s.name} is not answering on ${s.url}: ${s.fix}`);
  }
  if (problems.length) throw new Error(`Real services missing:\n  ${problems.join('\n  ')}`);
}
