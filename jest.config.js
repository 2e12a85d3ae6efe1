/** One Temporal dev server and one workflow bundle per run (test/global-setup.ts); tests run in band
 *  because the machine has two cores and every file starts real workers. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/production runs against its own production cluster: `npm run test:production`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/production/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
