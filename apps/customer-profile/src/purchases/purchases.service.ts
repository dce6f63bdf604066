import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PurchaseRefundedV1, type RecordPurchaseRequest, type RecordRefundRequest } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { CustomerNotFoundException } from '../customers/customers.exception';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { Money } from './money';
import { PurchaseCalculator } from './purchase-calculator';
import { purchaseRecordedEvent } from './purchase-events';
import { storedAmountError } from './purchase-input';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { PurchaseErrorCode, PurchaseException } from './purchases.exception';
import { PurchasesRepository, type LineRow, type PurchaseRow, type RefundRow } from './purchases.repository';

export interface PurchaseWithDetails {
  purchase: PurchaseRow;
  lines: LineRow[];
  refunds: RefundRow[];
}

@Injectable()
export class PurchasesService {
  private readonly calculator = new PurchaseCalculator();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PurchasesRepository,
    private readonly lifecycle: LifecycleService,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
  ) {}

  get baseCurrency(): string {
    return this.config.BASE_CURRENCY;
  }

  /**
   * Records a purchase with its totals, lifecycle move and purchase.recorded event in one
   * transaction. The external order id is unique: a replay returns the purchase already recorded
   * (created: false) and publishes nothing.
   */
  async record(
    customerId: string,
    input: RecordPurchaseRequest,
    caller: CallerIdentity,
  ): Promise<{ created: boolean; details: PurchaseWithDetails }> {
    const base = this.config.BASE_CURRENCY;
    const rate = await this.repository.rate(input.currency, base);
    if (rate === null) {
      throw new PurchaseException(
        PurchaseErrorCode.NoExchangeRate,
        `No exchange rate from ${input.currency} to the base currency ${base}`,
        [{ field: 'currency', message: `unknown currency ${input.currency}: no exchange rate to ${base}` }],
      );
    }
    const occurredAt = new Date(input.occurredAt).toISOString();
    const priced = this.calculator.price(input.lines);
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.repository.lockVisibleCustomer(manager, customerId, customerVisibility(caller));
      if (!customer) throw new CustomerNotFoundException(customerId);
      const replay = async (): Promise<{ created: boolean; details: PurchaseWithDetails }> => {
        const existing = (await this.repository.findByExternalId(manager, input.externalOrderId))!;
        if (existing.customer_id !== customerId) {
          throw new PurchaseException(
            PurchaseErrorCode.OrderOfAnotherCustomer,
            `Order ${input.externalOrderId} is already recorded for another customer`,
            [{ field: 'externalOrderId', message: 'already recorded for another customer' }],
          );
        }
        return { created: false, details: await this.details(manager, existing) };
      };
      if (await this.repository.findByExternalId(manager, input.externalOrderId)) return replay();
      const purchasesBefore = await this.repository.purchaseCount(manager, customerId);
      const id = randomUUID();
      const totalBase = this.calculator.toBase(priced.total, rate);
      for (const [field, amount] of [
        ...priced.lines.map((l, i) => [`lines[${i}]`, l.lineTotal] as const),
        ['lines', priced.total] as const,
        ['currency', totalBase] as const,
      ]) {
        const tooLarge = storedAmountError(field, amount);
        if (tooLarge)
          throw new PurchaseException(
            PurchaseErrorCode.AmountTooLarge,
            `The purchase's amounts exceed what is stored (less than 10^14 per amount)`,
            [tooLarge],
          );
      }
      const lines = priced.lines.map((line, i) => ({
        ...line,
        sku: input.lines[i]!.sku,
        name: input.lines[i]!.name ?? null,
        category: input.lines[i]!.category ?? null,
      }));
      const inserted = await this.repository.insertPurchase(
        manager,
        {
          id,
          customer_id: customerId,
          external_order_id: input.externalOrderId,
          channel: input.channel ?? null,
          currency: input.currency,
          total: priced.total,
          base_currency: base,
          rate,
          total_base: totalBase,
          occurred_at: occurredAt,
          recorded_by: caller.sub,
        },
        lines,
      );
      // A concurrent request with the same order id won the insert: answer as a replay.
      if (!inserted) return replay();
      await this.lifecycle.onPurchase(manager, customerId, customer.stage, purchasesBefore);
      await this.outbox.addMany(manager, [
        purchaseRecordedEvent({
          id,
          customerId,
          externalOrderId: input.externalOrderId,
          channel: input.channel ?? null,
          currency: input.currency,
          total: priced.total,
          baseCurrency: base,
          totalBase,
          lines,
          occurredAt,
          firstPurchase: purchasesBefore === 0,
        }),
      ]);
      const purchase = (await this.repository.findByExternalId(manager, input.externalOrderId))!;
      return { created: true, details: await this.details(manager, purchase) };
    });
  }

  async refund(
    customerId: string,
    purchaseId: string,
    input: RecordRefundRequest,
    caller: CallerIdentity,
  ): Promise<{ refund: RefundRow; currency: string; baseCurrency: string }> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.lockVisibleCustomer(manager, customerId, customerVisibility(caller))))
        throw new CustomerNotFoundException(customerId);
      const purchase = await this.repository.lockPurchase(manager, customerId, purchaseId);
      if (!purchase)
        throw new PurchaseException(PurchaseErrorCode.PurchaseNotFound, `Purchase ${purchaseId} was not found`);
      const lines = await this.repository.lines(manager, [purchaseId]);
      const decision = this.calculator.refund(
        {
          total: purchase.total,
          refunded: purchase.refunded,
          lines: lines.map((l) => ({
            lineNo: l.line_no,
            quantity: l.quantity,
            refundedQuantity: l.refunded_quantity,
            unitPrice: l.unit_price,
          })),
        },
        {
          ...(input.amount !== undefined ? { amount: input.amount } : {}),
          ...(input.lines ? { lines: input.lines } : {}),
        },
      );
      if (!decision.ok)
        throw new PurchaseException(decision.code, decision.message, [
          { field: decision.field, message: decision.message },
        ]);
      // The last refund takes exactly what is left in the base currency, so rounding never leaves a remainder.
      const amountBase = decision.closesPurchase
        ? Money.parse(purchase.total_base).subtract(Money.parse(purchase.refunded_base)).toString()
        : this.calculator.toBase(decision.amount, purchase.rate);
      const refund = await this.repository.insertRefund(manager, {
        id: randomUUID(),
        purchase,
        amount: decision.amount,
        amountBase,
        lines: decision.lines,
        reason: input.reason,
        by: caller.sub,
      });
      const fraction = Money.parse(decision.amount).ratio(Money.parse(purchase.total));
      await this.outbox.add(manager, PurchaseRefundedV1, customerId, {
        refundId: refund.id,
        purchaseId,
        customerId,
        currency: purchase.currency,
        amount: decision.amount,
        baseCurrency: purchase.base_currency,
        amountBase,
        fraction: Math.min(1, Math.max(fraction, 1e-9)),
        occurredAt: new Date(refund.created_at).toISOString(),
      });
      return { refund, currency: purchase.currency, baseCurrency: purchase.base_currency };
    });
  }

  async list(
    customerId: string,
    limit: number,
    cursor: string | undefined,
    caller: CallerIdentity,
  ): Promise<{ items: PurchaseWithDetails[]; nextCursor: string | null }> {
    if (!(await this.repository.isVisible(customerId, customerVisibility(caller))))
      throw new CustomerNotFoundException(customerId);
    const rows = await this.repository.page(customerId, limit + 1, cursor ? decodeCursor(cursor) : null);
    const page = rows.slice(0, limit);
    const ids = page.map((p) => p.id);
    const [lines, refunds] = await Promise.all([
      this.repository.lines(this.dataSource, ids),
      this.repository.refunds(this.dataSource, ids),
    ]);
    const last = page[page.length - 1];
    return {
      items: page.map((purchase) => ({
        purchase,
        lines: lines.filter((l) => l.purchase_id === purchase.id),
        refunds: refunds.filter((r) => r.purchase_id === purchase.id),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async totals(
    customerId: string,
    caller: CallerIdentity,
  ): Promise<Awaited<ReturnType<PurchasesRepository['totals']>>> {
    if (!(await this.repository.isVisible(customerId, customerVisibility(caller))))
      throw new CustomerNotFoundException(customerId);
    return this.repository.totals(customerId);
  }

  rates(): ReturnType<PurchasesRepository['rates']> {
    return this.repository.rates(this.config.BASE_CURRENCY);
  }

  putRate(currency: string, rate: string, caller: CallerIdentity): ReturnType<PurchasesRepository['putRate']> {
    // Not Money.parse: a rate has up to 10 decimals, money 4.
    if (!/[1-9]/.test(rate)) {
      throw new PurchaseException(PurchaseErrorCode.InvalidRate, 'rate must be greater than 0', [
        { field: 'rate', message: 'must be greater than 0' },
      ]);
    }
    if (currency === this.config.BASE_CURRENCY && rate.replace(/\.?0+$/, '') !== '1') {
      throw new PurchaseException(PurchaseErrorCode.BaseCurrencyRate, 'The base currency has the rate 1', [
        { field: 'rate', message: 'the base currency has the rate 1' },
      ]);
    }
    return this.repository.putRate(currency, this.config.BASE_CURRENCY, rate, caller.sub);
  }

  private async details(
    manager: Parameters<PurchasesRepository['lines']>[0],
    purchase: PurchaseRow,
  ): Promise<PurchaseWithDetails> {
    const [lines, refunds] = [
      await this.repository.lines(manager, [purchase.id]),
      await this.repository.refunds(manager, [purchase.id]),
    ];
    return { purchase, lines, refunds };
  }
}

function encodeCursor(row: PurchaseRow): string {
  return Buffer.from(JSON.stringify([new Date(row.occurred_at).toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: string; id: string } {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(occurredAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('bad cursor');
    return { occurredAt, id };
  } catch {
    throw new PurchaseException(PurchaseErrorCode.BadCursor, 'cursor is not valid', [
      { field: 'cursor', message: 'use nextCursor of a previous page' },
    ]);
  }
}
