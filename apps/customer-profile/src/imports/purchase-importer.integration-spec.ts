import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { OutboxWriter } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { stackInfo } from '@rapport/testing';
import { DataSource } from 'typeorm';
import { ContactFingerprinter } from '../customers/contact-fingerprint';
import { PurchasesRepository } from '../purchases/purchases.repository';
import { loadFeatureConfig } from '../shared/feature.config';
import { CustomerImportRepository } from './customer-import.repository';
import { CustomerImporter } from './customer-importer';
import { ImportsRepository } from './imports.repository';
import { PurchaseImportRepository } from './purchase-import.repository';
import { PurchaseImporter } from './purchase-importer';

/** The purchase importer on its own against the real database: what it records and the events it writes, as the single path writes them. */
describe(PurchaseImporter.name, () => {
  let dataSource: DataSource;
  let sut: PurchaseImporter;
  let customers: CustomerImporter;
  let jobs: ImportsRepository;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: stackInfo().databaseUrl });
    await dataSource.initialize();
    jobs = new ImportsRepository(dataSource);
    const logger = createLogger('purchase-importer-spec', 'warn');
    sut = new PurchaseImporter(
      new PurchaseImportRepository(dataSource),
      jobs,
      new PurchasesRepository(dataSource),
      new OutboxWriter('customer_profile'),
      loadFeatureConfig({}),
      logger,
    );
    customers = new CustomerImporter(
      new CustomerImportRepository(dataSource),
      jobs,
      new ContactFingerprinter('importer-spec-key-'.padEnd(40, 'k')),
      logger,
    );
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  async function importCustomer(email: string): Promise<string> {
    const id = randomUUID();
    await jobs.create(id, 'csv', 'purchase-importer-spec');
    await customers.run(id, Readable.from([`name,email\n买家,${email}\n`]), 'csv', { ownerId: null, team: null });
    const [row] = await dataSource.query(`SELECT id FROM customer_profile.customers WHERE email = $1`, [email]);
    return row.id;
  }

  it('records orders in the file order with lifecycle moves; a line too large to store refuses its order, not the import', async () => {
    const u = randomUUID().slice(0, 8);
    const email = `importer-${u}@example.com`;
    const customerId = await importCustomer(email);
    const csv = [
      'externalOrderId,email,currency,channel,occurredAt,sku,category,quantity,unitPrice',
      `A-${u},${email},CNY,store,2026-11-20T10:15:00+08:00,TEA-1,tea,2,88.5`,
      `A-${u},${email},CNY,store,2026-11-20T10:15:00+08:00,CUP-1,,1,0.005`,
      `B-${u},${email},CNY,,2026-11-21T10:15:00Z,TEA-2,,1.5,10`,
      `C-${u},${email},CNY,,2026-11-22T10:15:00Z,GOLD,,1000000,99999999999999`,
      `C-${u},${email},CNY,,2026-11-22T10:15:00Z,TEA-3,,1,1`,
    ].join('\n');
    const id = randomUUID();
    await jobs.create(id, 'csv', 'purchase-importer-spec', 'purchases');

    const outcome = await sut.run(id, Readable.from([csv]), 'csv', { kind: 'all' }, 'purchase-importer-spec');

    expect(outcome).toEqual({ total: 5, imported: 3, skipped: 0, failed: 2 });
    expect(await jobs.find(id, null)).toMatchObject({
      status: 'completed',
      rowsTotal: 5,
      rowsImported: 3,
      rowsFailed: 2,
      rowsSkipped: 0,
    });
    expect(await jobs.errors(id, 10)).toEqual([
      { line: 5, field: 'unitPrice', message: 'the amount 99999999999999000000.00 is 10^14 or more' },
      { line: 6, field: null, message: `order C-${u} has rows with errors: none of its rows is imported` },
    ]);
    const events: { event_type: string; payload: string }[] = await dataSource.query(
      `SELECT event_type, payload FROM customer_profile.outbox WHERE message_key = $1 AND event_type NOT LIKE '%customer.created%' ORDER BY seq`,
      [customerId],
    );
    const [a, b] = (await dataSource.query(
      `SELECT id FROM customer_profile.purchases WHERE customer_id = $1 ORDER BY external_order_id`,
      [customerId],
    )) as { id: string }[];
    expect(events.map((e) => [e.event_type.split('.').slice(2, 4).join('.'), JSON.parse(e.payload)])).toEqual([
      [
        'lifecycle.changed',
        { customerId, from: 'prospect', to: 'new', reason: 'first purchase', changedAt: expect.any(String) },
      ],
      [
        'purchase.recorded',
        {
          purchaseId: a!.id,
          customerId,
          externalOrderId: `A-${u}`,
          channel: 'store',
          currency: 'CNY',
          total: '177.005',
          baseCurrency: 'CNY',
          totalBase: '177.005',
          lines: [
            { sku: 'TEA-1', category: 'tea', quantity: 2, unitPrice: '88.50', lineTotal: '177.00' },
            { sku: 'CUP-1', quantity: 1, unitPrice: '0.005', lineTotal: '0.005' },
          ],
          occurredAt: '2026-11-20T02:15:00.000Z',
          firstPurchase: true,
        },
      ],
      [
        'lifecycle.changed',
        { customerId, from: 'new', to: 'active', reason: 'repeat purchase', changedAt: expect.any(String) },
      ],
      [
        'purchase.recorded',
        expect.objectContaining({
          purchaseId: b!.id,
          externalOrderId: `B-${u}`,
          total: '15.00',
          lines: [{ sku: 'TEA-2', quantity: 1.5, unitPrice: '10.00', lineTotal: '15.00' }],
          firstPurchase: false,
        }),
      ],
    ]);
    expect(JSON.parse(events[3]!.payload)).not.toHaveProperty('channel');
  });
});
