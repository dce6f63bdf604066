import { PurchaseRowValidator } from './purchase-row.validator';

describe(PurchaseRowValidator.name, () => {
  const sut = new PurchaseRowValidator();
  const csv = {
    externalOrderId: ' SO-1 ',
    email: 'Buyer@Example.com',
    currency: 'CNY',
    channel: 'store',
    occurredAt: '2026-11-20T10:15:00+08:00',
    sku: 'TEA-001',
    name: '西湖龙井',
    category: 'tea',
    quantity: '2',
    unitPrice: '88.5',
  };

  it('normalises a CSV order line: trimmed order id, lower-case email, UTC time', () => {
    expect(sut.csvRow(csv)).toEqual({
      externalOrderId: 'SO-1',
      errors: [],
      rows: [
        expect.objectContaining({
          externalOrderId: 'SO-1',
          email: 'buyer@example.com',
          occurredAt: '2026-11-20T02:15:00.000Z',
          quantity: '2',
          unitPrice: '88.5',
        }),
      ],
    });
  });

  it('names every bad field and keeps the order id, so the other rows of the order are refused too', () => {
    const result = sut.csvRow({
      ...csv,
      currency: 'cny',
      occurredAt: '2026-11-20 10:15',
      quantity: '0',
      unitPrice: '1.23456',
      colour: 'red',
    });
    expect(result.rows).toBeNull();
    expect(result.externalOrderId).toBe('SO-1');
    expect(result.errors.map((e) => e.field).sort()).toEqual([
      'colour',
      'currency',
      'occurredAt',
      'quantity',
      'unitPrice',
    ]);
  });

  it('wants exactly one customer reference', () => {
    expect(sut.csvRow({ ...csv, phone: '13800138000' }).errors).toEqual([
      expect.objectContaining({ field: 'customerId' }),
    ]);
    const { email: _email, ...none } = csv;
    expect(sut.csvRow(none).errors).toEqual([expect.objectContaining({ field: 'customerId' })]);
  });

  it('reads a JSON purchase with its lines, numbers as JSON numbers', () => {
    const result = sut.jsonPurchase({
      customerId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      externalOrderId: 'SO-2',
      currency: 'USD',
      occurredAt: '2026-11-20T10:15:00Z',
      lines: [
        { sku: 'A', quantity: 1.5, unitPrice: 2 },
        { sku: 'B', quantity: 1, unitPrice: '0.1' },
      ],
    });
    expect(result.rows?.map((r) => [r.sku, r.quantity, r.unitPrice, r.customerId])).toEqual([
      ['A', '1.5', '2', '0f8fad5b-d9cb-469f-a165-70867728950e'],
      ['B', '1', '0.1', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ]);
  });

  it('names the line of a bad JSON order line', () => {
    const result = sut.jsonPurchase({
      customerId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      externalOrderId: 'SO-3',
      currency: 'CNY',
      occurredAt: '2026-11-20T10:15:00Z',
      lines: [{ sku: '', quantity: 1, unitPrice: 1, gift: true }],
    });
    expect(result.errors.map((e) => e.field).sort()).toEqual(['lines[0].gift', 'lines[0].sku']);
  });
});
