import { randomUUID } from 'node:crypto';
import { createEnvelope, PurchaseRecordedV1 } from '@rapport/contracts';
import {
  closeServiceTestClients,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  type ServiceTestClients,
} from '@rapport/testing';
import { customerErased, customerMerged } from '../../test/factories/customer-events';
import { publishPurchaseEvents, purchaseRecorded, purchaseRefunded } from '../../test/factories/purchase-events';

/** The stack's analytics filling its purchase ledger from customer-profile's purchase events on the real broker. */
describe('the purchase ledger', () => {
  let clients: ServiceTestClients;
  beforeAll(async () => {
    clients = await openServiceTestClients();
  });
  afterAll(() => closeServiceTestClients(clients));

  const handled = (event: Parameters<typeof handledBy>[2]) => handledBy(clients.db, 'analytics', event);
  const purchasesOf = async (customerId: string) =>
    (
      await clients.db.query(
        `SELECT purchase_id, channel, total_base::text, refunded_base::text FROM analytics.purchases
         WHERE customer_id = $1 ORDER BY occurred_at`,
        [customerId],
      )
    ).rows;

  it('records a purchase in another currency with its lines in the base currency, and nets refunds', async () => {
    const customerId = randomUUID();
    const purchaseId = randomUUID();
    // 100.00 EUR at 7.80: lines of 60 and 40 EUR are 468 and 312 CNY.
    const purchase = createEnvelope(PurchaseRecordedV1, customerId, {
      purchaseId,
      customerId,
      externalOrderId: 'ORD-EUR-1',
      channel: 'store',
      currency: 'EUR',
      total: '100.00',
      baseCurrency: 'CNY',
      totalBase: '780.00',
      lines: [
        { sku: 'TEA-1', category: 'tea', quantity: 2, unitPrice: '30.00', lineTotal: '60.00' },
        { sku: 'CUP-1', quantity: 1, unitPrice: '40.00', lineTotal: '40.00' },
      ],
      occurredAt: '2026-11-02T09:00:00.000Z',
      firstPurchase: true,
    });
    const refund = purchaseRefunded(customerId, purchaseId, '312.00', 0.4);
    await publishPurchaseEvents(clients.producer, purchase, refund);
    await handled(refund);

    expect(await purchasesOf(customerId)).toEqual([
      { purchase_id: purchaseId, channel: 'store', total_base: '780.0000', refunded_base: '312.0000' },
    ]);
    const lines = await clients.db.query(
      `SELECT line_no, sku, category, quantity::text, line_total_base::text FROM analytics.purchase_lines
       WHERE purchase_id = $1 ORDER BY line_no`,
      [purchaseId],
    );
    expect(lines.rows).toEqual([
      { line_no: 0, sku: 'TEA-1', category: 'tea', quantity: '2.0000', line_total_base: '468.0000' },
      { line_no: 1, sku: 'CUP-1', category: null, quantity: '1.0000', line_total_base: '312.0000' },
    ]);
    const refunds = await clients.db.query(
      `SELECT amount_base::text, customer_id FROM analytics.purchase_refunds WHERE purchase_id = $1`,
      [purchaseId],
    );
    expect(refunds.rows).toEqual([{ amount_base: '312.0000', customer_id: customerId }]);
  });

  it('counts a purchase told twice (under two event ids) once, in the ledger and in the RFM sums', async () => {
    const customerId = randomUUID();
    const first = purchaseRecorded(customerId, '50.00');
    const again = purchaseRecorded(customerId, '50.00', new Date(first.data.occurredAt), first.data.purchaseId);
    await publishPurchaseEvents(clients.producer, first, again);
    await handled(again);

    expect(await purchasesOf(customerId)).toHaveLength(1);
    const facts = await clients.db.query(
      `SELECT purchase_count, monetary::text FROM analytics.customer_value_facts WHERE customer_id = $1`,
      [customerId],
    );
    expect(facts.rows).toEqual([{ purchase_count: 1, monetary: '50.0000' }]);
  });

  it("moves a merged customer's purchases to the survivor, and keeps an erased customer's under an id that links to nothing", async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    const older = purchaseRecorded(mergedId, '120.00', new Date('2026-10-01T00:00:00Z'));
    const newer = purchaseRecorded(survivorId, '30.00', new Date('2026-11-01T00:00:00Z'));
    await publishPurchaseEvents(clients.producer, older, newer);
    await handled(newer);
    await handled(older);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(merge);
    expect((await purchasesOf(survivorId)).map((p) => p.purchase_id)).toEqual([
      older.data.purchaseId,
      newer.data.purchaseId,
    ]);
    expect(await purchasesOf(mergedId)).toEqual([]);

    // A purchase of the merged-away id told late counts for the survivor.
    const late = purchaseRecorded(mergedId, '5.00', new Date('2026-11-15T00:00:00Z'));
    await publishPurchaseEvents(clients.producer, late);
    await handled(late);
    expect(await purchasesOf(survivorId)).toHaveLength(3);

    const erase = customerErased(survivorId);
    await publishCustomerEvents(clients.producer, erase);
    await handled(erase);
    expect(await purchasesOf(survivorId)).toEqual([]);
    const kept = await clients.db.query(
      `SELECT DISTINCT customer_id FROM analytics.purchases WHERE purchase_id = ANY($1::uuid[])`,
      [[older.data.purchaseId, newer.data.purchaseId, late.data.purchaseId]],
    );
    expect(kept.rows).toHaveLength(1);
    expect([survivorId, mergedId]).not.toContain(kept.rows[0].customer_id);
  });
});
