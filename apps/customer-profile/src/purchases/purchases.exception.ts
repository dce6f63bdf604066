import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with a purchase, a refund or an exchange rate; the code travels in the problem+json as `code`. */
export enum PurchaseErrorCode {
  PurchaseNotFound = 'purchase-not-found',
  NoExchangeRate = 'no-exchange-rate',
  OrderOfAnotherCustomer = 'order-of-another-customer',
  AmountTooLarge = 'amount-too-large',
  RefundAmountAndLines = 'refund-amount-and-lines',
  FullyRefunded = 'purchase-fully-refunded',
  UnknownLine = 'unknown-purchase-line',
  RefundExceedsRemaining = 'refund-exceeds-remaining',
  RefundZero = 'refund-amount-zero',
  InvalidRate = 'invalid-rate',
  BaseCurrencyRate = 'base-currency-rate',
  InvalidCurrency = 'invalid-currency',
  BadCursor = 'bad-cursor',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class PurchaseException extends ProblemException {
  constructor(
    readonly code: PurchaseErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: PurchaseErrorCode) {
  switch (code) {
    case PurchaseErrorCode.PurchaseNotFound:
      return 'notFound' as const;
    case PurchaseErrorCode.InvalidRate:
    case PurchaseErrorCode.InvalidCurrency:
    case PurchaseErrorCode.BadCursor:
      return 'validation' as const;
    case PurchaseErrorCode.OrderOfAnotherCustomer:
    case PurchaseErrorCode.FullyRefunded:
      return 'conflict' as const;
    case PurchaseErrorCode.NoExchangeRate:
    case PurchaseErrorCode.AmountTooLarge:
    case PurchaseErrorCode.RefundAmountAndLines:
    case PurchaseErrorCode.UnknownLine:
    case PurchaseErrorCode.RefundExceedsRemaining:
    case PurchaseErrorCode.RefundZero:
    case PurchaseErrorCode.BaseCurrencyRate:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
