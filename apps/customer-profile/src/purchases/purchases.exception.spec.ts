import { PurchaseErrorCode, PurchaseException } from './purchases.exception';

describe(PurchaseException.name, () => {
  it('answers a refund of a fully refunded purchase with 409, every other refused refund with 422', () => {
    const status = (code: PurchaseErrorCode) => new PurchaseException(code, 'refused').toProblem().status;
    expect(status(PurchaseErrorCode.FullyRefunded)).toBe(409);
    for (const code of [
      PurchaseErrorCode.RefundAmountAndLines,
      PurchaseErrorCode.UnknownLine,
      PurchaseErrorCode.RefundExceedsRemaining,
      PurchaseErrorCode.RefundZero,
    ])
      expect(status(code)).toBe(422);
  });

  it('puts the code beside the field errors, which are kept as given', () => {
    const errors = [{ field: 'cursor', message: 'use nextCursor of a previous page' }];
    expect(new PurchaseException(PurchaseErrorCode.BadCursor, 'cursor is not valid', errors).toProblem()).toEqual({
      type: 'https://rapport.dev/problems/validation-error',
      title: 'The request is not valid',
      status: 400,
      detail: 'cursor is not valid',
      code: 'bad-cursor',
      errors,
    });
    expect(
      new PurchaseException(PurchaseErrorCode.PurchaseNotFound, 'Purchase p was not found').toProblem(),
    ).not.toHaveProperty('errors');
  });
});
