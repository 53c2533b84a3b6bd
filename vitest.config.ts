import { defineConfig } from 'vitest/config';

// Integration and e2e share two cores with Airflow, MLflow and dockerd: one file at a time, generous timeouts.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 10_000 } },
      { test: { name: 'contract', include: ['test/contract/**/*.test.ts'], testTimeout: 10_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Integration and e2e drive the same Airflow DAGs: never at the same time.
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 2 },
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // docker-compose-mlops.yml built and run on the test engine: needs no local stack, but the whole machine.
        test: {
          name: 'compose',
          include: ['test/compose/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          fileParallelism: false,
          testTimeout: 15 * 60_000,
          // The first start builds every image from empty caches.
          hookTimeout: 60 * 60_000,
        },
      },
    ],
  },
});
