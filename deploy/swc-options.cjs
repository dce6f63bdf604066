// One SWC configuration for the build (deploy/build.cjs) and for Jest, so tests run the code as it ships.
// SWC keeps NestJS's decorator metadata (which esbuild and Node's type stripping cannot) and is fast on 2 cores.
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const tsconfig = require(path.join(root, 'tsconfig.base.json'));

function swcOptions({ rewritePaths }) {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
      ...(rewritePaths ? { baseUrl: root, paths: tsconfig.compilerOptions.paths } : {}),
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
}

/** Jest's moduleNameMapper built from the same tsconfig paths. */
function jestModuleNameMapper() {
  const mapper = {};
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions.paths)) {
    mapper[`^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`] = path.join(root, target);
  }
  return mapper;
}

module.exports = { root, swcOptions, jestModuleNameMapper };
