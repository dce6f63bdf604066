import { nelderMead } from '../numerics/nelder-mead';

/**
 * The forecasting models (issue 16, item 4), as pure functions of a series: each takes the history
 * y₀…yₙ₋₁ (one value per period, oldest first), the season length m and the number of periods ahead h,
 * and returns h point forecasts. Formulas: README, "Forecasts".
 */
export interface ModelContext {
  /** Season length in periods: 52 for weeks, 12 for months. */
  readonly m: number;
}

export interface ForecastModel {
  readonly name: ModelName;
  /** Fewest history periods the model can forecast from. */
  minHistory(m: number): number;
  forecast(y: readonly number[], h: number, context: ModelContext): number[];
}

export type ModelName =
  | 'seasonal-naive'
  | 'holt-winters'
  | 'combination'
  | 'naive'
  | 'holt'
  | 'seasonal-naive+holidays'
  | 'holt-winters+holidays'
  | 'combination+holidays';

/** ŷₙ₋₁₊ₕ = yₙ₋₁₊ₕ₋ₘ·⌈h/m⌉: the same period of the last season seen. */
export const seasonalNaive: ForecastModel = {
  name: 'seasonal-naive',
  minHistory: (m) => m,
  forecast(y, h, { m }) {
    const n = y.length;
    return Array.from({ length: h }, (_, i) => y[n - 1 + (i + 1) - m * Math.ceil((i + 1) / m)]!);
  },
};

/** ŷₙ₋₁₊ₕ = yₙ₋₁: the last value (seasonal naive with m = 1). */
export const naive: ForecastModel = {
  name: 'naive',
  minHistory: () => 1,
  forecast(y, h) {
    return new Array<number>(h).fill(y[y.length - 1]!);
  },
};

export interface HoltWintersParameters {
  alpha: number;
  beta: number;
  /** 0 when the model has no season. */
  gamma: number;
  /** Damping of the trend: 0.8–0.98 when fitted (1 is Holt-Winters' undamped trend). */
  phi: number;
}

export interface HoltWintersFit {
  parameters: HoltWintersParameters;
  /** Sum of squared one-step errors over the fitted part of the history. */
  sse: number;
  level: number;
  trend: number;
  /** Seasonal components by period index modulo m (length m; [0] when m = 1). */
  season: number[];
  /** Index of the last history period, to place the seasonal components of the forecast. */
  last: number;
}

/** Smoothing parameters stay in [ε, 1 − ε] (as R's forecast::ets bounds them), φ in [0.8, 0.98]. */
const EPSILON = 1e-4;
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;
/** Logistic onto [low, high]; the variable is clamped to ±12, where the logistic is flat anyway. */
const bounded = (u: number, low: number, high: number) =>
  low + (high - low) / (1 + Math.exp(-Math.max(-12, Math.min(12, u))));
const unbounded = (p: number, low: number, high: number) => Math.log((p - low) / (high - p));

/** Unconstrained optimiser variables → parameters: α, β ∈ [ε, 1−ε], γ ∈ [ε, 1−α], φ ∈ [0.8, 0.98]. */
function parametersOf(u: readonly number[], seasonal: boolean): HoltWintersParameters {
  const alpha = bounded(u[0]!, EPSILON, 1 - EPSILON);
  return {
    alpha,
    beta: bounded(u[1]!, EPSILON, 1 - EPSILON),
    gamma: seasonal ? bounded(u[2]!, EPSILON, 1 - alpha) : 0,
    phi: bounded(u[seasonal ? 3 : 2]!, PHI_MIN, PHI_MAX),
  };
}

function variablesOf(p: HoltWintersParameters, seasonal: boolean): number[] {
  const phi = unbounded(p.phi, PHI_MIN, PHI_MAX);
  const alpha = unbounded(p.alpha, EPSILON, 1 - EPSILON);
  const beta = unbounded(p.beta, EPSILON, 1 - EPSILON);
  return seasonal ? [alpha, beta, unbounded(p.gamma, EPSILON, 1 - p.alpha), phi] : [alpha, beta, phi];
}

/**
 * Runs the additive damped Holt-Winters recursions (error-correction form, Hyndman & Athanasopoulos,
 * "Forecasting: Principles and Practice", 8.3) over the history with given parameters.
 *
 * Start values, seasonal (m > 1, needs two seasons): the trend b is the difference of the second and the
 * first season's means over m; the level at the end of the first season is the first season's mean plus
 * b·(m−1)/2; the seasonal component of period i < m is yᵢ minus the straight line through the first
 * season's mean with slope b. The recursions then run from t = m. Non-seasonal (Holt's damped trend):
 * level y₀, trend y₁ − y₀, recursions from t = 1.
 */
export function runHoltWinters(y: readonly number[], m: number, p: HoltWintersParameters): HoltWintersFit {
  const seasonal = m > 1;
  let level: number;
  let trend: number;
  let season: Float64Array;
  let start: number;
  if (seasonal) {
    const mean = (from: number) => {
      let sum = 0;
      for (let i = from; i < from + m; i++) sum += y[i]!;
      return sum / m;
    };
    const first = mean(0);
    trend = (mean(m) - first) / m;
    level = first + (trend * (m - 1)) / 2;
    season = new Float64Array(m);
    for (let i = 0; i < m; i++) season[i] = y[i]! - (first + trend * (i - (m - 1) / 2));
    start = m;
  } else {
    level = y[0]!;
    trend = y.length > 1 ? y[1]! - y[0]! : 0;
    season = new Float64Array(1);
    start = 1;
  }
  const { alpha, beta, gamma, phi } = p;
  let sse = 0;
  for (let t = start; t < y.length; t++) {
    const s = seasonal ? t % m : 0;
    const expectedLevel = level + phi * trend;
    const error = y[t]! - (expectedLevel + season[s]!);
    sse += error * error;
    const newLevel = alpha * (y[t]! - season[s]!) + (1 - alpha) * expectedLevel;
    trend = beta * (newLevel - level) + (1 - beta) * phi * trend;
    if (seasonal) season[s] = gamma * (y[t]! - expectedLevel) + (1 - gamma) * season[s]!;
    level = newLevel;
  }
  return { parameters: p, sse, level, trend, season: [...season], last: y.length - 1 };
}

/** ŷₙ₋₁₊ₕ = ℓ + (φ + φ² + … + φʰ)·b + s₍ₙ₋₁₊ₕ₎ mod m. */
export function holtWintersForecast(fit: HoltWintersFit, h: number, m: number): number[] {
  const { level, trend, season, last, parameters } = fit;
  const out: number[] = [];
  let damping = 0;
  let phiPower = 1;
  for (let i = 1; i <= h; i++) {
    phiPower *= parameters.phi;
    damping += phiPower;
    out.push(level + damping * trend + (m > 1 ? season[(last + i) % m]! : 0));
  }
  return out;
}

/** Starting points of the optimiser: a few typical corners of the parameter space. */
const STARTS: HoltWintersParameters[] = [
  { alpha: 0.3, beta: 0.1, gamma: 0.1, phi: 0.97 },
  { alpha: 0.1, beta: 0.05, gamma: 0.3, phi: 0.9 },
  { alpha: 0.7, beta: 0.3, gamma: 0.05, phi: 0.95 },
];

/** Parameters minimising the in-sample sum of squared one-step errors, best of several Nelder–Mead starts. */
export function fitHoltWinters(y: readonly number[], m: number): HoltWintersFit {
  const seasonal = m > 1;
  let best: HoltWintersFit | null = null;
  for (const startAt of STARTS) {
    const found = nelderMead(
      (u) => runHoltWinters(y, m, parametersOf(u, seasonal)).sse,
      variablesOf(startAt, seasonal),
      { maxIterations: 300, fTolerance: 1e-6, xTolerance: 1e-2, stopWhen: 'any' },
    );
    const fit = runHoltWinters(y, m, parametersOf(found.x, seasonal));
    if (!best || fit.sse < best.sse) best = fit;
  }
  return best!;
}

/** Additive Holt-Winters with a damped trend; parameters by least squares. Needs two full seasons. */
export const holtWinters: ForecastModel = {
  name: 'holt-winters',
  minHistory: (m) => 2 * m,
  forecast(y, h, { m }) {
    return holtWintersForecast(fitHoltWinters(y, m), h, m);
  },
};

/** Holt's linear method with a damped trend (Holt-Winters without a season), for short histories. */
export const holt: ForecastModel = {
  name: 'holt',
  minHistory: () => 3,
  forecast(y, h) {
    return holtWintersForecast(fitHoltWinters(y, 1), h, 1);
  },
};

/** The mean of the given models' forecasts, period by period (M4's lesson: a simple combination is hard to beat). */
export function combination(members: readonly ForecastModel[], name: ModelName = 'combination'): ForecastModel {
  return {
    name,
    minHistory: (m) => Math.max(...members.map((model) => model.minHistory(m))),
    forecast(y, h, context) {
      const forecasts = members.map((model) => model.forecast(y, h, context));
      return Array.from({ length: h }, (_, i) => forecasts.reduce((sum, f) => sum + f[i]!, 0) / forecasts.length);
    },
  };
}

/**
 * A holiday effect estimated from the seasonal differences: yₜ − yₜ₋ₘ = β·(xₜ − xₜ₋ₘ) + noise, with xₜ
 * the number of Chinese statutory holiday days in period t. Differencing by a season removes level and
 * seasonality, and a moving festival (Spring Festival falls in a different week each year) is what makes
 * xₜ − xₜ₋ₘ vary. β = Σ Δy·Δx / Σ Δx² (least squares through the origin); 0 when Δx never varies.
 */
export function holidayEffect(y: readonly number[], x: readonly number[], m: number): number {
  let sxy = 0;
  let sxx = 0;
  for (let t = m; t < y.length; t++) {
    const dx = x[t]! - x[t - m]!;
    sxy += (y[t]! - y[t - m]!) * dx;
    sxx += dx * dx;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * A model on the holiday-adjusted series: zₜ = yₜ − β·xₜ is forecast by the model and β·xₜ added back
 * to each forecast period. `x` covers the history and every period to forecast (x[t] for t < n + h).
 */
export function withHolidays(
  model: ForecastModel,
  x: readonly number[],
  name: ModelName,
  /** Shared by the holiday-adjusted models of one forecast: the same history gets the same adjusted array. */
  adjustments = new WeakMap<readonly number[], { beta: number; adjusted: number[] }>(),
): ForecastModel {
  return {
    name,
    minHistory: (m) => Math.max(model.minHistory(m), m + 1),
    forecast(y, h, context) {
      let adjustment = adjustments.get(y);
      if (!adjustment) {
        const beta = holidayEffect(y, x, context.m);
        adjustment = { beta, adjusted: y.map((value, t) => value - beta * x[t]!) };
        adjustments.set(y, adjustment);
      }
      const { beta, adjusted } = adjustment;
      return model.forecast(adjusted, h, context).map((value, i) => value + beta * x[y.length + i]!);
    },
  };
}

/**
 * The model with its forecasts remembered per history array (and h, m): the combination and the model
 * itself ask for the same fit, once.
 */
export function memoized(model: ForecastModel): ForecastModel {
  const cache = new WeakMap<readonly number[], Map<string, number[]>>();
  return {
    name: model.name,
    minHistory: (m) => model.minHistory(m),
    forecast(y, h, context) {
      let byKey = cache.get(y);
      if (!byKey) cache.set(y, (byKey = new Map()));
      const key = `${h}/${context.m}`;
      let forecast = byKey.get(key);
      if (!forecast) byKey.set(key, (forecast = model.forecast(y, h, context)));
      return [...forecast];
    },
  };
}
