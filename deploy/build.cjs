#!/usr/bin/env node
// Compiles every TypeScript source the platform runs (apps, libs, the stack tool, benchmarks) to
// dist/ with SWC, keeping the source layout: apps/gateway/src/main.ts -> dist/apps/gateway/src/main.js.
// Tests are not built: Jest compiles them with the same options (deploy/swc-options.cjs).
const fs = require('node:fs');
const path = require('node:path');
const { transformFile } = require('@swc/core');
const { root, swcOptions } = require('./swc-options.cjs');

const SOURCE_ROOTS = ['apps', 'libs', 'deploy/stack/src', 'deploy/backup/src', 'bench'];
const SKIP = /(\.spec|\.integration-spec|\.e2e-spec|\.d)\.ts$/;

function* walk(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'test') yield* walk(full);
    } else if (entry.name.endsWith('.ts') && !SKIP.test(entry.name)) yield full;
  }
}

async function main() {
  const started = Date.now();
  const options = swcOptions({ rewritePaths: true });
  const files = SOURCE_ROOTS.flatMap((r) => [...walk(path.join(root, r))]);
  const outRoot = path.join(root, 'dist');
  let written = 0;
  // A small worker pool: SWC is fast, the limit is file I/O.
  const queue = [...files];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const { code } = await transformFile(file, { ...options, filename: file });
        const out = path.join(outRoot, path.relative(root, file)).replace(/\.ts$/, '.js');
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, code);
        written += 1;
      }
    }),
  );
  if (!process.argv.includes('--quiet')) {
    console.log(`build: ${written} files compiled to dist/ in ${Date.now() - started} ms`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
