import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { consumerGroupOf, schemaOf, SERVICE_NAMES, Topics } from '@rapport/contracts';
import { adminClient, bearer, control, eventually, stackInfo } from '@rapport/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Client } from 'pg';
import request from 'supertest';

/**
 * `npm run backup` and `npm run restore` against the real stack, as IT would run them: a backup,
 * changes, a restore with the services stopped, and the stack started again. The restored schemas
 * hold exactly the backed-up rows, table by table, and the events in flight around the backup take
 * effect once each: none lost, none repeated, and none of a change that the restore rolled back.
 */
describe('backup and restore', () => {
  const gateway = () => request(stackInfo().gatewayUrl);
  const cli = path.join(__dirname, '..', 'dist', 'deploy', 'backup', 'src', 'cli.js');
  let db: Client;
  let work: string;

  beforeAll(async () => {
    db = await adminClient();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-backup-e2e-'));
  });
  afterAll(async () => {
    await db.end();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const run = (...args: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [cli, ...args],
        {
          env: { ...process.env, DATABASE_URL: stackInfo().databaseUrl, KAFKA_BROKERS: stackInfo().brokers.join(',') },
          timeout: 300_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });

  const everyService = async (action: 'stop' | 'start') => {
    await Promise.all(SERVICE_NAMES.map((service) => control(`services/${service}/${action}`)));
  };

  /** Every row of every table of the six schemas, as PostgreSQL prints it, sorted. */
  const tables = async (): Promise<Map<string, string[]>> => {
    const { rows } = await db.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind = 'r' ORDER BY 1, 2`,
      [SERVICE_NAMES.map(schemaOf)],
    );
    const result = new Map<string, string[]>();
    for (const { schema, name } of rows) {
      const content = await db.query<{ r: string }>(`SELECT t::text AS r FROM "${schema}"."${name}" t ORDER BY 1`);
      result.set(
        `${schema}.${name}`,
        content.rows.map((row) => row.r),
      );
    }
    return result;
  };

  const balance = async (customerId: string) =>
    (
      await gateway()
        .get(`/api/v1/loyalty/members/${customerId}`)
        .set('authorization', await bearer('agent1'))
        .expect(200)
    ).body.balance as number;
  const earnings = async (customerId: string) =>
    (
      await db.query(`SELECT count(*)::int AS n FROM loyalty.movements WHERE customer_id = $1 AND kind = 'earn'`, [
        customerId,
      ])
    ).rows[0].n as number;
  const purchase = async (customerId: string, quantity: number) =>
    (
      await gateway()
        .post(`/api/v1/customers/${customerId}/purchases`)
        .set('authorization', await bearer('agent1'))
        .send({
          externalOrderId: `SO-${randomUUID()}`,
          currency: 'CNY',
          channel: 'store',
          occurredAt: '2026-11-20T10:15:00+08:00',
          lines: [{ sku: 'TEA-001', name: '西湖龙井', category: 'tea', quantity, unitPrice: 100 }],
        })
        .expect(201)
    ).body.id as string;
  const outboxIds = async (customerId: string) =>
    (
      await db.query<{ id: string }>(
        `SELECT event_id::text AS id FROM customer_profile.outbox WHERE message_key = $1`,
        [customerId],
      )
    ).rows.map((r) => r.id);
  const published = (customerId: string) =>
    eventually(
      async () =>
        (
          await db.query(`SELECT 1 FROM customer_profile.outbox WHERE message_key = $1 AND published_at IS NULL`, [
            customerId,
          ])
        ).rowCount === 0,
      30_000,
      'customer-profile to publish the customer’s events',
    );

  it('restores exactly the backed-up data, and the events around the backup take effect once each', async () => {
    const created = await gateway()
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name: 'Backup Wang' })
      .expect(201);
    const customerId = created.body.id as string;
    await eventually(
      async () =>
        (
          await gateway()
            .get(`/api/v1/loyalty/members/${customerId}`)
            .set('authorization', await bearer('agent1'))
        ).status === 200,
      30_000,
      'the loyalty member',
    );

    // P1 is applied by loyalty before the backup.
    const p1 = await purchase(customerId, 1);
    const afterP1 = await eventually(
      async () => ((await balance(customerId)) > 0 ? balance(customerId) : undefined),
      30_000,
      'points for P1',
    );

    // P2 is in flight at backup time: in Kafka, not yet consumed by loyalty.
    await control('services/loyalty/stop');
    const p2 = await purchase(customerId, 2);
    await published(customerId);
    await everyService('stop');
    const backedUp = await tables();
    const backup = path.join(work, 'backup');
    const taken = await run('backup', '--out', backup);
    expect(taken).toMatchObject({ code: 0 });
    expect(taken.out).toContain(`backup written to ${backup}`);

    const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8'));
    expect(manifest.schemas.map((s: { schema: string }) => s.schema)).toEqual(SERVICE_NAMES.map(schemaOf));
    expect(manifest.rapportVersion).toBe(
      JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version,
    );
    const loyaltyMigrations = (
      await db.query('SELECT timestamp::text AS timestamp, name FROM loyalty.migrations ORDER BY id')
    ).rows;
    expect(manifest.schemas.find((s: { schema: string }) => s.schema === 'loyalty').migrations).toEqual(
      loyaltyMigrations,
    );
    expect(manifest.kafka.committed.loyalty[Topics.purchases.name]).toBeDefined();

    // After the backup: loyalty applies P2, and P3 happens.
    await everyService('start');
    const afterP2 = await eventually(
      async () => {
        const b = await balance(customerId);
        return b > afterP1 ? b : undefined;
      },
      60_000,
      'points for P2',
    );
    const earnedAfterP2 = await earnings(customerId);
    expect(earnedAfterP2).toBe(2);
    const p3 = await purchase(customerId, 3);
    await eventually(async () => (await balance(customerId)) > afterP2, 30_000, 'points for P3');
    await published(customerId);
    const eventsSinceBackup = (await outboxIds(customerId)).filter(
      (id) => !backedUp.get('customer_profile.outbox')!.some((row) => row.includes(id)),
    );
    expect(eventsSinceBackup.length).toBeGreaterThan(0);

    // Refused: a running stack, and a backup that was altered.
    const running = await run('restore', backup);
    expect(running.code).toBe(1);
    expect(running.out).toMatch(/refused: .*still running; stop the services first/);
    const tampered = path.join(work, 'tampered');
    fs.cpSync(backup, tampered, { recursive: true });
    const dump = path.join(tampered, 'loyalty.dump');
    const bytes = fs.readFileSync(dump);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(dump, bytes);
    const altered = await run('restore', tampered);
    expect(altered.code).toBe(1);
    expect(altered.out).toContain('loyalty.dump does not match its SHA-256 checksum');

    await everyService('stop');
    const restored = await run('restore', backup);
    expect(restored.out).toContain('restored gateway, customer-profile, interaction, service-desk, loyalty, analytics');
    expect(restored.code).toBe(0);

    // Table by table, the backed-up rows; the inboxes also list the rolled-back events to skip.
    const now = await tables();
    expect([...now.keys()]).toEqual([...backedUp.keys()]);
    const restoredOutboxes = [...now.entries()]
      .filter(([name]) => name.endsWith('.outbox'))
      .flatMap(([, rows]) => rows)
      .join('\n');
    for (const [name, rows] of backedUp) {
      if (!name.endsWith('.inbox')) {
        expect({ table: name, rows: now.get(name) }).toEqual({ table: name, rows });
        continue;
      }
      const added = now.get(name)!.filter((row) => !rows.includes(row));
      expect({ table: name, kept: now.get(name)!.filter((row) => rows.includes(row)).length }).toEqual({
        table: name,
        kept: rows.length,
      });
      for (const row of added) expect(restoredOutboxes).not.toContain(row.slice(1, 37));
      if (name === 'loyalty.inbox') {
        for (const id of eventsSinceBackup) expect(added.some((row) => row.startsWith(`(${id},`))).toBe(true);
      }
    }

    // Started again: P2 (in flight at backup time) takes effect once more, P1 not again, P3 never.
    await everyService('start');
    const kafka = new Kafka({ clientId: 'backup-e2e', brokers: stackInfo().brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(
        async () => {
          const ends = await admin.fetchTopicOffsets(Topics.purchases.name);
          const [committed] = await admin.fetchOffsets({
            groupId: consumerGroupOf('loyalty'),
            topics: [Topics.purchases.name],
          });
          return ends.every((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
        },
        60_000,
        'loyalty to consume the purchases topic to its end',
      );
    } finally {
      await admin.disconnect();
    }
    await eventually(async () => (await balance(customerId)) === afterP2, 30_000, 'the balance of P1 and P2');
    expect(await earnings(customerId)).toBe(earnedAfterP2);
    const purchases = (
      await db.query<{ id: string }>(
        'SELECT id::text AS id FROM customer_profile.purchases WHERE customer_id = $1 ORDER BY id',
        [customerId],
      )
    ).rows.map((r) => r.id);
    expect(purchases).toEqual([p1, p2].sort());
    expect(purchases).not.toContain(p3);
  }, 240_000); // the whole stack is stopped and started twice
});
