// Unit tests: pure logic, next to the code (*.spec.ts). No database, no broker.
const { swcOptions, jestModuleNameMapper } = require('./deploy/swc-options.cjs');

module.exports = {
  displayName: 'unit',
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,deploy,helm,bench}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.local/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcOptions({ rewritePaths: false })] },
  moduleNameMapper: jestModuleNameMapper(),
};
