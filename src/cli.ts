import { type ExitStatus, main } from './app/main.js';

// The process entry: signals in, exit codes out. Everything else is src/app.
const EXIT: Record<ExitStatus, number> = { ok: 0, failed: 1, usage: 2, interrupted: 130 };

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

main(process.argv.slice(2), { interrupted }).then(
  (status) => process.exit(EXIT[status]),
  (err: unknown) => {
    process.stderr.write(`mlops-bot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
