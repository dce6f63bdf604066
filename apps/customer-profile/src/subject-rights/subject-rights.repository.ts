import { Injectable } from '@nestjs/common';
import type { LifecycleChangeView, OwnershipChangeView, PurchaseView } from '@rapport/contracts';
import { DataSource } from 'typeorm';
import { Money } from '../purchases/money';

interface PurchasePageRow {
  id: string;
  customer_id: string;
  external_order_id: string;
  channel: string | null;
  currency: string;
  total: string;
  base_currency: string;
  total_base: string;
  refunded: string;
  refunded_base: string;
  occurred_at: Date;
  recorded_at: Date;
  lines: Array<{
    line_no: number;
    sku: string;
    name: string | null;
    category: string | null;
    quantity: string;
    unit_price: string;
    line_total: string;
    refunded_quantity: string;
  }>;
  refunds: Array<{
    id: string;
    customer_id: string;
    amount: string;
    amount_base: string;
    reason: string;
    created_at: string;
  }>;
}

const money = (value: string): string => Money.parse(value).toString();
const iso = (value: Date | string): string => new Date(value).toISOString();

/** Read-only SQL for the subject access export: what the other features' repositories hold on one customer. */
@Injectable()
export class SubjectRightsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One keyset page (oldest first) of purchases with their lines and refunds, in one statement. */
  async purchasePage(customerId: string, after: PurchaseView | undefined, limit: number): Promise<PurchaseView[]> {
    const rows: PurchasePageRow[] = await this.dataSource.query(
      `SELECT p.id, p.customer_id, p.external_order_id, p.channel, p.currency, p.total::text, p.base_currency, p.total_base::text,
              p.refunded::text, p.refunded_base::text, p.occurred_at, p.recorded_at,
              COALESCE((SELECT json_agg(json_build_object('line_no', l.line_no, 'sku', l.sku, 'name', l.name, 'category', l.category,
                          'quantity', l.quantity::text, 'unit_price', l.unit_price::text, 'line_total', l.line_total::text,
                          'refunded_quantity', l.refunded_quantity::text) ORDER BY l.line_no)
                          FROM customer_profile.purchase_lines l WHERE l.purchase_id = p.id), '[]') AS lines,
              COALESCE((SELECT json_agg(json_build_object('id', r.id, 'customer_id', r.customer_id, 'amount', r.amount::text,
                          'amount_base', r.amount_base::text, 'reason', r.reason, 'created_at', r.created_at) ORDER BY r.created_at, r.id)
                          FROM customer_profile.purchase_refunds r WHERE r.purchase_id = p.id), '[]') AS refunds
         FROM customer_profile.purchases p
        WHERE p.customer_id = $1 AND ($2::timestamptz IS NULL OR (p.occurred_at, p.id) > ($2::timestamptz, $3::uuid))
        ORDER BY p.occurred_at, p.id LIMIT $4`,
      [customerId, after?.occurredAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((p) => ({
      id: p.id,
      customerId: p.customer_id,
      externalOrderId: p.external_order_id,
      channel: p.channel,
      currency: p.currency,
      total: money(p.total),
      baseCurrency: p.base_currency,
      totalBase: money(p.total_base),
      refunded: money(p.refunded),
      refundedBase: money(p.refunded_base),
      occurredAt: iso(p.occurred_at),
      recordedAt: iso(p.recorded_at),
      lines: p.lines.map((l) => ({
        lineNo: l.line_no,
        sku: l.sku,
        name: l.name,
        category: l.category,
        quantity: Number(l.quantity),
        unitPrice: money(l.unit_price),
        lineTotal: money(l.line_total),
        refundedQuantity: Number(l.refunded_quantity),
      })),
      refunds: p.refunds.map((r) => ({
        id: r.id,
        purchaseId: p.id,
        customerId: r.customer_id,
        currency: p.currency,
        amount: money(r.amount),
        baseCurrency: p.base_currency,
        amountBase: money(r.amount_base),
        reason: r.reason,
        createdAt: iso(r.created_at),
      })),
    }));
  }

  async ownershipHistory(customerId: string): Promise<OwnershipChangeView[]> {
    const rows: Array<{
      change: string;
      owner_id: string | null;
      team: string | null;
      previous_owner_id: string | null;
      reason: string | null;
      changed_by: string | null;
      changed_at: Date;
    }> = await this.dataSource.query(
      `SELECT change, owner_id, team, previous_owner_id, reason, changed_by, changed_at
           FROM customer_profile.ownership_history WHERE customer_id = $1 ORDER BY id`,
      [customerId],
    );
    return rows.map((r) => ({
      change: r.change,
      ownerId: r.owner_id,
      team: r.team,
      previousOwnerId: r.previous_owner_id,
      reason: r.reason,
      changedBy: r.changed_by,
      changedAt: iso(r.changed_at),
    }));
  }

  async lifecycleHistory(customerId: string): Promise<LifecycleChangeView[]> {
    const rows: Array<{
      from_stage: string | null;
      to_stage: string;
      reason: string;
      automatic: boolean;
      changed_by: string | null;
      changed_at: Date;
    }> = await this.dataSource.query(
      `SELECT from_stage, to_stage, reason, automatic, changed_by, changed_at
         FROM customer_profile.lifecycle_history WHERE customer_id = $1 ORDER BY id`,
      [customerId],
    );
    return rows.map((r) => ({
      from: r.from_stage,
      to: r.to_stage,
      reason: r.reason,
      automatic: r.automatic,
      changedBy: r.changed_by,
      changedAt: iso(r.changed_at),
    }));
  }
}
