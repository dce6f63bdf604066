import type { FieldError } from '@rapport/platform-http';
import { isCurrencyCode, readPurchaseLine, readPurchaseOrder, storedAmountError } from './purchase-input';

describe('purchase input', () => {
  it('takes ISO 4217 codes only, as the request body and the exchange-rate route do', () => {
    expect(['CNY', 'USD'].map(isCurrencyCode)).toEqual([true, true]);
    expect(['cny', 'CN', 'CNYY', ' CNY'].map(isCurrencyCode)).toEqual([false, false, false, false]);
  });

  it('reads an order line from decimal strings or JSON numbers', () => {
    const errors: FieldError[] = [];
    expect(readPurchaseLine({ sku: ' A ', quantity: 1.5, unitPrice: '88.50' }, 'lines[0].', errors)).toEqual({
      sku: 'A',
      name: null,
      category: null,
      quantity: '1.5',
      unitPrice: '88.50',
    });
    expect(errors).toEqual([]);
  });

  it('refuses a line whose total does not fit the stored amounts, naming the line as POST …/purchases does', () => {
    const errors: FieldError[] = [];
    expect(readPurchaseLine({ sku: 'A', quantity: 1000, unitPrice: '99999999999999' }, 'lines[1].', errors)).toBeNull();
    expect(errors).toEqual([{ field: 'lines[1]', message: 'the amount 99999999999999000.00 is 10^14 or more' }]);
    expect(storedAmountError('currency', '100000000000000.00')).toEqual({
      field: 'currency',
      message: 'the total in the base currency 100000000000000.00 is 10^14 or more',
    });
    expect(storedAmountError('lines', '99999999999999.9999')).toBeNull();
  });

  it('names every bad order field', () => {
    const errors: FieldError[] = [];
    expect(
      readPurchaseOrder(
        { externalOrderId: 'SO-1', currency: 'cny', channel: 'Store', occurredAt: '2026-11-20T10:15:00' },
        errors,
      ),
    ).toBeNull();
    expect(errors.map((e) => e.field)).toEqual(['currency', 'channel', 'occurredAt']);
  });
});
