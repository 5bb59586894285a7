import { defineConfig } from 'vitest/config';

// Tests import workspace packages through the "source" export condition, so they run the TypeScript
// sources directly; the services' dist/ is only needed by the tests that start a real process.
const conditions = ['source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    // Integration tests share one Docker engine and a 2-core machine: keep files in two workers.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'orchestrator/src/**/*.test.ts',
            'api-gateway/src/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // Fails the run at once when no Docker engine answers; builds the local images when missing.
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          include: [
            'packages/*/test/**/*.test.ts',
            'orchestrator/test/**/*.test.ts',
            'api-gateway/test/**/*.test.ts',
          ],
          exclude: ['orchestrator/test/disruptive/**'],
        },
      },
      // Tests that restart the machine's Docker engine: a project only when asked for, so that no other run (a
      // filtered `vitest run orchestrator`, say) starts them beside other tests; `pnpm test` runs them alone, last.
      ...(process.env.GHA_EPHEMERAL_DISRUPTIVE === '1'
        ? [
            {
              extends: true as const,
              test: {
                name: 'disruptive',
                globalSetup: ['packages/testkit/src/global-setup.ts'],
                include: ['orchestrator/test/disruptive/**/*.test.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
