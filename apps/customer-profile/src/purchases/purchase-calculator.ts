import { Money } from './money';
import { PurchaseErrorCode } from './purchases.exception';

export interface LineInput {
  quantity: number;
  unitPrice: string;
}

export interface PricedLine {
  lineNo: number;
  quantity: string;
  unitPrice: string;
  lineTotal: string;
}

export interface PurchasedLine {
  lineNo: number;
  quantity: string;
  refundedQuantity: string;
  unitPrice: string;
}

export interface RefundInput {
  amount?: string;
  lines?: { lineNo: number; quantity: number }[];
}

export type RefundDecision =
  | { ok: true; amount: string; lines: { lineNo: number; quantity: string }[]; closesPurchase: boolean }
  | { ok: false; code: PurchaseErrorCode; field: string; message: string };

/** Quantities have at most 3 decimals: kept exact as thousandths. */
const toThousandths = (quantity: string | number): bigint => Money.parse(String(quantity)).units / 10n;
const fromThousandths = (value: bigint): string => {
  const whole = value / 1000n;
  const fraction = (value % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
};

/** Prices order lines and refunds with exact decimals: what is refunded never exceeds what was paid. */
export class PurchaseCalculator {
  price(lines: LineInput[]): { lines: PricedLine[]; total: string } {
    let total = Money.zero;
    const priced = lines.map((line, index) => {
      const lineTotal = Money.parse(line.unitPrice).times(String(line.quantity));
      total = total.add(lineTotal);
      return {
        lineNo: index + 1,
        quantity: String(line.quantity),
        unitPrice: Money.parse(line.unitPrice).toString(),
        lineTotal: lineTotal.toString(),
      };
    });
    return { lines: priced, total: total.toString() };
  }

  toBase(amount: string, rate: string): string {
    return Money.parse(amount).times(rate).toString();
  }

  refund(purchase: { total: string; refunded: string; lines: PurchasedLine[] }, input: RefundInput): RefundDecision {
    const remaining = Money.parse(purchase.total).subtract(Money.parse(purchase.refunded));
    if (input.amount !== undefined && input.lines !== undefined) {
      return {
        ok: false,
        code: PurchaseErrorCode.RefundAmountAndLines,
        field: 'amount',
        message: 'give amount or lines, not both',
      };
    }
    if (remaining.isZero() || remaining.isNegative()) {
      return {
        ok: false,
        code: PurchaseErrorCode.FullyRefunded,
        field: 'amount',
        message: 'the purchase is already fully refunded',
      };
    }
    const decide = (amount: Money, lines: { lineNo: number; quantity: string }[]): RefundDecision => ({
      ok: true,
      amount: amount.toString(),
      lines,
      closesPurchase: amount.compare(remaining) === 0,
    });
    if (input.lines) {
      const byNo = new Map(purchase.lines.map((l) => [l.lineNo, l]));
      const wanted = new Map<number, bigint>();
      for (const [index, line] of input.lines.entries()) {
        const bought = byNo.get(line.lineNo);
        if (!bought)
          return {
            ok: false,
            code: PurchaseErrorCode.UnknownLine,
            field: `lines[${index}].lineNo`,
            message: `the purchase has no line ${line.lineNo}`,
          };
        const quantity = (wanted.get(line.lineNo) ?? 0n) + toThousandths(line.quantity);
        const left = toThousandths(bought.quantity) - toThousandths(bought.refundedQuantity);
        if (quantity > left) {
          return {
            ok: false,
            code: PurchaseErrorCode.RefundExceedsRemaining,
            field: `lines[${index}].quantity`,
            message: `only ${fromThousandths(left)} of line ${line.lineNo} can still be refunded`,
          };
        }
        wanted.set(line.lineNo, quantity);
      }
      let amount = Money.zero;
      for (const [lineNo, quantity] of wanted)
        amount = amount.add(Money.parse(byNo.get(lineNo)!.unitPrice).times(fromThousandths(quantity)));
      // Rounding per line can never push the refunds past what was paid.
      if (amount.compare(remaining) > 0) amount = remaining;
      if (amount.isZero())
        return {
          ok: false,
          code: PurchaseErrorCode.RefundZero,
          field: 'lines',
          message: 'the refund amount would be zero',
        };
      return decide(
        amount,
        [...wanted].map(([lineNo, quantity]) => ({ lineNo, quantity: fromThousandths(quantity) })),
      );
    }
    if (input.amount !== undefined) {
      const amount = Money.parse(input.amount);
      if (amount.isZero())
        return {
          ok: false,
          code: PurchaseErrorCode.RefundZero,
          field: 'amount',
          message: 'amount must be greater than 0',
        };
      if (amount.compare(remaining) > 0) {
        return {
          ok: false,
          code: PurchaseErrorCode.RefundExceedsRemaining,
          field: 'amount',
          message: `amount exceeds what is left to refund (${remaining.toString()})`,
        };
      }
      return decide(amount, []);
    }
    return decide(remaining, []);
  }
}
