#!/usr/bin/env node
// The entry of `npm start` and `npm test`. It runs on whatever Node the machine has (Node 20 is
// enough for this file) and first installs what is missing: npm dependencies (which bring the
// Node 24 toolchain as the `node` devDependency), then builds, then hands over to Node 24.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const node24 = path.join(root, 'node_modules', 'node', 'bin', 'node');
const binDir = path.join(root, 'node_modules', '.bin');
const lockStamp = path.join(root, 'node_modules', '.rapport-lock.sha256');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}`, ...options.env },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) process.exit(status);
}

function ensureDependencies() {
  const lock = path.join(root, 'package-lock.json');
  let hash = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  const installed = fs.existsSync(lockStamp) && fs.readFileSync(lockStamp, 'utf8') === hash && fs.existsSync(node24);
  if (installed) return;
  // `npm install` (not `npm ci`): it installs exactly the locked versions too, and unlike `npm ci`
  // it accepts a lockfile without entries for other platforms' optional binaries (@swc/core-darwin-*),
  // which registries that do not serve them leave out.
  console.log('bootstrap: installing npm dependencies (npm install, from package-lock.json)…');
  must('npm', ['install', '--no-audit', '--no-fund']);
  // The lock hash is read again: npm may normalise the lockfile while installing.
  hash = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');
  fs.writeFileSync(lockStamp, hash);
}

function checkNode24() {
  const out = spawnSync(node24, ['--version'], { encoding: 'utf8' });
  if (out.status !== 0 || !/^v24\./.test(out.stdout)) {
    console.error(`bootstrap: ${node24} is not Node 24 (${out.stdout || out.stderr}); run 'npm ci' again`);
    process.exit(1);
  }
}

function build(quiet) {
  must(node24, [path.join(root, 'deploy', 'build.cjs'), ...(quiet ? ['--quiet'] : [])]);
}

function node(args, env) {
  return run(node24, ['--enable-source-maps', ...args], { env });
}

function jest(config, extra = []) {
  const report = path.join(root, '.local', `jest-${path.basename(config, '.cjs')}.json`);
  fs.mkdirSync(path.dirname(report), { recursive: true });
  fs.rmSync(report, { force: true });
  // jose, oidc-provider and openapi-typescript's parsers are ES modules: Jest loads them only with
  // Node's VM modules enabled (Node prints an ExperimentalWarning for it; no warning is silenced).
  const status = run(node24, [
    '--experimental-vm-modules',
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--config',
    config,
    '--json',
    '--outputFile',
    report,
    ...extra,
  ]);
  const summary = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')) : undefined;
  return { status, passed: summary?.numPassedTests ?? 0, failed: summary?.numFailedTests ?? (status === 0 ? 0 : 1) };
}

function test(args) {
  const steps = [];
  const step = (name, fn) => {
    const started = Date.now();
    console.log(`\n=== ${name}`);
    const result = fn();
    steps.push({ name, ...result, seconds: Math.round((Date.now() - started) / 1000) });
    return result;
  };
  step('typecheck', () => ({ status: run(node24, [path.join(binDir, 'tsc'), '-p', 'tsconfig.json', '--noEmit']) }));
  // ESLint (layering, boundaries, code rules), then Prettier (format): `npm run lint` runs the same two.
  step('lint', () => ({
    status:
      run(node24, [path.join(binDir, 'eslint'), '.', '--max-warnings=0']) ||
      run(node24, [path.join(binDir, 'prettier'), '--check', '--log-level', 'warn', '.']),
  }));
  // The chart checks build Helm (once) and run the chart policy test themselves.
  const helmEnv = {
    HELM_BUILD_PARALLELISM: process.env.HELM_BUILD_PARALLELISM ?? String(require('node:os').availableParallelism()),
  };
  step('helm chart checks', () => ({
    status: run('bash', [path.join(root, 'deploy', 'helm', 'check.sh')], { env: helmEnv }),
  }));
  step('unit tests', () =>
    jest('jest.unit.config.cjs', [
      '--testPathIgnorePatterns',
      '/node_modules/',
      '/dist/',
      '/.local/',
      '/helm/',
      ...args,
    ]),
  );
  // A newcomer's first `npm start` on an empty data folder, then Ctrl-C (its own ports and folder).
  step('first start on empty data (npm start, Ctrl-C)', () => jest('jest.first-run.config.cjs'));
  step('integration and e2e tests (real PostgreSQL and Kafka)', () => jest('jest.stack.config.cjs', args));
  console.log('\n=== summary');
  let passed = 0;
  let failed = 0;
  for (const s of steps) {
    console.log(`${s.status === 0 ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds} s)`);
    passed += s.passed ?? 0;
    failed += s.failed ?? (s.status === 0 ? 0 : 1);
    if (s.passed === undefined && s.status !== 0) failed += 0;
  }
  const allOk = steps.every((s) => s.status === 0);
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(allOk ? 0 : 1);
}

function main() {
  const [command, ...args] = process.argv.slice(2);
  ensureDependencies();
  checkNode24();
  // `npm run -s token` prints the token alone, so it can go straight into a variable.
  build(command === 'token');
  switch (command) {
    case 'start':
      return process.exit(node([path.join(root, 'dist', 'deploy', 'stack', 'src', 'cli.js'), 'up', ...args]));
    case 'stack':
      return process.exit(node([path.join(root, 'dist', 'deploy', 'stack', 'src', 'cli.js'), ...args]));
    case 'token':
      return process.exit(node([path.join(root, 'dist', 'deploy', 'stack', 'src', 'token-cli.js'), ...args]));
    case 'openapi-update':
      return process.exit(node([path.join(root, 'dist', 'deploy', 'stack', 'src', 'openapi', 'update.js'), ...args]));
    case 'build':
      return;
    case 'test':
      return test(args);
    case 'bench':
      return process.exit(node([path.join(root, 'dist', 'bench', args[0] ?? '', 'run.js'), ...args.slice(1)]));
    default:
      console.error('usage: node deploy/bootstrap.cjs start|stack|build|test|bench <name>');
      process.exit(2);
  }
}

main();
