import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import type { LifecycleStage } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { OutboxWriter, type PendingEvent } from '@rapport/platform-messaging';
import { LifecyclePolicy } from '../lifecycle/lifecycle.policy';
import { purchaseRecordedEvent } from '../purchases/purchase-events';
import { PurchasesRepository } from '../purchases/purchases.repository';
import { FEATURE_CONFIG, type FeatureConfig } from '../shared/feature.config';
import { lifecycleChangedEvent } from '../shared/lifecycle-changed.event';
import { ImportsRepository, type ImportCounts, type ImportRowError } from './imports.repository';
import { PurchaseImportRepository, type PurchaseImportSession } from './purchase-import.repository';
import { PurchaseRowValidator } from './purchase-row.validator';
import { readRecords, type ImportFormat, type SourceItem } from './row-source';

export type PurchaseImportOutcome = ImportCounts;

const PROGRESS_EVERY = 1_000;
const MAX_STORED_ERRORS = 100_000;
/** Purchases whose events are built and written per statement. */
const EVENT_BATCH = 1_000;

type LifecycleMove = { from: LifecycleStage; to: LifecycleStage; reason: string };

/** The lifecycle moves of an import, purchase by purchase, and each customer's purchases before it. */
interface LifecyclePlan {
  moves: (LifecycleMove & { customerId: string })[];
  /** By `${customerId}/${rank}`: the move the rank-th purchase of the import causes. */
  moveAt: Map<string, LifecycleMove>;
  purchasesBefore: Map<string, number>;
}

/** What reading the upload found: rows read, rows refused, orders with a bad row, and the errors kept. */
class ReadReport {
  total = 0;
  failed = 0;
  readonly badOrders = new Set<string>();
  private readonly errors: ImportRowError[] = [];

  report(error: ImportRowError): void {
    if (this.errors.length < MAX_STORED_ERRORS) this.errors.push(error);
  }

  byLine(): ImportRowError[] {
    return this.errors.sort((a, b) => a.line - b.line);
  }
}

/**
 * Imports purchases set-based, with the rules of POST /customers/{id}/purchases: CSV rows (one per
 * order line; rows sharing externalOrderId form one purchase) or JSON lines (one purchase each) are
 * validated as they stream in and `COPY`-ed into a staging table; customers are resolved (id, email,
 * phone or identifier, among those the caller may see), exchange rates joined, orders already
 * recorded skipped, all set-based; then purchases, lines, totals, lifecycle moves and the
 * purchase.recorded / lifecycle.changed events are written in one transaction, each event exactly
 * as the single-purchase path writes it (firstPurchase and the moves follow the file's order).
 */
@Injectable()
export class PurchaseImporter {
  private readonly validator = new PurchaseRowValidator();
  private readonly policy = new LifecyclePolicy();

  constructor(
    private readonly staging: PurchaseImportRepository,
    private readonly jobs: ImportsRepository,
    private readonly purchases: PurchasesRepository,
    private readonly outbox: OutboxWriter,
    @Inject(FEATURE_CONFIG) private readonly config: FeatureConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async run(
    importId: string,
    body: Readable,
    format: ImportFormat,
    visibility: CustomerVisibility,
    recordedBy: string,
  ): Promise<PurchaseImportOutcome> {
    const session = await this.staging.open();
    const read = new ReadReport();
    try {
      await session.begin();
      await this.stageRows(session, importId, body, format, read);
      await this.settleOrders(session, format, read.badOrders, visibility);
      const purchases = await this.recordPurchases(session, recordedBy);
      const outcome = await this.complete(session, importId, read);
      await session.commit();
      this.logger.info(
        {
          importId,
          rows: outcome.total,
          purchases,
          importedRows: outcome.imported,
          skipped: outcome.skipped,
          failed: outcome.failed,
        },
        'purchase import completed',
      );
      return outcome;
    } catch (error) {
      await session.rollback();
      await this.jobs.fail(importId, read.total, (error as Error).message.slice(0, 500));
      throw error;
    } finally {
      await session.release();
    }
  }

  /** Reads and validates the upload, streaming the good order lines into the staging table. */
  private async stageRows(
    session: PurchaseImportSession,
    importId: string,
    body: Readable,
    format: ImportFormat,
    read: ReadReport,
  ): Promise<void> {
    await pipeline(this.encodeRows(session, importId, body, format, read), await session.copyRows());
    await this.jobs.progress(importId, read.total, read.failed, 0);
  }

  /** Staging text in batches, with the job's progress written between them. */
  private async *encodeRows(
    session: PurchaseImportSession,
    importId: string,
    body: Readable,
    format: ImportFormat,
    read: ReadReport,
  ): AsyncGenerator<string> {
    let batch = '';
    for await (const item of readRecords(body, format)) {
      read.total += 1;
      batch += this.validate(session, format, item, read);
      if (read.total % PROGRESS_EVERY === 0) {
        yield batch;
        batch = '';
        await this.jobs.progress(importId, read.total, read.failed, 0);
      }
    }
    if (batch) yield batch;
  }

  /** One upload item as staging text ('' when it is refused, with its errors reported). */
  private validate(session: PurchaseImportSession, format: ImportFormat, item: SourceItem, read: ReadReport): string {
    if ('error' in item) {
      read.failed += 1;
      read.report({ line: item.line, field: null, message: item.error });
      return '';
    }
    const result = format === 'csv' ? this.validator.csvRow(item.record) : this.validator.jsonPurchase(item.record);
    if (result.rows === null) {
      read.failed += 1;
      for (const e of result.errors) read.report({ line: item.line, field: e.field, message: e.message });
      // The other rows of a CSV order with a bad row are not imported either: no partial orders.
      if (format === 'csv' && result.externalOrderId !== null) read.badOrders.add(result.externalOrderId);
      return '';
    }
    return result.rows.map((row, seq) => session.encode(item.line, seq, row)).join('');
  }

  /** Forms the orders and refuses or skips those that cannot be recorded; prices the rest. */
  private async settleOrders(
    session: PurchaseImportSession,
    format: ImportFormat,
    badOrders: Set<string>,
    visibility: CustomerVisibility,
  ): Promise<void> {
    await session.collectOrders();
    await session.refuseOrdersWithBadRows([...badOrders]);
    await session.refuseDisagreeingOrders();
    if (format === 'ndjson') await session.refuseOrdersOnSeveralLines();
    await session.resolveCustomers(visibility);
    await session.joinExchangeRates(this.config.BASE_CURRENCY);
    await session.skipRecordedOrders();
    await session.priceAndRankOrders();
  }

  /** Records the orders still ok with their lifecycle moves and events; returns how many purchases. */
  private async recordPurchases(session: PurchaseImportSession, recordedBy: string): Promise<number> {
    const locked = await this.purchases.lockCustomersForPurchases(session.manager, await session.customerIds());
    const newCounts = await session.newPurchaseCounts();
    const imported = await this.purchases.insertStagedPurchases(session.manager, this.config.BASE_CURRENCY, recordedBy);
    const changedAt = await session.transactionTime();
    const plan = this.planLifecycle(locked, newCounts);
    await this.purchases.applyLifecycleMoves(session.manager, plan.moves, changedAt);
    await this.writeEvents(session, plan, changedAt);
    return imported;
  }

  /** The policy applied purchase by purchase, per customer, as if the purchases were posted one by one. */
  private planLifecycle(
    locked: { id: string; stage: LifecycleStage; purchaseCount: number }[],
    newCounts: Map<string, number>,
  ): LifecyclePlan {
    const plan: LifecyclePlan = { moves: [], moveAt: new Map(), purchasesBefore: new Map() };
    for (const customer of locked) {
      plan.purchasesBefore.set(customer.id, customer.purchaseCount);
      let stage = customer.stage;
      for (let rank = 1; rank <= (newCounts.get(customer.id) ?? 0); rank++) {
        const move = this.policy.onPurchase(stage, customer.purchaseCount + rank - 1);
        if (!move) continue;
        plan.moveAt.set(`${customer.id}/${rank}`, { from: stage, to: move.to, reason: move.reason });
        plan.moves.push({ customerId: customer.id, from: stage, to: move.to, reason: move.reason });
        stage = move.to;
      }
    }
    return plan;
  }

  /** Events, in the order the single path writes them: a purchase's lifecycle move, then the purchase. */
  private async writeEvents(session: PurchaseImportSession, plan: LifecyclePlan, changedAt: Date): Promise<void> {
    const baseCurrency = this.config.BASE_CURRENCY;
    let after: { customerId: string; rank: number } | null = null;
    for (;;) {
      const page = await session.purchasesAfter(after, EVENT_BATCH);
      if (page.length === 0) break;
      const events: PendingEvent[] = [];
      for (const p of page) {
        const move = plan.moveAt.get(`${p.customerId}/${p.rank}`);
        if (move) events.push(lifecycleChangedEvent(p.customerId, move, changedAt));
        const firstPurchase = (plan.purchasesBefore.get(p.customerId) ?? 0) + p.rank - 1 === 0;
        events.push(purchaseRecordedEvent({ ...p, baseCurrency, firstPurchase }));
      }
      await this.outbox.addMany(session.manager, events);
      const last = page[page.length - 1]!;
      after = { customerId: last.customerId, rank: last.rank };
    }
  }

  /** Reports every row not imported and marks the job completed, in the import's transaction. */
  private async complete(
    session: PurchaseImportSession,
    importId: string,
    read: ReadReport,
  ): Promise<PurchaseImportOutcome> {
    for (const e of await session.orderErrors()) read.report(e);
    const rows = await session.rowCounts();
    const outcome = {
      total: read.total,
      imported: rows.imported,
      skipped: rows.skipped,
      failed: read.total - rows.imported - rows.skipped,
    };
    await this.jobs.addErrors(session.manager, importId, read.byLine());
    await this.jobs.complete(session.manager, importId, outcome);
    return outcome;
  }
}
