import { describe, expect, it } from 'vitest';
import { looksFramed, parseLogFrames, parsePlainLog } from '../../../src/clients/docker/log-frames.js';

function frame(stream: 1 | 2, text: string | Uint8Array): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('parseLogFrames', () => {
  it('splits stdout and stderr frames into lines tagged with their stream, in order', () => {
    const buf = Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\n'), frame(1, 'tick\ntock\n')]);
    expect(parseLogFrames(buf)).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'tick' },
      { stream: 'stdout', text: 'tock' },
    ]);
  });

  it('joins a line that spans two frames of the same stream', () => {
    const buf = Buffer.concat([frame(1, 'first ha'), frame(1, 'lf\n')]);
    expect(parseLogFrames(buf)).toEqual([{ stream: 'stdout', text: 'first half' }]);
  });

  it('keeps a multi-byte character split across frames intact', () => {
    const bytes = Buffer.from('café ✓\n', 'utf8');
    const buf = Buffer.concat([frame(2, bytes.subarray(0, 4)), frame(2, bytes.subarray(4))]);
    expect(parseLogFrames(buf)).toEqual([{ stream: 'stderr', text: 'café ✓' }]);
  });

  it('keeps the last line without a newline and strips CR from CRLF lines', () => {
    const buf = Buffer.concat([frame(1, 'windows\r\n'), frame(1, 'no newline')]);
    expect(parseLogFrames(buf)).toEqual([
      { stream: 'stdout', text: 'windows' },
      { stream: 'stdout', text: 'no newline' },
    ]);
  });

  it('keeps what arrived of a truncated last frame', () => {
    const full = frame(1, 'complete\n');
    const cut = frame(2, 'partial line\n').subarray(0, 8 + 7);
    expect(parseLogFrames(Buffer.concat([full, cut]))).toEqual([
      { stream: 'stdout', text: 'complete' },
      { stream: 'stderr', text: 'partial' },
    ]);
  });

  it('returns nothing for an empty buffer and an empty frame', () => {
    expect(parseLogFrames(Buffer.alloc(0))).toEqual([]);
    expect(parseLogFrames(frame(1, ''))).toEqual([]);
  });

  it('treats bytes that stop looking like frames as stdout text instead of dropping them', () => {
    const buf = Buffer.concat([frame(2, 'err\n'), Buffer.from('raw tail\n')]);
    expect(parseLogFrames(buf)).toEqual([
      { stream: 'stderr', text: 'err' },
      { stream: 'stdout', text: 'raw tail' },
    ]);
  });
});

describe('looksFramed and parsePlainLog', () => {
  it('tells a framed buffer from TTY text', () => {
    expect(looksFramed(frame(1, 'x\n'))).toBe(true);
    expect(looksFramed(Buffer.from('plain text output\n'))).toBe(false);
    expect(looksFramed(Buffer.from([1, 0, 0]))).toBe(false);
  });

  it('reads a TTY log as stdout lines', () => {
    expect(parsePlainLog(Buffer.from('a\r\nb\n'))).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
    ]);
  });
});
