import { backtest, forecastSeries, intervalsFrom, mase, quantile, smape } from './forecast.backtest';
import {
  combination,
  fitHoltWinters,
  holidayEffect,
  holt,
  holtWinters,
  holtWintersForecast,
  naive,
  runHoltWinters,
  seasonalNaive,
  withHolidays,
} from './forecast.models';
import { addDays, holidayDaysPerWeek } from './holiday-weeks';

/** 100 + 5t plus a fixed monthly pattern that sums to 0 over the year. */
const PATTERN = [-30, -20, -10, 0, 10, 20, 30, 20, 10, 0, -10, -20];
const trendSeasonal = (n: number) => Array.from({ length: n }, (_, t) => 100 + 5 * t + PATTERN[t % 12]!);

describe('forecast models', () => {
  describe('seasonal naive and naive', () => {
    it('repeats the last season, wrapping beyond one season', () => {
      expect(seasonalNaive.forecast([1, 2, 3, 4, 5, 6, 7, 8], 6, { m: 4 })).toEqual([5, 6, 7, 8, 5, 6]);
    });
    it('repeats the last value', () => {
      expect(naive.forecast([3, 9, 4], 3, { m: 1 })).toEqual([4, 4, 4]);
    });
  });

  describe('Holt-Winters', () => {
    it('starts exactly on a straight line plus a season and, undamped, forecasts it exactly', () => {
      const y = trendSeasonal(36);
      const fit = runHoltWinters(y, 12, { alpha: 0.5, beta: 0.2, gamma: 0.1, phi: 1 });
      expect(fit.sse).toBeCloseTo(0, 9);
      const next = holtWintersForecast(fit, 14, 12);
      trendSeasonal(50)
        .slice(36)
        .forEach((value, i) => expect(next[i]).toBeCloseTo(value, 9));
    });
    it('fits its parameters by least squares: near-zero error on the same series, trend damped by at most 0.2', () => {
      const fit = fitHoltWinters(trendSeasonal(36), 12);
      expect(fit.parameters.phi).toBeGreaterThanOrEqual(0.8);
      expect(fit.parameters.phi).toBeLessThanOrEqual(1);
      expect(fit.parameters.gamma).toBeLessThan(1 - fit.parameters.alpha);
      // seasonal naive's one-step SSE on these 24 periods would be 24·60² = 86,400
      expect(fit.sse).toBeLessThan(1);
    });
    it('follows a straight line without a season (Holt’s damped trend)', () => {
      const forecast = holt.forecast([10, 12, 14, 16, 18, 20, 22, 24], 2, { m: 1 });
      expect(forecast[0]).toBeCloseTo(26, 0);
      expect(forecast[1]).toBeGreaterThan(forecast[0]!);
    });
    it('needs two seasons', () => {
      expect(holtWinters.minHistory(12)).toBe(24);
    });
  });

  describe(combination.name, () => {
    it('is the mean of its members, period by period', () => {
      const sut = combination([seasonalNaive, naive]);
      // seasonal naive [1, 2], naive [4, 4]
      expect(sut.forecast([1, 2, 3, 4], 2, { m: 3 })).toEqual([(2 + 4) / 2, (3 + 4) / 2]);
    });
  });

  describe('metrics', () => {
    it('MASE: MAE over the mean absolute lag difference of the history', () => {
      // history diffs |2|, |−1|, |3| → scale 2; errors 1 and 1 → MAE 1
      expect(mase([1, 3, 2, 5], [4, 6], [5, 5], 1)).toBe(0.5);
      // lag 2: |2−1|, |5−3| → scale 1.5; MAE 3
      expect(mase([1, 3, 2, 5], [4, 6], [1, 9], 2)).toBe(2);
      expect(mase([7, 7, 7], [7], [8], 1)).toBeNull();
    });
    it('sMAPE: 200·|y − ŷ| / (|y| + |ŷ|) averaged, 0 where both are 0', () => {
      expect(smape([100, 0, 50], [110, 0, 40])).toBeCloseTo((2000 / 210 + 2000 / 90) / 3, 10);
      expect(smape([100, 0, 50], [110, 0, 40])).toBeCloseTo(10.582, 3);
    });
    it('quantiles interpolate between order statistics', () => {
      expect(quantile([5, 1, 3, 2, 4], 0.1)).toBeCloseTo(1.4, 12);
      expect(quantile([5, 1, 3, 2, 4], 0.9)).toBeCloseTo(4.6, 12);
      expect(quantile([2], 0.9)).toBe(2);
    });
  });

  describe(intervalsFrom.name, () => {
    it('the 10th and 90th percentiles of the √h-scaled backtest errors, times √h', () => {
      // step 1: 1, −1, 3; step 2: 2/√2, −2/√2 → sorted −1.4142, −1, 1, 1.4142, 3
      // 10th: −√2 + 0.4·(√2 − 1) = −1.248528; 90th: √2 + 0.6·(3 − √2) = 2.365685
      const [first, second] = intervalsFrom(
        [
          [1, -1, 3],
          [2, -2],
        ],
        [10, 10],
      );
      expect(first!.lower).toBeCloseTo(8.751472, 5);
      expect(first!.upper).toBeCloseTo(12.365685, 5);
      expect(second!.lower).toBeCloseTo(10 - 1.248528 * Math.SQRT2, 5);
      expect(second!.upper).toBeCloseTo(10 + 2.365685 * Math.SQRT2, 5);
    });
  });

  describe(backtest.name, () => {
    it('rolls the origin forward and scores each model by hand-checkable errors', () => {
      const sut = backtest([1, 2, 3, 4, 5, 6], [naive], { m: 1, horizon: 2, minHistory: 3, scaleLag: 1 })!;
      expect(sut.origins).toEqual([3, 4]);
      expect(sut.horizon).toBe(2);
      const [score] = sut.scores;
      // origin 3: [1,2,3] → 3,3 against 4,5; origin 4: [1..4] → 4,4 against 5,6; scale 1 both times
      expect(score!.errors).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(score!.mase).toBe(1.5);
      expect(score!.smape).toBeCloseTo((200 / 7 + 400 / 8 + 200 / 9 + 400 / 10) / 4, 10);
    });
    it('caps the origins at twelve and shortens the horizon to what the history allows', () => {
      const y = Array.from({ length: 40 }, (_, t) => t);
      expect(backtest(y, [naive], { m: 1, horizon: 3, minHistory: 8, scaleLag: 1 })!.origins).toEqual([
        26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37,
      ]);
      expect(backtest(y.slice(0, 10), [naive], { m: 1, horizon: 5, minHistory: 8, scaleLag: 1 })!.horizon).toBe(2);
      expect(backtest(y.slice(0, 8), [naive], { m: 1, horizon: 5, minHistory: 8, scaleLag: 1 })).toBeNull();
    });
  });

  describe(forecastSeries.name, () => {
    it('a trend with a season: Holt-Winters beats seasonal naive, whose MASE is exactly 1', () => {
      const sut = forecastSeries(trendSeasonal(48), { granularity: 'month', horizon: 6, nonNegative: true });
      expect(sut.mode).toBe('seasonal');
      expect(sut.baseline).toBe('seasonal-naive');
      // every seasonal naive error is a year of trend, 12·5 = 60, and so is the scale
      const base = sut.backtest!.rows.find((r) => r.model === 'seasonal-naive')!;
      expect(base.mase).toBe(1);
      const hw = sut.backtest!.rows.find((r) => r.model === 'holt-winters')!;
      expect(hw.mase!).toBeLessThan(0.05);
      expect(hw.baselineMase).toBe(1);
      expect(hw.beatsBaseline).toBe(true);
      expect(sut.chosenModel).not.toBe('seasonal-naive');
      expect(sut.beatsBaseline).toBe(true);
      // origins: 48 − 24 − 6 + 1 = 19, capped at 12
      expect(sut.backtest!.origins).toBe(12);
      expect(sut.backtest!.horizon).toBe(6);
      const truth = trendSeasonal(54).slice(48);
      sut.forecast.forEach((p, i) => {
        expect(Math.abs(p.point - truth[i]!)).toBeLessThan(3);
        expect(p.lower!).toBeLessThanOrEqual(p.upper!);
      });
      expect(sut.backtest!.rows.map((r) => r.model)).toEqual(['seasonal-naive', 'holt-winters', 'combination']);
    });

    it('a season that repeats exactly: seasonal naive is exact, nothing beats it, the forecast says so', () => {
      const y = Array.from({ length: 36 }, (_, t) => 200 + PATTERN[t % 12]!);
      const sut = forecastSeries(y, { granularity: 'month', horizon: 3, nonNegative: true });
      expect(sut.chosenModel).toBe('seasonal-naive');
      expect(sut.beatsBaseline).toBe(false);
      const base = sut.backtest!.rows[0]!;
      // the history never changes from one year to the next: MASE has no scale, sMAPE decides
      expect(base).toMatchObject({ model: 'seasonal-naive', mase: null, smape: 0, beatsBaseline: false });
      expect(sut.notes.join(' ')).toContain('No model beat seasonal-naive');
      expect(sut.forecast).toEqual([
        { point: 170, lower: 170, upper: 170 },
        { point: 180, lower: 180, upper: 180 },
        { point: 190, lower: 190, upper: 190 },
      ]);
    });

    it('one season and a bit: seasonal naive stays the baseline, against naive, Holt and their mean', () => {
      // a straight line of 20 months: too short for Holt-Winters (25), long enough to backtest seasonal naive (14)
      const y = Array.from({ length: 20 }, (_, t) => 10 + 2 * t);
      const sut = forecastSeries(y, { granularity: 'month', horizon: 2, nonNegative: false });
      expect(sut).toMatchObject({ mode: 'one-season', baseline: 'seasonal-naive' });
      const rows = sut.backtest!.rows;
      expect(rows.map((r) => r.model)).toEqual(['seasonal-naive', 'naive', 'holt', 'combination']);
      // seasonal naive is a year behind: every error 12·2 = 24, and so is the scale → MASE 1
      expect(rows[0]!.mase).toBe(1);
      // naive is behind by 2 and 4: (2 + 4) / 2 / 24 = 0.125
      expect(rows[1]!.mase).toBe(0.125);
      expect(rows[1]!.baselineMase).toBe(1);
      // origins 13…18 (history ≥ 13, the last 18 = 20 − 2)
      expect(sut.backtest).toMatchObject({ origins: 6, horizon: 2 });
      expect(sut.chosenModel).toBe('holt'); // a straight line
      expect(sut.notes[0]).toContain('fewer than two seasons');
    });

    it('less than a season: non-seasonal models against naive, whose MASE is counted by hand', () => {
      const y = Array.from({ length: 10 }, (_, t) => 10 + 2 * t);
      const sut = forecastSeries(y, { granularity: 'month', horizon: 2, nonNegative: false });
      expect(sut).toMatchObject({ mode: 'non-seasonal', baseline: 'naive' });
      const base = sut.backtest!.rows[0]!;
      // every origin: errors 2 and 4; scale (lag 1) 2 → MASE (2 + 4) / 2 / 2 = 1.5
      expect(base).toMatchObject({ model: 'naive', mase: 1.5 });
      expect(sut.chosenModel).not.toBe('naive'); // Holt follows a line
      expect(sut.notes[0]).toContain('less than a season');
    });

    it('too short for a backtest: naive, no interval, and says why', () => {
      const sut = forecastSeries([5, 7, 6], { granularity: 'week', horizon: 2, nonNegative: true });
      expect(sut).toMatchObject({ mode: 'too-short', chosenModel: 'naive', backtest: null });
      expect(sut.forecast).toEqual([
        { point: 6, lower: null, upper: null },
        { point: 6, lower: null, upper: null },
      ]);
      expect(sut.notes[0]).toContain('too short');
    });

    it('clamps counts at zero', () => {
      const y = Array.from({ length: 20 }, (_, t) => 40 - 2 * t);
      const sut = forecastSeries(y, { granularity: 'month', horizon: 12, nonNegative: true });
      for (const p of sut.forecast) expect(p.lower!).toBeGreaterThanOrEqual(0);
    });
  });

  describe('holidays', () => {
    it('counts China’s statutory holiday days per week (Monday to Sunday)', () => {
      // Spring Festival 2025: 28 January to 4 February
      expect(holidayDaysPerWeek(['2025-01-20', '2025-01-27', '2025-02-03', '2025-02-10'])).toEqual({
        days: [0, 6, 2, 0],
      });
      expect(holidayDaysPerWeek(['2030-01-07'])).toMatchObject({ unavailable: expect.stringContaining('2030') });
    });

    it('estimates the effect from season-over-season differences by least squares', () => {
      // m = 1: Δy = 2, 8, −8; Δx = 1, 1, −2 → Σ ΔyΔx / Σ Δx² = 26 / 6
      expect(holidayEffect([10, 12, 20, 12], [0, 1, 2, 0], 1)).toBeCloseTo(26 / 6, 12);
      expect(holidayEffect([10, 12, 20], [1, 1, 1], 1)).toBe(0);
    });

    it('a moving festival: the holiday-adjusted seasonal naive is exact where seasonal naive is not, and the report says it improved', () => {
      const weeks = Array.from({ length: 160 }, (_, i) => addDays('2018-01-01', 7 * i));
      const x = (holidayDaysPerWeek(weeks) as { days: number[] }).days;
      const y = x.slice(0, 152).map((days) => 1000 + 100 * days);
      const adjusted = withHolidays(seasonalNaive, x, 'seasonal-naive+holidays');
      expect(adjusted.forecast(y, 8, { m: 52 })).toEqual(y.map((_, i) => 1000 + 100 * x[152 + i]!).slice(0, 8));

      const sut = forecastSeries(y, { granularity: 'week', horizon: 8, nonNegative: true, holidays: { days: x } });
      expect(sut.holidays).toMatchObject({ requested: true, applied: true, effectPerHolidayDay: 100, improved: true });
      expect(sut.holidays.bestWith!.model).toMatch(/\+holidays$/);
      expect(sut.chosenModel).toMatch(/\+holidays$/);
      expect(sut.notes.join(' ')).toContain('holiday adjustment improved');
    });

    it('says why holidays were not used', () => {
      const y = trendSeasonal(120);
      const sut = forecastSeries(y, {
        granularity: 'week',
        horizon: 4,
        nonNegative: true,
        holidays: { unavailable: 'no data for 2030' },
      });
      expect(sut.holidays).toMatchObject({ requested: true, applied: false, improved: null });
      expect(sut.notes).toContain('Holidays not used: no data for 2030');
    });
  });
});
