import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER } from '@rapport/platform-runtime';
import type { EntityManager } from 'typeorm';
import { ClvErrorCode, ClvException } from './clv.exception';
import { runFitInWorker } from './clv.fit';
import {
  BgNbdModel,
  ClvFitFailure,
  customerLifetimeValue,
  DAYS_PER_WEEK,
  GammaGammaModel,
  summarise,
  utcDay,
} from './clv.model';
import { ClvRepository, type FitRecord } from './clv.repository';

/** The horizon of a customer's expected purchases and lifetime value. */
export const CLV_HORIZON_WEEKS = 52;
/**
 * How long POST /fits waits for the fit before answering 202: under the gateway's upstream timeout
 * (5 s), so a small fit answers with its result (or its 422) and a large one with a fit to poll.
 */
const FIT_WAIT_MS = 3_000;

const FAILURE_CODES: Record<ClvFitFailure, ClvErrorCode> = {
  [ClvFitFailure.NotEnoughData]: ClvErrorCode.NotEnoughData,
  [ClvFitFailure.NotConverged]: ClvErrorCode.FitNotConverged,
};

@Injectable()
export class ClvService {
  constructor(
    private readonly repository: ClvRepository,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Starts a fit on the purchases up to calibrationEnd (default now) and waits a little for it: the
   * answer is the finished fit (created), a 422 problem when it failed, or the running fit (accepted).
   */
  async requestFit(
    body: { calibrationEnd?: string; holdoutEnd?: string },
    requestedBy: string | null,
    now: Date,
  ): Promise<{ finished: boolean; fit: ClvFitView }> {
    const calibrationEnd = body.calibrationEnd ? new Date(body.calibrationEnd) : now;
    const holdoutEnd = body.holdoutEnd ? new Date(body.holdoutEnd) : null;
    if (holdoutEnd && holdoutEnd <= calibrationEnd)
      throw new ClvException(ClvErrorCode.HoldoutNotAfterCalibration, 'holdoutEnd must be after calibrationEnd', {
        errors: [{ field: 'holdoutEnd', message: 'must be after calibrationEnd' }],
      });
    if (holdoutEnd && holdoutEnd > now)
      throw new ClvException(ClvErrorCode.HoldoutNotOver, 'holdoutEnd is in the future: nothing to compare with yet', {
        errors: [{ field: 'holdoutEnd', message: 'must not be in the future' }],
      });
    const id = randomUUID();
    await this.repository.startFit({ id, requestedAt: now, requestedBy, calibrationEnd, holdoutEnd });
    const done = this.fit(id, calibrationEnd, holdoutEnd);
    const finished = await Promise.race([
      done.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), FIT_WAIT_MS).unref()),
    ]);
    const fit = await this.fitView(id);
    if (fit.status === 'failed' && fit.error)
      throw new ClvException(fit.error.code as ClvErrorCode, fit.error.detail, { fitId: id });
    return { finished, fit };
  }

  /** Never rejects: whatever happens ends as the fit's status. */
  private async fit(id: string, calibrationEnd: Date, holdoutEnd: Date | null): Promise<void> {
    const started = Date.now();
    const calibrationEndDay = utcDay(calibrationEnd);
    try {
      const { rows, spend, data } = await this.repository.calibrationData(
        calibrationEnd,
        calibrationEndDay,
        holdoutEnd,
      );
      const fitData = {
        timeUnit: 'week' as const,
        calibrationEnd: calibrationEnd.toISOString(),
        ...data,
        rows: rows.length,
        // the SQL pass that builds the collapsed rows: the bound the fit's own time is compared with
        loadMs: Date.now() - started,
      };
      const holdoutWeeks = holdoutEnd ? (utcDay(holdoutEnd) - calibrationEndDay) / DAYS_PER_WEEK : null;
      const result = await runFitInWorker({ rows, spend, holdoutWeeks });
      const base = { data: fitData, durationMs: Date.now() - started };
      if (!result.ok) {
        await this.repository.finishFit(id, {
          ...base,
          status: 'failed',
          bgnbd: null,
          gammaGamma: null,
          holdout: null,
          error: { code: FAILURE_CODES[result.failure], detail: result.detail },
        });
        return;
      }
      await this.repository.finishFit(id, {
        ...base,
        data: { ...fitData, optimiseCpuMs: result.cpuMs },
        status: 'succeeded',
        bgnbd: { ...result.bgnbd.params, logLikelihood: result.bgnbd.logLikelihood, starts: result.bgnbd.starts },
        gammaGamma: {
          ...result.gammaGamma.params,
          logLikelihood: result.gammaGamma.logLikelihood,
          starts: result.gammaGamma.starts,
        },
        holdout: result.holdout,
        error: null,
      });
      this.log.info({ fitId: id, ...fitData, durationMs: base.durationMs }, 'CLV fit finished');
    } catch (error) {
      this.log.warn({ err: error, fitId: id }, 'CLV fit failed');
      await this.repository
        .finishFit(id, {
          status: 'failed',
          data: null,
          bgnbd: null,
          gammaGamma: null,
          holdout: null,
          error: { code: 'clv-fit-failed', detail: 'The fit stopped on an internal error; see the service log' },
          durationMs: Date.now() - started,
        })
        .catch((e: unknown) => this.log.warn({ err: e, fitId: id }, 'could not record the CLV fit as failed'));
    }
  }

  async fitView(id: string): Promise<ClvFitView> {
    const fit = await this.repository.findFit(id);
    if (!fit) throw new ClvException(ClvErrorCode.FitNotFound, `There is no CLV fit ${id}`);
    return toView(fit);
  }

  async currentModel(): Promise<ClvFitView> {
    const fit = await this.repository.currentFit();
    if (!fit)
      throw new ClvException(
        ClvErrorCode.NoModel,
        'No CLV fit has succeeded yet: POST /api/v1/analytics/models/clv/fits',
      );
    return toView(fit);
  }

  /** The current model, as plain models; null before any fit succeeded. */
  async currentModels(manager: EntityManager | null = null) {
    const fit = await this.repository.currentFit(manager);
    if (!fit?.bgnbd || !fit.gammaGamma) return null;
    return { fit, bgnbd: new BgNbdModel(fit.bgnbd), spend: new GammaGammaModel(fit.gammaGamma) };
  }

  /** A customer's lifetime value as of `now` under the current model; null without a model or a purchase. */
  async customerView(customerId: string, now: Date, manager: EntityManager | null = null): Promise<CustomerClv | null> {
    const models = await this.currentModels(manager);
    if (!models) return null;
    const purchases = await this.repository.customerPurchases(manager, customerId, now);
    const [summary] = summarise(purchases, utcDay(now));
    if (!summary) return null;
    const value = customerLifetimeValue(models.bgnbd, models.spend, summary, CLV_HORIZON_WEEKS);
    return {
      horizonWeeks: value.horizonWeeks,
      expectedPurchases: round(value.expectedPurchases, 4),
      pAlive: round(value.pAlive, 4),
      expectedSpend: value.expectedSpend === null ? null : value.expectedSpend.toFixed(2),
      clv: value.clv === null ? null : value.clv.toFixed(2),
      inputs: {
        frequency: summary.frequency,
        recencyWeeks: round(summary.recency, 4),
        ageWeeks: round(summary.T, 4),
        meanRepeatSpend: summary.monetary.toFixed(2),
      },
      fitId: models.fit.id,
      computedAt: now.toISOString(),
    };
  }
}

export interface CustomerClv {
  horizonWeeks: number;
  expectedPurchases: number;
  pAlive: number;
  expectedSpend: string | null;
  clv: string | null;
  inputs: { frequency: number; recencyWeeks: number; ageWeeks: number; meanRepeatSpend: string };
  fitId: string;
  computedAt: string;
}

export interface ClvFitView {
  id: string;
  status: FitRecord['status'];
  requestedAt: string;
  finishedAt: string | null;
  calibrationEnd: string;
  holdoutEnd: string | null;
  data: FitRecord['data'];
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number } | null;
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number } | null;
  holdout: (FitRecord['holdout'] & { holdoutEnd: string }) | null;
  error: FitRecord['error'];
  durationMs: number | null;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function toView(fit: FitRecord): ClvFitView {
  return {
    id: fit.id,
    status: fit.status,
    requestedAt: fit.requestedAt.toISOString(),
    finishedAt: fit.finishedAt?.toISOString() ?? null,
    calibrationEnd: fit.calibrationEnd.toISOString(),
    holdoutEnd: fit.holdoutEnd?.toISOString() ?? null,
    data: fit.data,
    bgnbd: fit.bgnbd
      ? {
          r: fit.bgnbd.r,
          alpha: fit.bgnbd.alpha,
          a: fit.bgnbd.a,
          b: fit.bgnbd.b,
          logLikelihood: fit.bgnbd.logLikelihood,
        }
      : null,
    gammaGamma: fit.gammaGamma
      ? {
          p: fit.gammaGamma.p,
          q: fit.gammaGamma.q,
          gamma: fit.gammaGamma.gamma,
          logLikelihood: fit.gammaGamma.logLikelihood,
        }
      : null,
    holdout: fit.holdout && fit.holdoutEnd ? { holdoutEnd: fit.holdoutEnd.toISOString(), ...fit.holdout } : null,
    error: fit.error,
    durationMs: fit.durationMs,
  };
}
