import { z } from 'zod';

/** How many rows a listing verb shows: `--limit n`, bounded so one reply stays one message. */
export const limit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`How many to show (1–${max}, default ${fallback})`);
