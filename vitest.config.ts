import { defineConfig } from 'vitest/config'
import { SummaryReporter } from './packages/test-services/src/summary-reporter.ts'

const sources = ['apps/*/src/**', 'packages/*/src/**', 'packages/*/scripts/**', 'e2e/**']
const testsOf = (suffix: string) => sources.map((dir) => `${dir}/*${suffix}`)

export default defineConfig({
  test: {
    reporters: ['default', new SummaryReporter()],
    projects: [
      {
        test: {
          name: 'unit',
          include: testsOf('.test.ts'),
          exclude: ['**/node_modules/**', ...testsOf('.int.test.ts'), ...testsOf('.e2e.test.ts')],
        },
      },
      {
        // Real nats-server, Postgres and ClickHouse engine processes, started by the tests
        // themselves through @switchyard/test-services. Files run one at a time: the machine
        // has two cores and every file starts servers of its own.
        test: {
          name: 'integration',
          include: [...testsOf('.int.test.ts'), ...testsOf('.e2e.test.ts')],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
