/**
 * `s` without the run of `char` at its end: `trimTrailing('http://af:8082//', '/')` → `http://af:8082`. A loop, not
 * `/\/+$/`: that regex retries at every character of the run and is quadratic on a long one.
 */
export function trimTrailing(s: string, char: string): string {
  const code = char.charCodeAt(0);
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === code) end--;
  return s.slice(0, end);
}
