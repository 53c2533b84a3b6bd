import { createInterface, type Interface } from 'node:readline';

/** Asks y/N on the terminal; anything but y or yes is a no. */
export type Confirm = (question: string) => Promise<boolean>;

export function askWith(rl: Interface): Confirm {
  return (question) => new Promise((resolve) => rl.question(question, (a) => resolve(/^y(es)?$/i.test(a.trim()))));
}

/** The one-shot mode opens readline only for the question, so Ctrl-C still interrupts the command. */
export const askOnce: Confirm = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await askWith(rl)(question);
  } finally {
    rl.close();
  }
};
