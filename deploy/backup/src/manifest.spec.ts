import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MANIFEST_FORMAT, readVerifiedManifest, sha256File, writeManifest, type BackupManifest } from './manifest';

describe(readVerifiedManifest.name, () => {
  let dir: string;

  const manifestFor = async (file: string): Promise<BackupManifest> => ({
    format: MANIFEST_FORMAT,
    snapshotAt: '2026-12-04T15:02:50.881Z',
    rapportVersion: '0.1.0',
    postgres: { version: '17.10', major: 17, database: 'rapport' },
    pgDumpMajor: 17,
    schemas: [
      {
        service: 'loyalty',
        schema: 'loyalty',
        owner: 'loyalty',
        file,
        bytes: fs.statSync(path.join(dir, file)).size,
        sha256: await sha256File(path.join(dir, file)),
        extensions: [],
        migrations: [{ timestamp: '1764000000000', name: 'MessagingTables1764000000000' }],
        tables: { inbox: { rows: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' } },
      },
    ],
    kafka: { committed: { loyalty: {} }, topicEnds: {} },
  });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-manifest-'));
    fs.writeFileSync(path.join(dir, 'loyalty.dump'), 'PGDMP pretend dump');
    await writeManifest(dir, await manifestFor('loyalty.dump'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a backup whose files match their checksums, in the sha256sum format', async () => {
    const sut = await readVerifiedManifest(dir);
    expect(sut.schemas.map((s) => s.schema)).toEqual(['loyalty']);
    expect(fs.readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}manifest\.json\n[0-9a-f]{64} {2}loyalty\.dump\n$/,
    );
  });

  it('refuses a dump that was changed after the backup', async () => {
    fs.appendFileSync(path.join(dir, 'loyalty.dump'), 'x');
    await expect(readVerifiedManifest(dir)).rejects.toThrow(
      /refused: loyalty\.dump does not match its SHA-256 checksum/,
    );
  });

  it('refuses a manifest that was edited, even when the dumps are intact', async () => {
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('"rapportVersion": "0.1.0"', '"rapportVersion": "0.2.0"'),
    );
    await expect(readVerifiedManifest(dir)).rejects.toThrow(
      /refused: manifest\.json does not match its SHA-256 checksum/,
    );
  });

  it('refuses a backup with a missing dump or no checksums', async () => {
    fs.rmSync(path.join(dir, 'loyalty.dump'));
    await expect(readVerifiedManifest(dir)).rejects.toThrow(/loyalty\.dump is missing/);
    fs.rmSync(path.join(dir, 'SHA256SUMS'));
    await expect(readVerifiedManifest(dir)).rejects.toThrow(/is not a Rapport backup: SHA256SUMS is missing/);
  });
});
