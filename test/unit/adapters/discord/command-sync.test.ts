import { describe, expect, it } from 'vitest';
import { asCommandList, sameCommands } from '../../../../src/adapters/discord/command-sync.js';

const sent = {
  name: 'mlops',
  description: 'MLOps',
  type: 1,
  options: [
    {
      type: 1,
      name: 'trigger',
      description: 'Trigger',
      options: [{ type: 3, name: 'dag', description: 'DAG', required: true, autocomplete: true }],
    },
  ],
};
// What Discord answers to GET: ids, versions and defaults added, `required: false` and empty lists dropped.
const echoed = {
  ...sent,
  id: '1300000000000000001',
  application_id: '1300000000000000002',
  version: '1300000000000000003',
  default_member_permissions: null,
  nsfw: false,
  options: [{ ...sent.options[0], options: [{ ...sent.options[0]?.options[0], name_localizations: null }] }],
};

describe('sameCommands', () => {
  it('treats what Discord echoes back as the same as what was sent', () => {
    expect(sameCommands([echoed], [sent])).toBe(true);
  });

  it('sees a changed description, a new option or a flipped required flag', () => {
    const opt = sent.options[0]?.options[0] as object;
    const withOpts = (options: object[]) => ({ ...sent, options: [{ ...sent.options[0], options }] });
    expect(sameCommands([echoed], [{ ...sent, description: 'other' }])).toBe(false);
    expect(sameCommands([echoed], [withOpts([opt, { type: 3, name: 'conf', description: 'JSON' }])])).toBe(false);
    expect(sameCommands([echoed], [withOpts([{ ...opt, required: false }])])).toBe(false);
  });

  it('sees nothing registered yet as different', () => {
    expect(sameCommands([], [sent])).toBe(false);
  });

  it('accepts one command or a list', () => {
    expect(asCommandList(sent)).toEqual([sent]);
    expect(asCommandList([sent, sent])).toHaveLength(2);
  });
});
