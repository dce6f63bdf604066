import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { OutboxWriter } from '@rapport/platform-messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../analytics.config';
import { riskMoved } from '../churn/churn.model';
import { CHURN_THRESHOLD, ChurnService, type ChurnView } from '../churn/churn.service';
import { ClvService, type CustomerClv } from '../clv/clv.service';
import { StepTimer } from '../shared/step-timer';
import { customerScoredEvent } from './rfm.events';
import { RfmErrorCode, RfmException } from './rfm.exception';
import { recencyDays, sameScores, scoreCustomer, type ScoringCuts } from './rfm.model';
import { RfmRepository, type ScoreRecord } from './rfm.repository';

export type RunOutcome =
  | { ran: true; runId: string; customers: number; changed: number }
  | { ran: false; reason: 'another replica is running it' | 'not due' };

@Injectable()
export class RfmService {
  constructor(
    private readonly repository: RfmRepository,
    private readonly outbox: OutboxWriter,
    private readonly dataSource: DataSource,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly clv: ClvService,
    private readonly churn: ChurnService,
  ) {}

  /** A purchase, inside the inbox transaction of purchase.recorded; the customer id is the survivor's. */
  async purchaseRecorded(
    manager: EntityManager,
    purchase: { customerId: string; occurredAt: string; totalBase: string },
    now: Date,
  ): Promise<void> {
    await this.repository.addPurchase(manager, purchase);
    await this.rescore(manager, purchase.customerId, now);
  }

  /** A refund, inside the inbox transaction of purchase.refunded; the customer id is the survivor's. */
  async purchaseRefunded(
    manager: EntityManager,
    refund: { customerId: string; amountBase: string },
    now: Date,
  ): Promise<void> {
    await this.repository.addRefund(manager, refund);
    await this.rescore(manager, refund.customerId, now);
  }

  /**
   * Scores one customer against the latest full run's cut points (before any run saw a buyer, cut
   * points computed now), records what they were computed from, and publishes customer.scored when a
   * score or the tier changed.
   */
  async rescore(manager: EntityManager, customerId: string, now: Date): Promise<void> {
    await this.repository.lockScoresShared(manager);
    const facts = await this.repository.findFacts(manager, customerId);
    if (!facts || facts.purchaseCount === 0 || !facts.lastPurchaseAt) return;
    const cuts =
      (await this.repository.latestRunCuts(manager)) ??
      (await this.repository.computeCuts(
        manager,
        now,
        this.config.ANALYTICS_TIER_A_SHARE,
        this.config.ANALYTICS_TIER_B_SHARE,
      ));
    if (!cuts) return;
    const inputs = {
      recencyDays: recencyDays(facts.lastPurchaseAt, now),
      frequency: facts.purchaseCount,
      monetary: facts.monetary,
    };
    const scores = scoreCustomer(inputs, cuts);
    const previous = (await this.repository.findScore(manager, customerId)) ?? null;
    await this.repository.saveScore(manager, {
      customerId,
      ...scores,
      recencyDays: inputs.recencyDays,
      purchaseCount: facts.purchaseCount,
      monetaryValue: facts.monetary,
      lastPurchaseAt: facts.lastPurchaseAt,
      cuts,
      computedAt: now,
      runId: null,
    });
    const churn = await this.churn.assess(manager, customerId, now);
    const risk = churn?.record.risk ?? null;
    // A customer at risk is told again after each purchase: customer-profile moves at_risk to active on a
    // repeat purchase, and a risk still above the threshold must put them back.
    if (
      !sameScores(scores, previous) ||
      (risk !== null && (riskMoved(churn!.previous, risk) || risk >= CHURN_THRESHOLD))
    )
      await this.outbox.addMany(manager, [customerScoredEvent(customerId, scores, now, risk)]);
  }

  /**
   * The full run: when due (none finished yet, or the last started an interval ago) and no other
   * replica holds the run's lock, recomputes the cut points and every customer's scores in one
   * transaction and publishes customer.scored for the customers whose scores changed. `force` runs it
   * even if not due (after a rebuild, which emptied the scores); the lock still makes it run once.
   */
  async runIfDue(now: Date, options: { force?: boolean } = {}): Promise<RunOutcome> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.repository.tryLockRun(manager))) return { ran: false, reason: 'another replica is running it' };
      const last = await this.repository.lastRunStartedAt(manager);
      // A run that saw no buyer (a fresh install, before the demo seed) leaves the next one due as
      // soon as someone has bought: until then incremental scoring computes cut points on the spot.
      const waitingForBuyers =
        (await this.repository.latestRunCuts(manager)) === null && (await this.repository.anyBuyer(manager));
      if (
        !options.force &&
        last &&
        now.getTime() - last.getTime() < this.config.ANALYTICS_SCORING_INTERVAL_MS &&
        !waitingForBuyers
      )
        return { ran: false, reason: 'not due' };
      const runId = randomUUID();
      const steps = new StepTimer();
      await this.repository.lockScoresExclusive(manager);
      const cuts = await steps.time('cutPoints', () =>
        this.repository.computeCuts(
          manager,
          now,
          this.config.ANALYTICS_TIER_A_SHARE,
          this.config.ANALYTICS_TIER_B_SHARE,
        ),
      );
      let customers = 0;
      let changed: Awaited<ReturnType<RfmRepository['scoreAll']>>['changed'] = [];
      // The run's row first: the scores point at it.
      await this.repository.recordRun(manager, { id: runId, startedAt: now, customers: 0, changed: 0, cuts: null });
      if (cuts) {
        ({ customers, changed } = await steps.time('rfmScores', () =>
          this.repository.scoreAll(manager, { id: runId, now, cuts }),
        ));
        // churn risks move with time alone: a lapsing customer's rises without any event about them
        const assessed = await steps.time('churnRisks', () => this.churn.assessAll(manager, now));
        const risks = new Map(assessed.map((a) => [a.customerId, a] as const));
        const rfmChanged = new Set(changed.map((c) => c.customerId));
        const riskOnly = [...risks.values()]
          .filter((a) => !rfmChanged.has(a.customerId) && riskMoved(a.previous, a.record.risk))
          .map((a) => a.customerId);
        const publish = [...changed, ...(await this.repository.scoresOf(manager, riskOnly))];
        await steps.time('outbox', () =>
          // a generator: each chunk of events is built as the outbox writes it, not a million at once
          this.outbox.addMany(
            manager,
            (function* () {
              for (const { customerId, ...scores } of publish)
                yield customerScoredEvent(customerId, scores, now, risks.get(customerId)?.record.risk ?? null);
            })(),
          ),
        );
        changed = publish;
      }
      await this.repository.finishRun(manager, {
        id: runId,
        customers,
        changed: changed.length,
        cuts,
        timings: steps.timings,
      });
      return { ran: true, runId, customers, changed: changed.length };
    });
  }

  async findView(customerId: string): Promise<ScoreView | null> {
    const score = await this.repository.findScore(null, customerId);
    return score ? toView(score) : null;
  }

  /** The scores with the customer's lifetime value under the current CLV model (null before any fit) and churn risk. */
  async view(customerId: string): Promise<ScoreView & { clv: CustomerClv | null; churn: ChurnView | null }> {
    const score = await this.findView(customerId);
    if (!score)
      throw new RfmException(
        RfmErrorCode.CustomerNotScored,
        `Analytics has not scored customer ${customerId}: it knows of no purchase by them`,
      );
    const [clv, churn] = await Promise.all([
      this.clv.customerView(customerId, new Date()),
      this.churn.findView(customerId),
    ]);
    return { ...score, clv, churn };
  }
}

export interface ScoreView {
  customerId: string;
  recency: number;
  frequency: number;
  monetary: number;
  valueTier: 'A' | 'B' | 'C';
  inputs: { recencyDays: number; frequency: number; monetary: string; lastPurchaseAt: string };
  cutPoints: { recencyDays: number[]; frequency: number[]; monetary: string[] };
  tier: ScoringCuts['tier'];
  computedAt: string;
  computedBy: string;
}

function toView(score: ScoreRecord): ScoreView {
  return {
    customerId: score.customerId,
    recency: score.recency,
    frequency: score.frequency,
    monetary: score.monetary,
    valueTier: score.valueTier,
    inputs: {
      recencyDays: score.recencyDays,
      frequency: score.purchaseCount,
      monetary: score.monetaryValue.toFixed(2),
      lastPurchaseAt: score.lastPurchaseAt.toISOString(),
    },
    cutPoints: {
      recencyDays: [...score.cuts.recencyDays],
      frequency: [...score.cuts.frequency],
      monetary: score.cuts.monetary.map((v) => v.toFixed(2)),
    },
    tier: score.cuts.tier,
    computedAt: score.computedAt.toISOString(),
    computedBy: score.runId ? `run:${score.runId}` : 'incremental',
  };
}
