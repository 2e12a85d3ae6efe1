/** `npm run test:production` (test/production/): no dev server; the test starts its own production
 *  Temporal on PostgreSQL (test/production/cluster.ts), so none of jest.config.js's global setup. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/production'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  testTimeout: 10 * 60_000,
  maxWorkers: 1,
};
