/**
 * Short ids for what does not fit where it must go: a preview record behind Confirm and Cancel, a Discord button
 * line over 100 characters. The store implements it; the core and the adapters only need these two calls.
 */
export interface ActionRefs {
  saveActionRef(line: string, ttlMs: number): Promise<string>;
  loadActionRef(id: string): Promise<string | undefined>;
}
