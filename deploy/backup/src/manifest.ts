import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServiceName } from '@rapport/contracts';

export const MANIFEST_FILE = 'manifest.json';
/** `sha256sum -c SHA256SUMS` checks a backup without Rapport's tools. */
export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FORMAT = 'rapport-backup/1';

/** Offsets as Kafka gives them (decimal strings), by topic, then partition. */
export type TopicOffsets = Record<string, Record<string, string>>;

export interface TableFingerprint {
  rows: number;
  /** md5 over the sorted md5s of the rows' text forms, taken in the backup's snapshot. */
  md5: string;
}

export interface SchemaEntry {
  service: ServiceName;
  schema: string;
  owner: string;
  file: string;
  bytes: number;
  sha256: string;
  /** Extensions installed in the schema; pg_dump --schema leaves them out, restore creates them. */
  extensions: string[];
  /** The schema's TypeORM migrations table, in the order they ran. */
  migrations: Array<{ timestamp: string; name: string }>;
  tables: Record<string, TableFingerprint>;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  /** The instant of the snapshot every schema was dumped from (server clock). */
  snapshotAt: string;
  rapportVersion: string;
  postgres: { version: string; major: number; database: string };
  pgDumpMajor: number;
  schemas: SchemaEntry[];
  kafka: {
    /** Each service's consumer group offsets, read before the snapshot (so never ahead of it). */
    committed: Partial<Record<ServiceName, TopicOffsets>>;
    /** The end of every event topic, read before the snapshot. */
    topicEnds: TopicOffsets;
  };
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function writeManifest(dir: string, manifest: BackupManifest): Promise<void> {
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  const lines = [
    `${await sha256File(path.join(dir, MANIFEST_FILE))}  ${MANIFEST_FILE}`,
    ...manifest.schemas.map((s) => `${s.sha256}  ${s.file}`),
  ];
  fs.writeFileSync(path.join(dir, SUMS_FILE), `${lines.join('\n')}\n`);
}

/**
 * Reads a backup and checks every file against SHA256SUMS and the manifest, before anything is
 * changed: a damaged or altered backup is refused as a whole.
 */
export async function readVerifiedManifest(dir: string): Promise<BackupManifest> {
  const sumsFile = path.join(dir, SUMS_FILE);
  const manifestFile = path.join(dir, MANIFEST_FILE);
  for (const file of [manifestFile, sumsFile]) {
    if (!fs.existsSync(file)) throw new Error(`${dir} is not a Rapport backup: ${path.basename(file)} is missing`);
  }
  const sums = new Map<string, string>();
  for (const line of fs.readFileSync(sumsFile, 'utf8').split('\n').filter(Boolean)) {
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match) throw new Error(`${sumsFile}: unreadable line "${line}"`);
    sums.set(match[2]!, match[1]!);
  }
  const problems: string[] = [];
  const check = async (file: string, expected: string | undefined) => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) problems.push(`${file} is missing`);
    else if (expected === undefined) problems.push(`${file} has no checksum`);
    else if ((await sha256File(full)) !== expected) problems.push(`${file} does not match its SHA-256 checksum`);
  };
  await check(MANIFEST_FILE, sums.get(MANIFEST_FILE));
  if (problems.length > 0) throw new Error(`backup ${dir} refused: ${problems.join('; ')}`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT)
    throw new Error(`backup ${dir} refused: format ${String(manifest.format)}, expected ${MANIFEST_FORMAT}`);
  for (const entry of manifest.schemas) {
    if (sums.get(entry.file) !== entry.sha256) problems.push(`${entry.file}: SHA256SUMS and the manifest disagree`);
    else await check(entry.file, entry.sha256);
  }
  if (problems.length > 0) throw new Error(`backup ${dir} refused: ${problems.join('; ')}`);
  return manifest;
}
