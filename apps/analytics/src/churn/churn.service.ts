import { Injectable } from '@nestjs/common';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { EntityManager } from 'typeorm';
import { ClvService } from '../clv/clv.service';
import { churnRiskRaisedEvent } from './churn.events';
import { ChurnErrorCode, ChurnException } from './churn.exception';
import { assessChurn, crossedUpward, evaluateBacktest } from './churn.model';
import { ChurnRepository, type ChurnRecord } from './churn.repository';

/** The warning threshold: customer-profile's own "at risk from 0.7", so a warning and the lifecycle move coincide. */
export const CHURN_THRESHOLD = 0.7;
const DAY_MS = 86_400_000;

@Injectable()
export class ChurnService {
  constructor(
    private readonly repository: ChurnRepository,
    private readonly clv: ClvService,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Assesses one customer as of `now` (inside the caller's transaction), keeps the assessment and
   * publishes churn.risk-raised when the risk crossed the threshold upwards. Undefined before a purchase.
   */
  async assess(
    manager: EntityManager,
    customerId: string,
    now: Date,
  ): Promise<{ record: ChurnRecord; previous: number | null } | undefined> {
    const history = await this.repository.history(manager, customerId, now);
    if (!history) return undefined;
    const [signals, models, before] = await Promise.all([
      this.repository.activity(manager, customerId),
      this.clv.currentModels(manager),
      this.repository.find(manager, customerId),
    ]);
    const assessment = assessChurn(history, signals, models?.fit.bgnbd ?? null, now);
    const record: ChurnRecord = {
      customerId,
      risk: assessment.risk,
      pAlive: assessment.pAlive,
      method: assessment.method,
      daysSinceLastPurchase: assessment.daysSinceLastPurchase,
      drivers: assessment.drivers,
      fitId: models?.fit.id ?? null,
      computedAt: now,
    };
    await this.repository.save(manager, record);
    const previous = before?.risk ?? null;
    if (crossedUpward(previous, record.risk, CHURN_THRESHOLD))
      await this.outbox.addMany(manager, [churnRiskRaisedEvent(record, previous, CHURN_THRESHOLD)]);
    return { record, previous };
  }

  /** Every buyer, set-based (the full run); publishes churn.risk-raised for each upward crossing. */
  async assessAll(manager: EntityManager, now: Date) {
    const models = await this.clv.currentModels(manager);
    const assessed = await this.repository.scoreAll(
      manager,
      now,
      models?.fit.bgnbd ? { id: models.fit.id, params: models.fit.bgnbd } : null,
    );
    await this.outbox.addMany(
      manager,
      assessed
        .filter((a) => crossedUpward(a.previous, a.record.risk, CHURN_THRESHOLD))
        .map((a) => churnRiskRaisedEvent(a.record, a.previous, CHURN_THRESHOLD)),
    );
    return assessed;
  }

  async findView(customerId: string): Promise<ChurnView | null> {
    const record = await this.repository.find(null, customerId);
    return record ? toView(record) : null;
  }

  /**
   * The backtest: each customer who had bought by `asOf` is scored as of then (purchases only, with
   * the current BG/NBD parameters, or the recency estimate without a fit; service signals have no
   * history and are left out), and counts as churned when they did not buy in the next horizonDays.
   */
  async evaluation(asOf: Date, horizonDays: number, now: Date) {
    const horizonEnd = new Date(asOf.getTime() + horizonDays * DAY_MS);
    if (horizonEnd > now)
      throw new ChurnException(
        ChurnErrorCode.HorizonNotOver,
        `asOf + horizonDays (${horizonEnd.toISOString()}) is in the future: who churned is not known yet`,
        { errors: [{ field: 'asOf', message: 'asOf + horizonDays must be in the past' }] },
      );
    const models = await this.clv.currentModels();
    const rows = await this.repository.backtestRows(asOf, horizonEnd);
    const scored = rows.map((row) => {
      const assessment = assessChurn(row.history, null, models?.fit.bgnbd ?? null, asOf);
      return {
        risk: assessment.risk,
        daysSinceLastPurchase: assessment.daysSinceLastPurchase,
        churned: row.churned,
        weight: row.weight,
      };
    });
    return {
      asOf: asOf.toISOString(),
      horizonDays,
      threshold: CHURN_THRESHOLD,
      churnDefinition: `no purchase in the ${horizonDays} days after asOf`,
      model: models
        ? { method: 'bgnbd for repeat buyers, recency otherwise', fitId: models.fit.id }
        : { method: 'recency' },
      signalsUsed: ['p-alive'],
      ...evaluateBacktest(scored, CHURN_THRESHOLD),
    };
  }
}

export interface ChurnView {
  risk: number;
  threshold: number;
  atRisk: boolean;
  pAlive: number;
  method: 'bgnbd' | 'recency';
  daysSinceLastPurchase: number;
  drivers: ChurnRecord['drivers'];
  fitId: string | null;
  computedAt: string;
}

function toView(record: ChurnRecord): ChurnView {
  return {
    risk: Math.round(record.risk * 10_000) / 10_000,
    threshold: CHURN_THRESHOLD,
    atRisk: record.risk >= CHURN_THRESHOLD,
    pAlive: Math.round(record.pAlive * 10_000) / 10_000,
    method: record.method,
    daysSinceLastPurchase: record.daysSinceLastPurchase,
    drivers: record.drivers,
    fitId: record.fitId,
    computedAt: record.computedAt.toISOString(),
  };
}
