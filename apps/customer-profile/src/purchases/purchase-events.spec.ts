import { PurchaseRecordedV1 } from '@rapport/contracts';
import { purchaseRecordedEvent, type RecordedPurchase } from './purchase-events';

describe('purchaseRecordedEvent', () => {
  const recorded: RecordedPurchase = {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    customerId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    externalOrderId: 'SO-1',
    channel: null,
    currency: 'USD',
    total: '3.999',
    baseCurrency: 'CNY',
    totalBase: '28.3929',
    lines: [{ sku: 'A', category: null, quantity: '1.5', unitPrice: '2.666', lineTotal: '3.999' }],
    occurredAt: '2026-11-20T02:15:00.000Z',
    firstPurchase: true,
  };

  it('is the same for a purchase posted alone and one read back from the columns of an import', () => {
    const fromColumns = purchaseRecordedEvent({
      ...recorded,
      total: '3.9990',
      totalBase: '28.3929',
      lines: [{ sku: 'A', category: null, quantity: '1.500', unitPrice: '2.6660', lineTotal: '3.9990' }],
    });
    expect(fromColumns).toEqual(purchaseRecordedEvent(recorded));
    expect(fromColumns.data).toEqual({
      purchaseId: recorded.id,
      customerId: recorded.customerId,
      externalOrderId: 'SO-1',
      currency: 'USD',
      total: '3.999',
      baseCurrency: 'CNY',
      totalBase: '28.3929',
      lines: [{ sku: 'A', quantity: 1.5, unitPrice: '2.666', lineTotal: '3.999' }],
      occurredAt: recorded.occurredAt,
      firstPurchase: true,
    });
  });

  it('leaves out an absent channel and category, and matches its schema', () => {
    const event = purchaseRecordedEvent({
      ...recorded,
      channel: 'store',
      lines: [{ ...recorded.lines[0]!, category: 'tea' }],
    });
    expect(event).toMatchObject({
      definition: PurchaseRecordedV1,
      subject: recorded.customerId,
      data: { channel: 'store', lines: [{ category: 'tea' }] },
    });
    expect(PurchaseRecordedV1.schema.parse(event.data)).toEqual(event.data);
  });
});
