import { quote } from '../../bot/command-line.js';

/** argv is already split by the shell; re-quote each word so the core's tokenizer sees the same words. */
export function argvToLine(argv: readonly string[]): string {
  return argv
    .map((a) => {
      const flag = /^(--[\w-]+)(=(.*))?$/s.exec(a);
      if (flag) return flag[2] === undefined ? a : `${flag[1]}=${quote(flag[3] ?? '', false)}`;
      const pair = /^([A-Za-z_][\w.-]*)=(.*)$/s.exec(a);
      if (pair) return `${pair[1]}=${quote(pair[2] ?? '', false)}`;
      return quote(a, true);
    })
    .join(' ');
}
