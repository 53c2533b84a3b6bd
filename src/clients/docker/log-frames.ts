import type { LogLine } from './types.js';

// Engine API "stream format" for non-TTY containers: an 8-byte header [stream, 0, 0, 0, uint32 BE length], then the
// payload. A payload is not a line: a line can span frames, and one frame can hold many lines.
const HEADER = 8;
const STREAMS: Record<number, LogLine['stream']> = { 0: 'stdout', 1: 'stdout', 2: 'stderr' };

/** True when the buffer starts like a multiplexed log (and not like TTY text). */
export function looksFramed(buf: Uint8Array): boolean {
  return buf.length >= HEADER && (buf[0] as number) in STREAMS && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}

/**
 * Splits a multiplexed log buffer into lines per stream, in order. A truncated last frame keeps what arrived; bytes
 * that stop looking like frames are kept as stdout text rather than dropped.
 */
export function parseLogFrames(buf: Uint8Array): LogLine[] {
  const out: LogLine[] = [];
  const pending: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

  const push = (stream: LogLine['stream'], text: string) => {
    const parts = (pending[stream] + text).split('\n');
    pending[stream] = parts.pop() ?? '';
    for (const p of parts) out.push({ stream, text: p.replace(/\r$/, '') });
  };

  let at = 0;
  while (at < buf.length) {
    if (!looksFramed(buf.subarray(at))) {
      push('stdout', decoders.stdout.decode(buf.subarray(at), { stream: true }));
      break;
    }
    const stream = STREAMS[buf[at] as number] as LogLine['stream'];
    const size = view.getUint32(at + 4);
    const end = Math.min(at + HEADER + size, buf.length);
    push(stream, decoders[stream].decode(buf.subarray(at + HEADER, end), { stream: true }));
    at = end;
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const rest = pending[stream] + decoders[stream].decode();
    if (rest !== '') out.push({ stream, text: rest.replace(/\r$/, '') });
  }
  return out;
}

/** A TTY container's log is plain text on one stream. */
export function parsePlainLog(buf: Uint8Array): LogLine[] {
  const text = new TextDecoder().decode(buf);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((t) => ({ stream: 'stdout' as const, text: t.replace(/\r$/, '') }));
}
