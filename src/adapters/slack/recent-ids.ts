export interface RecentIds {
  /** True the first time an id is added; false while it is still remembered. */
  add(id: string): boolean;
}

/** Remembers the last `max` ids, forgetting the oldest first: memory stays bounded however long the bot runs. */
export function createRecentIds(max: number): RecentIds {
  const ids = new Set<string>();
  return {
    add(id) {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value as string);
      return true;
    },
  };
}
