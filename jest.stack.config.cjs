// Integration tests (*.integration-spec.ts: one service's code against the real PostgreSQL and Kafka)
// and e2e tests (e2e/*.e2e-spec.ts: black-box through the gateway). Both use the one local stack that
// global setup starts (profile "test": its own ports and a fresh data folder), as `npm start` does.
const { swcOptions, jestModuleNameMapper } = require('./deploy/swc-options.cjs');

module.exports = {
  displayName: 'stack',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,deploy}/**/*.integration-spec.ts', '<rootDir>/e2e/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.local/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions({ rewritePaths: false })] },
  moduleNameMapper: jestModuleNameMapper(),
  // The stack runs the built code (node deploy/build.cjs), exactly as `npm start` does.
  globalSetup: '<rootDir>/dist/libs/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/dist/libs/testing/src/global-teardown.js',
  testSequencer: '<rootDir>/jest.stack.sequencer.cjs',
  maxWorkers: 1,
  testTimeout: 60_000,
};
