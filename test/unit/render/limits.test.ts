import { describe, expect, it } from 'vitest';
import { tailLines, truncateText } from '../../../src/render/limits.js';

describe('truncateText', () => {
  it('returns text that fits unchanged', () => {
    expect(truncateText('short', 5)).toBe('short');
  });

  it('cuts a list at a line and says how many lines are left out', () => {
    const list = Array.from({ length: 100 }, (_, i) => `dag_${i}`).join('\n');
    const out = truncateText(list, 60);
    expect(out.length).toBeLessThanOrEqual(60);
    expect(out.split('\n').slice(0, 2)).toEqual(['dag_0', 'dag_1']);
    const shown = out.split('\n').length - 1;
    expect(out.endsWith(`… and ${100 - shown} more lines`)).toBe(true);
  });

  it('cuts one long line by characters and counts them exactly', () => {
    const out = truncateText('x'.repeat(100), 30);
    expect(out.length).toBeLessThanOrEqual(30);
    const kept = out.indexOf('…');
    expect(out.slice(kept)).toBe(`… and ${100 - kept} more chars`);
  });

  it('never splits an emoji in two', () => {
    const out = truncateText('🚨'.repeat(50), 40);
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('still fits when the room is smaller than the note', () => {
    expect(truncateText('abcdefghij', 4)).toBe('abc…');
  });
});

describe('tailLines', () => {
  const log = Array.from({ length: 500 }, (_, i) => `line ${i + 1}`).join('\n');

  it('keeps the last lines and says how many earlier lines were cut', () => {
    const out = tailLines(log, 200);
    expect(out.length).toBeLessThanOrEqual(200);
    const [note, ...rest] = out.split('\n');
    expect(rest.at(-1)).toBe('line 500');
    expect(note).toBe(`... ${500 - rest.length} earlier lines cut`);
    expect(rest[0]).toBe(`line ${500 - rest.length + 1}`);
  });

  it('keeps the end of a single line longer than the room', () => {
    const out = tailLines(`start ${'z'.repeat(1000)} END`, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^\.\.\. \d+ earlier chars cut\nz+ END$/);
  });

  it('returns a log that fits unchanged', () => {
    expect(tailLines('a\nb', 3)).toBe('a\nb');
  });
});
