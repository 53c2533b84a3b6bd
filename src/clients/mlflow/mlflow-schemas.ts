import { z } from 'zod';

// MLflow leaves unset fields out of its JSON: no hits means no array, the last page means no token.
// int64 values arrive as numbers, but protobuf JSON allows strings, so both are accepted.
const epochMs = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
// Protobuf JSON spells non-finite doubles as strings.
const double = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((v) => (v === 'NaN' ? Number.NaN : Number(v))),
]);
const versionString = z.union([z.string().min(1), z.number().int().transform(String)]);
const list = <T extends z.ZodType>(item: T) => z.array(item).optional().default([]);

export const keyValueSchema = z.object({ key: z.string(), value: z.string().optional().default('') });

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']).optional().default('active'),
  creation_time: epochMs.optional(),
  last_update_time: epochMs.optional(),
  tags: list(keyValueSchema),
});

export const metricSchema = z.object({
  key: z.string(),
  value: double,
  timestamp: epochMs.optional().default(0),
  step: epochMs.optional().default(0),
});

export const runSchema = z.object({
  info: z.object({
    run_id: z.string(),
    run_name: z.string().optional(),
    experiment_id: z.string(),
    status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
    start_time: epochMs.optional(),
    end_time: epochMs.optional(),
    artifact_uri: z.string().optional(),
  }),
  data: z
    .object({ metrics: list(metricSchema), params: list(keyValueSchema), tags: list(keyValueSchema) })
    .optional()
    .default({ metrics: [], params: [], tags: [] }),
});

export const modelVersionSchema = z.object({
  name: z.string(),
  version: versionString,
  status: z.string().optional().default('READY'),
  run_id: z.string().optional(),
  source: z.string().optional(),
  creation_timestamp: epochMs.optional(),
  aliases: list(z.string()),
  tags: list(keyValueSchema),
});

export const registeredModelSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  creation_timestamp: epochMs.optional(),
  last_updated_timestamp: epochMs.optional(),
  aliases: list(z.object({ alias: z.string(), version: versionString })),
  tags: list(keyValueSchema),
  latest_versions: list(modelVersionSchema),
});

const pageToken = z.string().optional();

export const searchExperimentsResponse = z.object({ experiments: list(experimentSchema), next_page_token: pageToken });
export const getExperimentResponse = z.object({ experiment: experimentSchema });
export const searchRunsResponse = z.object({ runs: list(runSchema), next_page_token: pageToken });
export const getRunResponse = z.object({ run: runSchema });
export const metricHistoryResponse = z.object({ metrics: list(metricSchema), next_page_token: pageToken });
export const searchModelsResponse = z.object({
  registered_models: list(registeredModelSchema),
  next_page_token: pageToken,
});
export const getModelResponse = z.object({ registered_model: registeredModelSchema });
export const searchVersionsResponse = z.object({
  model_versions: list(modelVersionSchema),
  next_page_token: pageToken,
});
export const getVersionResponse = z.object({ model_version: modelVersionSchema });
export const emptyResponse = z.object({});
export const textResponse = z.string();

export type ExperimentJson = z.infer<typeof experimentSchema>;
export type RunJson = z.infer<typeof runSchema>;
export type MetricJson = z.infer<typeof metricSchema>;
export type ModelVersionJson = z.infer<typeof modelVersionSchema>;
export type RegisteredModelJson = z.infer<typeof registeredModelSchema>;
