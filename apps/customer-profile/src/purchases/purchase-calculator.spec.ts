import { PurchaseCalculator } from './purchase-calculator';
import { PurchaseErrorCode } from './purchases.exception';

describe(PurchaseCalculator.name, () => {
  const sut = new PurchaseCalculator();
  const purchase = {
    total: '25.55',
    refunded: '0',
    lines: [
      { lineNo: 1, quantity: '2', refundedQuantity: '0', unitPrice: '10.0000' },
      { lineNo: 2, quantity: '1', refundedQuantity: '0', unitPrice: '5.5500' },
    ],
  };

  it('prices lines exactly', () => {
    expect(
      sut.price([
        { quantity: 2, unitPrice: '88.5' },
        { quantity: 3, unitPrice: '0.1' },
      ]),
    ).toEqual({
      total: '177.30',
      lines: [
        { lineNo: 1, quantity: '2', unitPrice: '88.50', lineTotal: '177.00' },
        { lineNo: 2, quantity: '3', unitPrice: '0.10', lineTotal: '0.30' },
      ],
    });
    expect(sut.toBase('10.00', '7.1')).toBe('71.00');
  });

  it('refunds what is left when neither amount nor lines are given', () => {
    expect(sut.refund({ ...purchase, refunded: '5.55' }, {})).toEqual({
      ok: true,
      amount: '20.00',
      lines: [],
      closesPurchase: true,
    });
  });

  it('refunds by amount up to what is left', () => {
    expect(sut.refund(purchase, { amount: '5' })).toMatchObject({ ok: true, amount: '5.00', closesPurchase: false });
    expect(sut.refund(purchase, { amount: '25.56' })).toMatchObject({
      ok: false,
      code: PurchaseErrorCode.RefundExceedsRemaining,
      field: 'amount',
    });
    expect(sut.refund(purchase, { amount: '0' })).toMatchObject({
      ok: false,
      code: PurchaseErrorCode.RefundZero,
      field: 'amount',
    });
  });

  it('refunds by line up to the quantity not yet refunded', () => {
    expect(
      sut.refund(purchase, {
        lines: [
          { lineNo: 1, quantity: 1 },
          { lineNo: 2, quantity: 1 },
        ],
      }),
    ).toEqual({
      ok: true,
      amount: '15.55',
      lines: [
        { lineNo: 1, quantity: '1' },
        { lineNo: 2, quantity: '1' },
      ],
      closesPurchase: false,
    });
    const partly = { ...purchase, lines: [{ ...purchase.lines[0]!, refundedQuantity: '1.5' }, purchase.lines[1]!] };
    expect(sut.refund(partly, { lines: [{ lineNo: 1, quantity: 1 }] })).toMatchObject({
      ok: false,
      field: 'lines[0].quantity',
    });
    expect(
      sut.refund(purchase, {
        lines: [
          { lineNo: 1, quantity: 1 },
          { lineNo: 1, quantity: 1.5 },
        ],
      }),
    ).toMatchObject({ ok: false, field: 'lines[1].quantity' });
    expect(sut.refund(purchase, { lines: [{ lineNo: 9, quantity: 1 }] })).toMatchObject({
      ok: false,
      field: 'lines[0].lineNo',
    });
  });

  it('refuses both amount and lines, and a purchase already fully refunded', () => {
    expect(sut.refund(purchase, { amount: '1', lines: [{ lineNo: 1, quantity: 1 }] })).toMatchObject({
      ok: false,
      code: PurchaseErrorCode.RefundAmountAndLines,
    });
    expect(sut.refund({ ...purchase, refunded: '25.55' }, {})).toMatchObject({
      ok: false,
      code: PurchaseErrorCode.FullyRefunded,
    });
  });
});
