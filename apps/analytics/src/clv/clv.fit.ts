import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  BgNbdModel,
  ClvFitError,
  GammaGammaModel,
  type BgNbdParams,
  type BgNbdRow,
  type ClvFitFailure,
  type FitOutcome,
  type GammaGammaParams,
  type SpendRow,
} from './clv.model';

/** A collapsed calibration row with the repeat transactions its customers made in the holdout (0 without one). */
export interface HoldoutRow extends BgNbdRow {
  holdoutActual: number;
}

export interface FitInput {
  rows: HoldoutRow[];
  spend: SpendRow[];
  holdoutWeeks: number | null;
}

export interface HoldoutReport {
  weeks: number;
  predicted: number;
  actual: number;
  relativeError: number | null;
  mae: number;
  rmse: number;
}

export type FitResult =
  | {
      ok: true;
      bgnbd: FitOutcome<BgNbdParams>;
      gammaGamma: FitOutcome<GammaGammaParams>;
      holdout: HoldoutReport | null;
      /** CPU time of the optimisation on its thread, ms: its cost apart from what else runs on the machine. */
      cpuMs: number;
    }
  | { ok: false; failure: ClvFitFailure; detail: string };

/** Both fits and the holdout check, pure: a failure the models report becomes a result, anything else throws. */
export function runFit(input: FitInput): FitResult {
  const cpu = process.threadCpuUsage();
  try {
    const bgnbd = BgNbdModel.fit(input.rows);
    const gammaGamma = GammaGammaModel.fit(input.spend);
    const report = input.holdoutWeeks === null ? null : holdout(bgnbd.params, input);
    const used = process.threadCpuUsage(cpu);
    return { ok: true, bgnbd, gammaGamma, holdout: report, cpuMs: Math.round((used.user + used.system) / 1000) };
  } catch (error) {
    if (error instanceof ClvFitError) return { ok: false, failure: error.failure, detail: error.message };
    throw error;
  }
}

/** Predicted E[Y(t) | x, t_x, T] against what each customer did, summed and per customer (MAE, RMSE). */
function holdout(params: BgNbdParams, input: FitInput): HoldoutReport {
  const model = new BgNbdModel(params);
  const t = input.holdoutWeeks!;
  let predicted = 0;
  let actual = 0;
  let absolute = 0;
  let squared = 0;
  let customers = 0;
  for (const row of input.rows) {
    const expected = model.conditionalExpectedPurchases(t, row.frequency, row.recency, row.T);
    predicted += row.weight * expected;
    actual += row.weight * row.holdoutActual;
    absolute += row.weight * Math.abs(expected - row.holdoutActual);
    squared += row.weight * (expected - row.holdoutActual) ** 2;
    customers += row.weight;
  }
  return {
    weeks: t,
    predicted,
    actual,
    relativeError: actual > 0 ? (predicted - actual) / actual : null,
    mae: customers > 0 ? absolute / customers : 0,
    rmse: customers > 0 ? Math.sqrt(squared / customers) : 0,
  };
}

const WORKER = join(__dirname, 'clv.fit-worker.js');

/**
 * Runs the fit off the event loop: a fit over many customers computes for seconds, and the service
 * must keep answering HTTP and heartbeating Kafka meanwhile. Where the compiled worker is absent (the
 * TypeScript sources run by Jest in process), it runs on the calling thread after the current tick.
 */
export function runFitInWorker(input: FitInput): Promise<FitResult> {
  if (!existsSync(WORKER)) return new Promise((resolve) => setImmediate(() => resolve(runFit(input))));
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: input });
    worker.once('message', (result: FitResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the CLV fit worker stopped with exit code ${code}`));
    });
  });
}
