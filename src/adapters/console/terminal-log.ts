/**
 * A pino destination for a person at a terminal: one `mlops-bot: <message>: <error>` line per record, instead of
 * JSON that is for log collectors.
 */
export const terminalLog = {
  write(record: string): void {
    try {
      const r = JSON.parse(record) as { msg?: string; err?: { message?: string } };
      process.stderr.write(`mlops-bot: ${r.msg ?? 'error'}${r.err?.message ? `: ${r.err.message}` : ''}\n`);
    } catch {
      process.stderr.write(record);
    }
  },
};
