import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res, Put } from '@nestjs/common';
import {
  ListPurchasesQuery,
  PutExchangeRateRequest,
  RecordPurchaseRequest,
  RecordRefundRequest,
  type ExchangeRateList,
  type ExchangeRateView,
  type PurchasePage,
  type PurchaseTotalsView,
  type PurchaseView,
  type RefundView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { Money } from './money';
import { isCurrencyCode } from './purchase-input';
import { PurchaseErrorCode, PurchaseException } from './purchases.exception';
import type { RefundRow } from './purchases.repository';
import { PurchasesService, type PurchaseWithDetails } from './purchases.service';

@Controller('internal/v1')
export class PurchasesController {
  constructor(private readonly purchases: PurchasesService) {}

  /** 201 for a new purchase; 200 with the purchase already recorded when the externalOrderId is replayed. */
  @Post('customers/:id/purchases')
  @CallerScopes('purchases:write')
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordPurchaseRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PurchaseView> {
    const { created, details } = await this.purchases.record(id, body, caller);
    response.status(created ? 201 : 200);
    return purchaseView(details);
  }

  @Get('customers/:id/purchases')
  @CallerScopes('customers:read')
  async list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListPurchasesQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<PurchasePage> {
    const page = await this.purchases.list(id, query.limit ?? 20, query.cursor, caller);
    return { items: page.items.map(purchaseView), nextCursor: page.nextCursor };
  }

  @Post('customers/:id/purchases/:purchaseId/refunds')
  @HttpCode(201)
  @CallerScopes('purchases:write')
  async refund(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('purchaseId', new ParseUUIDPipe()) purchaseId: string,
    @Body() body: RecordRefundRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<RefundView> {
    const { refund, currency, baseCurrency } = await this.purchases.refund(id, purchaseId, body, caller);
    return refundView(refund, currency, baseCurrency);
  }

  @Get('customers/:id/purchase-totals')
  @CallerScopes('customers:read')
  async totals(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
  ): Promise<PurchaseTotalsView> {
    const { summary, byCurrency } = await this.purchases.totals(id, caller);
    const totalBase = summary?.total_base ?? '0';
    const refundedBase = summary?.refunded_base ?? '0';
    return {
      customerId: id,
      baseCurrency: summary?.base_currency ?? this.purchases.baseCurrency,
      purchaseCount: summary?.purchase_count ?? 0,
      totalBase: money(totalBase),
      refundedBase: money(refundedBase),
      netBase: Money.parse(totalBase).subtract(Money.parse(refundedBase)).toString(),
      firstPurchaseAt: summary?.first_purchase_at ? new Date(summary.first_purchase_at).toISOString() : null,
      lastPurchaseAt: summary?.last_purchase_at ? new Date(summary.last_purchase_at).toISOString() : null,
      byCurrency: byCurrency.map((c) => ({
        currency: c.currency,
        purchaseCount: c.purchase_count,
        total: money(c.total),
        refunded: money(c.refunded),
        net: money(c.net),
      })),
    };
  }

  @Get('exchange-rates')
  @CallerScopes('customers:read')
  async rates(): Promise<ExchangeRateList> {
    return { items: (await this.purchases.rates()).map(rateView) };
  }

  /** Sets the rate (idempotent: PUT). */
  @Put('exchange-rates/:currency')
  @HttpCode(200)
  @CallerScopes('admin')
  async putRate(
    @Param('currency') currency: string,
    @Body() body: PutExchangeRateRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<ExchangeRateView> {
    if (!isCurrencyCode(currency)) {
      throw new PurchaseException(PurchaseErrorCode.InvalidCurrency, 'currency must be an ISO 4217 code', [
        { field: 'currency', message: 'must be an ISO 4217 code such as USD' },
      ]);
    }
    return rateView(await this.purchases.putRate(currency, body.rate, caller));
  }
}

const money = (value: string): string => Money.parse(value).toString();
const quantity = (value: string): number => Number(value);

function purchaseView({ purchase, lines, refunds }: PurchaseWithDetails): PurchaseView {
  return {
    id: purchase.id,
    customerId: purchase.customer_id,
    externalOrderId: purchase.external_order_id,
    channel: purchase.channel,
    currency: purchase.currency,
    total: money(purchase.total),
    baseCurrency: purchase.base_currency,
    totalBase: money(purchase.total_base),
    refunded: money(purchase.refunded),
    refundedBase: money(purchase.refunded_base),
    occurredAt: new Date(purchase.occurred_at).toISOString(),
    recordedAt: new Date(purchase.recorded_at).toISOString(),
    lines: lines.map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      name: l.name,
      category: l.category,
      quantity: quantity(l.quantity),
      unitPrice: money(l.unit_price),
      lineTotal: money(l.line_total),
      refundedQuantity: quantity(l.refunded_quantity),
    })),
    refunds: refunds.map((r) => refundView(r, purchase.currency, purchase.base_currency)),
  };
}

function refundView(refund: RefundRow, currency: string, baseCurrency: string): RefundView {
  return {
    id: refund.id,
    purchaseId: refund.purchase_id,
    customerId: refund.customer_id,
    currency,
    amount: money(refund.amount),
    baseCurrency,
    amountBase: money(refund.amount_base),
    reason: refund.reason,
    createdAt: new Date(refund.created_at).toISOString(),
  };
}

function rateView(row: { currency: string; base_currency: string; rate: string; updated_at: Date }): ExchangeRateView {
  return {
    currency: row.currency,
    baseCurrency: row.base_currency,
    rate: row.rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
