import { z } from 'zod';

// `.` and `..` pass every character rule below, but in a URL path they walk up to another endpoint
// (`/dags/../dagRuns`), and no DAG, run, task, model or experiment is worth that ambiguity.
const notOnlyDots = (s: string) => !/^\.+$/.test(s);
const ONLY_DOTS = 'dots alone are not a name';

// Airflow's KEY_REGEX and allowed_run_id_pattern: anything else is rejected before a request leaves the bot.
export const dagId = z
  .string()
  .max(250)
  .regex(/^[\w.-]+$/, 'not a valid DAG id (letters, digits, _ . - only)')
  .refine(notOnlyDots, ONLY_DOTS)
  .describe('DAG id, e.g. train_model');
export const runId = z
  .string()
  .max(250)
  .regex(/^[A-Za-z0-9_.~:+-]+$/, 'not a valid run id (letters, digits, _ . ~ : + - only)')
  .refine(notOnlyDots, ONLY_DOTS)
  .describe('DAG run id, e.g. manual__2026-11-26T09:00:00+00:00');
export const taskId = z
  .string()
  .max(250)
  .regex(/^[\w.-]+$/, 'not a valid task id (letters, digits, _ . - only)')
  .refine(notOnlyDots, ONLY_DOTS)
  .describe('Task id, e.g. train');
export const modelName = z.string().min(1).max(256).refine(notOnlyDots, ONLY_DOTS).describe('Registered model name');
export const experimentName = z.string().min(1).max(500).refine(notOnlyDots, ONLY_DOTS).describe('Experiment name');
export const limit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`How many to show (1–${max}, default ${fallback})`);
