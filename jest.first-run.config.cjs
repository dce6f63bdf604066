// The first-start test (e2e/first-run): `npm start` on an empty data folder, as a newcomer runs it,
// then Ctrl-C. It starts its own stack (profile first-run), so it has no global setup.
const { swcOptions, jestModuleNameMapper } = require('./deploy/swc-options.cjs');

module.exports = {
  displayName: 'first-run',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/e2e/first-run/*.first-run-spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions({ rewritePaths: false })] },
  moduleNameMapper: jestModuleNameMapper(),
  maxWorkers: 1,
  testTimeout: 60_000,
};
