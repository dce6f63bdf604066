import {
  combination,
  holidayEffect,
  holt,
  holtWinters,
  memoized,
  naive,
  seasonalNaive,
  withHolidays,
  type ForecastModel,
  type ModelName,
} from './forecast.models';

/** Rolling origins of the backtest, at most. */
export const MAX_ORIGINS = 12;
/** Central coverage of the prediction intervals. */
export const INTERVAL_LEVEL = 0.8;

/**
 * Mean absolute error of one origin's forecasts over the in-sample mean absolute lag-`lag` difference of
 * the history up to that origin (Hyndman & Koehler 2006; M4): MASE = mean|yₜ − ŷₜ| / ((1/(n−lag))·Σ|yₜ − yₜ₋lag|).
 * Null when the scale is 0 (a history that repeats itself exactly): no error can be scaled by it.
 */
export function mase(
  history: readonly number[],
  actual: readonly number[],
  predicted: readonly number[],
  lag: number,
): number | null {
  let scale = 0;
  for (let t = lag; t < history.length; t++) scale += Math.abs(history[t]! - history[t - lag]!);
  if (history.length <= lag) return null;
  scale /= history.length - lag;
  if (scale === 0) return null;
  const mae = actual.reduce((sum, value, i) => sum + Math.abs(value - predicted[i]!), 0) / actual.length;
  return mae / scale;
}

/** Symmetric MAPE in percent as M4 defines it: mean of 200·|y − ŷ| / (|y| + |ŷ|), a term being 0 when y = ŷ. */
export function smape(actual: readonly number[], predicted: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i]! - predicted[i]!);
    if (error !== 0) sum += (200 * error) / (Math.abs(actual[i]!) + Math.abs(predicted[i]!));
  }
  return sum / actual.length;
}

/** Linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

export interface ModelScore {
  model: ModelName;
  /** Mean over origins of each origin's MASE; null when no origin had a non-zero scale. */
  mase: number | null;
  /** Mean over every backtest forecast, percent. */
  smape: number;
  /** y − ŷ by step (index h − 1) over the origins. */
  errors: number[][];
}

export interface Backtest {
  /** Index of the first forecast period of each origin (the history before it is what the models saw). */
  origins: number[];
  /** Periods ahead forecast from each origin. */
  horizon: number;
  /** The lag of MASE's scale: m, or 1 for a non-seasonal baseline. */
  scaleLag: number;
  scores: ModelScore[];
}

/**
 * Rolling-origin evaluation (Tashman 2000): for each origin o, every model sees y₀…yₒ₋₁ only and forecasts
 * yₒ…yₒ₊H₋₁. The last origin is n − H, each earlier one a period before, as many as the history allows
 * (the shortest history must still be `minHistory` long), at most {@link MAX_ORIGINS}.
 */
export function backtest(
  y: readonly number[],
  models: readonly ForecastModel[],
  { m, horizon, minHistory, scaleLag }: { m: number; horizon: number; minHistory: number; scaleLag: number },
): Backtest | null {
  const h = Math.min(horizon, y.length - minHistory);
  if (h < 1) return null;
  const count = Math.min(MAX_ORIGINS, y.length - h - minHistory + 1);
  const origins = Array.from({ length: count }, (_, i) => y.length - h - (count - 1) + i);
  const masePerOrigin = models.map((): number[] => []);
  const actualAll: number[] = [];
  const predictedAll = models.map((): number[] => []);
  const errors = models.map(() => Array.from({ length: h }, (): number[] => []));
  for (const origin of origins) {
    // one history array per origin, shared by the models (memoized fits are found by it)
    const history = y.slice(0, origin);
    const actual = y.slice(origin, origin + h);
    actualAll.push(...actual);
    models.forEach((model, k) => {
      const predicted = model.forecast(history, h, { m });
      const scaled = mase(history, actual, predicted, scaleLag);
      if (scaled !== null) masePerOrigin[k]!.push(scaled);
      actual.forEach((value, i) => errors[k]![i]!.push(value - predicted[i]!));
      predictedAll[k]!.push(...predicted);
    });
  }
  const scores = models.map((model, k): ModelScore => ({
    model: model.name,
    mase: masePerOrigin[k]!.length ? masePerOrigin[k]!.reduce((a, b) => a + b, 0) / masePerOrigin[k]!.length : null,
    smape: smape(actualAll, predictedAll[k]!),
    errors: errors[k]!,
  }));
  return { origins, horizon: h, scaleLag, scores };
}

/** Lower is better: by MASE when both have one, else by sMAPE. */
function better(a: ModelScore, b: ModelScore): boolean {
  if (a.mase !== null && b.mase !== null) return a.mase < b.mase;
  return a.smape < b.smape;
}

export type Granularity = 'week' | 'month';
export const SEASON_LENGTH: Record<Granularity, number> = { week: 52, month: 12 };

export interface ForecastPoint {
  point: number;
  /** Null when there was no backtest to take the errors from. */
  lower: number | null;
  upper: number | null;
}

export interface BacktestRow {
  model: ModelName;
  mase: number | null;
  smape: number;
  baselineMase: number | null;
  baselineSmape: number;
  beatsBaseline: boolean;
}

export interface HolidayReport {
  requested: boolean;
  /** The holiday-adjusted models took part in the backtest. */
  applied: boolean;
  /** Estimated effect of one holiday day on the period's value (whole history). */
  effectPerHolidayDay: number | null;
  /** The best holiday-adjusted model beat the best model without holidays; null when not applied. */
  improved: boolean | null;
  bestWith: { model: ModelName; mase: number | null; smape: number } | null;
  bestWithout: { model: ModelName; mase: number | null; smape: number } | null;
}

export interface SeriesForecast {
  mode: 'seasonal' | 'one-season' | 'non-seasonal' | 'too-short';
  seasonLength: number;
  baseline: ModelName;
  chosenModel: ModelName;
  beatsBaseline: boolean;
  backtest: { origins: number; horizon: number; rows: BacktestRow[] } | null;
  forecast: ForecastPoint[];
  holidays: HolidayReport;
  notes: string[];
}

export interface SeriesOptions {
  granularity: Granularity;
  horizon: number;
  /** Clamp points and intervals at 0 (counts). */
  nonNegative: boolean;
  /**
   * Holiday days per period for the history and the periods to forecast (length n + horizon), or a
   * reason they are not used; absent when not asked for.
   */
  holidays?: { days: readonly number[] } | { unavailable: string };
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Forecasts one series: picks the models the history allows, backtests them against the baseline,
 * forecasts with the winner (the baseline unless a model has a strictly lower backtest MASE) and puts
 * an interval around each point from the winner's backtest errors.
 *
 * Modes: seasonal (n ≥ 2m + 1: seasonal naive, Holt-Winters, their mean); one season (m + 2 ≤ n < 2m + 1:
 * Holt-Winters cannot start; seasonal naive, the baseline still, against naive, Holt's damped trend and
 * the mean of seasonal naive and Holt); non-seasonal (4 ≤ n < m + 2: seasonal naive cannot be backtested;
 * naive as the baseline, Holt's damped trend, their mean); too short (n < 4: naive, no backtest, no
 * interval).
 */
export function forecastSeries(y: readonly number[], options: SeriesOptions): SeriesForecast {
  const m = SEASON_LENGTH[options.granularity];
  const n = y.length;
  const notes: string[] = [];
  const holidays: HolidayReport = {
    requested: options.holidays !== undefined,
    applied: false,
    effectPerHolidayDay: null,
    improved: null,
    bestWith: null,
    bestWithout: null,
  };
  const clamp = (value: number) => (options.nonNegative ? Math.max(0, value) : value);

  if (n < 4) {
    notes.push(
      `Only ${n} ${options.granularity}(s) of history: too short for any backtest, so the forecast is the naive one ` +
        '(the last value) with no interval.',
    );
    const point = naive.forecast(y.length ? y : [0], options.horizon, { m: 1 });
    return {
      mode: 'too-short',
      seasonLength: m,
      baseline: 'naive',
      chosenModel: 'naive',
      beatsBaseline: false,
      backtest: null,
      forecast: point.map((p) => ({ point: round(clamp(p), 4), lower: null, upper: null })),
      holidays,
      notes,
    };
  }

  const seasonal = n >= 2 * m + 1;
  // one season and two periods: seasonal naive can be backtested (its MASE scale needs a season and one)
  const oneSeason = !seasonal && n >= m + 2;
  const baseline = seasonal || oneSeason ? seasonalNaive : naive;
  const smoothing = memoized(seasonal ? holtWinters : holt);
  const models: ForecastModel[] = oneSeason
    ? [seasonalNaive, naive, smoothing, combination([seasonalNaive, smoothing])]
    : [baseline, smoothing, combination([baseline, smoothing])];
  const modelM = seasonal || oneSeason ? m : 1;
  if (oneSeason) {
    notes.push(
      `${n} ${options.granularity}s of history, fewer than two seasons and one period (${2 * m + 1}): Holt-Winters ` +
        'cannot start, so seasonal naive (the baseline) is backtested against naive (the last value), Holt’s damped ' +
        'trend and the mean of seasonal naive and Holt.',
    );
  } else if (!seasonal) {
    notes.push(
      `${n} ${options.granularity}s of history, less than a season and two periods (${m + 2}): seasonal naive ` +
        'cannot be backtested, so the models are non-seasonal: naive (the last value, the baseline), Holt’s ' +
        'damped trend and their mean.',
    );
  }

  if (options.holidays) {
    if ('unavailable' in options.holidays) {
      notes.push(`Holidays not used: ${options.holidays.unavailable}`);
    } else if (!seasonal) {
      notes.push(
        'Holidays not used: the effect is estimated from season-over-season differences, which need two seasons.',
      );
    } else {
      const x = options.holidays.days;
      holidays.applied = true;
      holidays.effectPerHolidayDay = round(holidayEffect(y, x, m), 4);
      const adjustments = new WeakMap<readonly number[], { beta: number; adjusted: number[] }>();
      models.push(
        withHolidays(seasonalNaive, x, 'seasonal-naive+holidays', adjustments),
        withHolidays(smoothing, x, 'holt-winters+holidays', adjustments),
        withHolidays(combination([seasonalNaive, smoothing]), x, 'combination+holidays', adjustments),
      );
    }
  }

  const minHistory = Math.max(...models.map((model) => model.minHistory(modelM)), oneSeason ? m + 1 : 0);
  const test = backtest(y, models, { m: modelM, horizon: options.horizon, minHistory, scaleLag: modelM })!;
  const baseScore = test.scores[0]!;
  let chosen = baseScore;
  for (const score of test.scores.slice(1)) if (better(score, chosen)) chosen = score;
  const beatsBaseline = chosen !== baseScore;
  if (!beatsBaseline) {
    notes.push(
      `No model beat ${baseline.name} on the backtest (MASE ${fmt(baseScore.mase)}), so the forecast is ${baseline.name}.`,
    );
  } else {
    notes.push(
      `${chosen.model} had the lowest backtest MASE (${fmt(chosen.mase)} against ${baseline.name}’s ${fmt(baseScore.mase)}).`,
    );
  }
  if (holidays.applied) {
    const holidayScores = test.scores.filter((s) => s.model.endsWith('+holidays'));
    const plainScores = test.scores.filter((s) => !s.model.endsWith('+holidays'));
    const bestOf = (scores: ModelScore[]) => scores.reduce((best, s) => (better(s, best) ? s : best));
    const withH = bestOf(holidayScores);
    const withoutH = bestOf(plainScores);
    const summary = (s: ModelScore) => ({ model: s.model, mase: roundOrNull(s.mase), smape: round(s.smape, 4) });
    holidays.bestWith = summary(withH);
    holidays.bestWithout = summary(withoutH);
    holidays.improved = better(withH, withoutH);
    notes.push(
      holidays.improved
        ? `The holiday adjustment improved the backtest: ${withH.model} MASE ${fmt(withH.mase)} against ${withoutH.model}’s ${fmt(withoutH.mase)}.`
        : `The holiday adjustment did not improve the backtest (best with holidays ${withH.model}, MASE ${fmt(withH.mase)}; without ${withoutH.model}, ${fmt(withoutH.mase)}).`,
    );
  }
  if (test.origins.length < 5)
    notes.push(`The backtest had only ${test.origins.length} origin(s): treat the choice and the interval with care.`);

  const model = models.find((candidate) => candidate.name === chosen.model)!;
  const point = model.forecast(y, options.horizon, { m: modelM });
  const bounds = intervalsFrom(chosen.errors, point);
  return {
    mode: seasonal ? 'seasonal' : oneSeason ? 'one-season' : 'non-seasonal',
    seasonLength: m,
    baseline: baseline.name,
    chosenModel: chosen.model,
    beatsBaseline,
    backtest: {
      origins: test.origins.length,
      horizon: test.horizon,
      rows: test.scores.map((s) => ({
        model: s.model,
        mase: roundOrNull(s.mase),
        smape: round(s.smape, 4),
        baselineMase: roundOrNull(baseScore.mase),
        baselineSmape: round(baseScore.smape, 4),
        beatsBaseline: s !== baseScore && better(s, baseScore),
      })),
    },
    forecast: point.map((p, i) => ({
      point: round(clamp(p), 4),
      lower: round(clamp(bounds[i]!.lower), 4),
      upper: round(clamp(bounds[i]!.upper), 4),
    })),
    holidays,
    notes,
  };
}

/**
 * An {@link INTERVAL_LEVEL} interval around each point from the backtest errors (y − ŷ by step): each
 * error divided by √(its step) pools all steps and origins; the 10th and 90th percentiles of the pool,
 * times √h, are added to the point of step h. Empirical, so it needs no distribution assumption and
 * carries the model's bias; the √h growth is the random walk's.
 */
export function intervalsFrom(
  errors: readonly number[][],
  point: readonly number[],
): { lower: number; upper: number }[] {
  const standardised = errors.flatMap((step, i) => step.map((e) => e / Math.sqrt(i + 1)));
  const low = quantile(standardised, (1 - INTERVAL_LEVEL) / 2);
  const high = quantile(standardised, (1 + INTERVAL_LEVEL) / 2);
  return point.map((p, i) => ({ lower: p + low * Math.sqrt(i + 1), upper: p + high * Math.sqrt(i + 1) }));
}

const roundOrNull = (value: number | null) => (value === null ? null : round(value, 4));
const fmt = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));
