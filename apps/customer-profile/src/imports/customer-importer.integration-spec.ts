import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createLogger } from '@rapport/platform-observability';
import { stackInfo } from '@rapport/testing';
import { DataSource } from 'typeorm';
import { ContactFingerprinter } from '../customers/contact-fingerprint';
import { CustomerImportRepository } from './customer-import.repository';
import { CustomerImporter } from './customer-importer';
import { ImportsRepository } from './imports.repository';

/** The importer on its own against the real database, in small chunks: duplicates across chunk boundaries, events per chunk. */
describe(CustomerImporter.name, () => {
  let dataSource: DataSource;
  let sut: CustomerImporter;
  let jobs: ImportsRepository;
  const fingerprints = new ContactFingerprinter('importer-spec-key-'.padEnd(40, 'k'));

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: stackInfo().databaseUrl });
    await dataSource.initialize();
    jobs = new ImportsRepository(dataSource);
    sut = new CustomerImporter(
      new CustomerImportRepository(dataSource),
      jobs,
      fingerprints,
      createLogger('customer-importer-spec', 'warn'),
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  it('imports in chunks: a duplicate of a row in an earlier chunk is reported with that line, every imported row has its event', async () => {
    const u = randomUUID().slice(0, 8);
    const rows = ['name,email,phone'];
    for (let i = 0; i < 2500; i++) rows.push(`分块 ${u} ${i},chunk-${u}-${i}@example.com,`);
    rows.push(`重复,chunk-${u}-5@example.com,`); // line 2502 repeats line 7, which is in the first chunk
    rows.push(`坏行,,12345`); // line 2503: a bad phone
    const id = randomUUID();
    await jobs.create(id, 'csv', `importer-spec-${u}`);
    const outcome = await sut.run(id, Readable.from([rows.join('\n')]), 'csv', { ownerId: null, team: null }, 1_000);
    expect(outcome).toEqual({ total: 2502, imported: 2500, failed: 2 });
    const job = await jobs.find(id, null);
    expect(job).toMatchObject({ status: 'completed', rowsTotal: 2502, rowsImported: 2500, rowsFailed: 2 });
    expect((await jobs.errors(id, 10)).map((e) => [e.line, e.field, e.message])).toEqual([
      [2502, 'email', 'duplicate of line 7'],
      [2503, 'phone', expect.stringContaining('not a valid phone number')],
    ]);
    const [stored] = await dataSource.query(
      `SELECT count(*)::int AS customers, count(o.event_id)::int AS events, count(DISTINCT c.id)::int AS distinct_ids
         FROM customer_profile.customers c LEFT JOIN customer_profile.outbox o ON o.message_key = c.id::text
        WHERE c.email LIKE $1`,
      [`chunk-${u}-%`],
    );
    expect(stored).toEqual({ customers: 2500, events: 2500, distinct_ids: 2500 });
    // customer.created carries the same contact fingerprints as a customer created by hand would.
    const [event] = await dataSource.query(
      `SELECT o.payload FROM customer_profile.outbox o JOIN customer_profile.customers c ON o.message_key = c.id::text WHERE c.email = $1`,
      [`chunk-${u}-5@example.com`],
    );
    expect(JSON.parse(event.payload).contactFingerprints).toEqual(
      fingerprints.of({ email: `chunk-${u}-5@example.com` }),
    );
  });

  it('a file of exactly two chunks: the last row, a duplicate of a row in the first chunk, is found', async () => {
    const u = randomUUID().slice(0, 8);
    const rows = ['name,email,phone'];
    for (let i = 0; i < 1999; i++) rows.push(`整块 ${u} ${i},whole-${u}-${i}@example.com,`);
    rows.push(`重复,whole-${u}-0@example.com,`); // line 2001 repeats line 2
    const id = randomUUID();
    await jobs.create(id, 'csv', `importer-spec-${u}`);
    const outcome = await sut.run(id, Readable.from([rows.join('\n')]), 'csv', { ownerId: null, team: null }, 1_000);
    expect(outcome).toEqual({ total: 2000, imported: 1999, failed: 1 });
    expect((await jobs.errors(id, 10)).map((e) => [e.line, e.field, e.message])).toEqual([
      [2001, 'email', 'duplicate of line 2'],
    ]);
  });

  it('fingerprints both contacts of an imported row, so loyalty can refuse referrals between imported customers', async () => {
    const u = randomUUID().slice(0, 8);
    const digits = String(Date.now()).slice(-8);
    const id = randomUUID();
    await jobs.create(id, 'csv', `importer-spec-${u}`);
    await sut.run(
      id,
      Readable.from([`name,email,phone\n指纹 ${u},FP-${u}@Example.com,138 ${digits.slice(0, 4)} ${digits.slice(4)}\n`]),
      'csv',
      { ownerId: null, team: null },
    );
    const [event] = await dataSource.query(
      `SELECT o.payload FROM customer_profile.outbox o JOIN customer_profile.customers c ON o.message_key = c.id::text WHERE c.name = $1`,
      [`指纹 ${u}`],
    );
    const carried = JSON.parse(event.payload).contactFingerprints as string[];
    expect(carried).toHaveLength(2);
    expect(new Set(carried)).toEqual(
      new Set(fingerprints.of({ phone: `+86138${digits}`, email: `fp-${u}@example.com` })),
    );
  });
});
