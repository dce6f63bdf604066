// @ts-check
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

// Nx must never reach the network or spawn a daemon from inside a lint run.
process.env.NX_DAEMON ??= 'false';
process.env.NX_NO_CLOUD ??= 'true';

// @nx/enforce-module-boundaries only *reads* the cached project graph (.nx/workspace-data); when that cache is
// missing (fresh clone, CI, after `nx reset`) the rule prints a note on stdout and silently checks nothing, so
// `eslint .` would still exit 0. Compute (or incrementally refresh) the graph here so a plain `eslint` run is
// self-sufficient and never linted against a stale graph. Takes ~1s cold, less when the cache is warm.
await createProjectGraphAsync({ exitOnError: false });

const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts'];
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.e2e-spec.ts',
  'e2e/**/*.ts',
  'apps/*/test/**/*.ts',
];

// One `scope:<service>` per app, read from apps/*/project.json, so a new service is fenced in automatically.
const serviceScopes = readdirSync(join(root, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'apps', d.name, 'project.json')))
  .flatMap((d) => JSON.parse(readFileSync(join(root, 'apps', d.name, 'project.json'), 'utf8')).tags ?? [])
  .filter((tag) => tag.startsWith('scope:') && tag !== 'scope:shared');

/**
 * Every constraint whose source tag matches a project must be satisfied, so the scope axis (which service)
 * and the type axis (which layer) are checked independently.
 * @param {string[]} testOnlyTypes extra `type:` tags test files may additionally import
 */
const depConstraints = (testOnlyTypes = []) => [
  // scope axis: a service only sees itself and shared code; shared code never sees a service
  ...[...new Set(serviceScopes)].map((scope) => ({
    sourceTag: scope,
    onlyDependOnLibsWithTags: [scope, 'scope:shared'],
  })),
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  // type axis
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', ...testOnlyTypes] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', ...testOnlyTypes] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', ...testOnlyTypes] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', ...testOnlyTypes] },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:testing', 'type:tooling', 'type:platform', 'type:contracts'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:tooling', 'type:platform', 'type:contracts'],
  },
  // operations tools (deploy/backup) drive the local stack tool, as the benchmarks do
  {
    sourceTag: 'type:operations',
    onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling', ...testOnlyTypes],
  },
  {
    sourceTag: 'type:bench',
    onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:tooling', ...testOnlyTypes],
  },
];

/** @param {string[]} testOnlyTypes */
const moduleBoundaries = (testOnlyTypes = []) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    // Test files of a platform lib may import @rapport/testing, which itself imports platform libs (and the
    // stack tooling). That shows up as a project-level cycle in the graph even though no production code is
    // involved (production code can never import type:testing, see depConstraints), so ignore exactly those pairs.
    ignoredCircularDependencies: [
      ['tag:type:testing', 'tag:type:platform'],
      ['tag:type:testing', 'tag:type:contracts'],
      ['tag:type:testing', 'tag:type:tooling'],
    ],
    depConstraints: depConstraints(testOnlyTypes),
  },
];

const unusedVars = [
  'error',
  { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
];

export default defineConfig(
  globalIgnores(['**/dist/', '**/coverage/', '.local/', '.nx/', 'tmp/', 'helm/', 'node_modules/']),

  js.configs.recommended,
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommended],
  },

  {
    plugins: { '@nx': nx },
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries() },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['type:testing', 'type:tooling']) },
  },

  {
    files: TS_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/no-explicit-any': 'error',
      // Libraries are consumed only through their index (`@rapport/<lib>`, see tsconfig.base.json paths).
      // Relative/absolute reach-ins across projects are caught by @nx/enforce-module-boundaries; this catches
      // `@rapport/<lib>/src/...`-style deep imports through the alias.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@rapport/*/**'],
              message: 'Import a library only through its public index, e.g. `@rapport/platform-http`.',
            },
          ],
        },
      ],
    },
  },

  // Layering inside a service (docs/conventions.md): controller -> service -> repository, SQL only in
  // repositories and migrations, and a feature reaches another only through its service, repository or types.
  {
    files: ['apps/*/src/**/*.ts'],
    ignores: [...TEST_FILES, 'apps/*/src/**/*.repository.ts', 'apps/*/src/database/migrations/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(query|createQueryBuilder)$/]',
          message: 'SQL belongs in a repository (<feature>.repository.ts) or a migration: call a repository method.',
        },
      ],
    },
  },
  {
    files: ['apps/*/src/**/*.ts'],
    ignores: [...TEST_FILES, 'apps/*/src/app.module.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/*.controller', '../*/*.consumer'],
              allowTypeImports: true,
              message:
                "Controllers and consumers are a feature's entry points: reach another feature through its service or repository.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/*/src/**/*.controller.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*/*.controller', '../*/*.consumer'],
              allowTypeImports: true,
              message:
                "Controllers and consumers are a feature's entry points: reach another feature through its service.",
            },
            {
              group: ['./*.repository', '../*/*.repository'],
              allowTypeImports: true,
              message:
                'A controller calls a service, never a repository: rules and SQL live below it (types may be imported).',
            },
          ],
        },
      ],
    },
  },

  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars },
  },

  // last: switch off every stylistic rule that would fight prettier
  prettier,
);
