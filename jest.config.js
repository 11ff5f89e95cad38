/** @type {import('jest').Config['projects'][number]} */
const shared = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  // jest's transform cache lives with the dependencies, not in the temporary directory.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};

/** @type {import('jest').Config} */
export default {
  projects: [
    // Unit tests are pure: the setup file makes a socket, server or child process fail the test.
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/__tests__/support/no-sockets.cjs'],
    },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/__tests__/!(unit)/**/*.test.ts'] },
  ],
  // Bundle tests spawn `node dist/...`; keep the worker count to the machine's two cores.
  maxWorkers: 2,
  // One temporary directory per run (TMPDIR for workers and spawned bundles); the teardown fails the
  // run if a test left anything in it.
  globalSetup: '<rootDir>/__tests__/support/temp-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/support/temp-teardown.mjs',
  // On a fresh clone, the slow bundle suites start first (see the file).
  testSequencer: '<rootDir>/__tests__/support/sequencer.cjs',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
  testTimeout: 30000,
};
