import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BgNbdModel,
  ClvFitError,
  ClvFitFailure,
  collapse,
  customerLifetimeValue,
  GammaGammaModel,
  groupLifetimeValue,
  summarise,
  utcDay,
  type DatedPurchase,
} from './clv.model';
import { hyp2f1, lnGamma } from './clv.numerics';

/** The CDNOW sample as lifetimes ships it: master id, sample id, yyyymmdd, CDs bought, dollars. */
function cdnow(): DatedPurchase[] {
  const text = readFileSync(join(__dirname, '../../../../e2e/fixtures/cdnow-sample.txt'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [, id, date, , amount] = line.trim().split(/\s+/);
      const day = utcDay(new Date(`${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}T00:00:00Z`));
      return { customer: id!, day, net: Number(amount) };
    });
}
const CALIBRATION_END = utcDay(new Date('1997-09-30T00:00:00Z'));

const within = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(relative);

describe('clv numerics', () => {
  it('ln Γ matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('2F1 matches closed forms', () => {
    // 2F1(1, 1; 2; z) = −ln(1−z)/z
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hyp2f1(1, 1, 2, 0.99)).toBeCloseTo(-Math.log(0.01) / 0.99, 9);
    // 2F1(a, b; b; z) = (1−z)^−a
    expect(hyp2f1(2.5, 3, 3, 0.3)).toBeCloseTo(Math.pow(0.7, -2.5), 12);
    expect(hyp2f1(0.3, 0.7, 1.2, 0)).toBe(1);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe(BgNbdModel.name, () => {
  const ones = { r: 1, alpha: 1, a: 1, b: 1 };
  it('log-likelihood matches hand-computed values', () => {
    // x = 0, T = 1, all parameters 1: L = B(1,1)/B(1,1) · 1/(1+1)^1 = 1/2
    expect(BgNbdModel.customerLogLikelihood(ones, 0, 0, 1)).toBeCloseTo(Math.log(1 / 2), 12);
    // x = 1, t_x = 1, T = 2: L = B(1,2)/B(1,1) · Γ(2)/(3²) + B(2,1)/B(1,1) · Γ(2)/(2²) = 1/18 + 1/8 = 13/72
    expect(BgNbdModel.customerLogLikelihood(ones, 1, 1, 2)).toBeCloseTo(Math.log(13 / 72), 12);
    // a weighted row counts like that many customers
    expect(BgNbdModel.logLikelihood(ones, [{ frequency: 1, recency: 1, T: 2, weight: 3 }])).toBeCloseTo(
      3 * Math.log(13 / 72),
      12,
    );
  });

  it('prepares CDNOW as the papers do (lifetimes summary: customer 1 has x = 2, t_x = 30.43, T = 38.86)', () => {
    const summaries = summarise(cdnow(), CALIBRATION_END);
    expect(summaries).toHaveLength(2357);
    const first = summaries.find((s) => s.customer === '0001')!;
    expect(first.frequency).toBe(2);
    expect(first.recency).toBeCloseTo(30.43, 2);
    expect(first.T).toBeCloseTo(38.86, 2);
    // (29.73 + 14.96) / 2; lifetimes rounds it to 22.35
    expect(first.monetary).toBeCloseTo(22.345, 9);
    expect(summaries.reduce((s, c) => s + c.frequency, 0)).toBe(2457);
  });

  it('fits the published CDNOW parameters within 1 % (r 0.2426, α 4.4135 weeks, a 0.7929, b 2.4258; LL −9582.4)', () => {
    const rows = collapse(summarise(cdnow(), CALIBRATION_END));
    expect(rows.length).toBeLessThan(2357);
    const sut = BgNbdModel.fit(rows);
    within(sut.params.r, 0.2426, 0.01);
    within(sut.params.alpha, 4.4135, 0.01);
    within(sut.params.a, 0.7929, 0.01);
    within(sut.params.b, 2.4258, 0.01);
    expect(sut.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(sut.starts.agreeing).toBeGreaterThanOrEqual(2);
  });

  it('screening the starts on a sample of the rows ends at the same optimum as running them all on the data', () => {
    const rows = collapse(summarise(cdnow(), CALIBRATION_END));
    const full = BgNbdModel.fit(rows);
    const screened = BgNbdModel.fit(rows, { screeningRows: 200 });
    for (const key of ['r', 'alpha', 'a', 'b'] as const) within(screened.params[key], full.params[key], 1e-4);
    expect(screened.logLikelihood).toBeCloseTo(full.logLikelihood, 4);
  });

  it('conditional expectation: at T = 0 it is the unconditional one; over a short t it is P(alive) · E[λ] · t', () => {
    const sut = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    expect(sut.conditionalExpectedPurchases(39, 0, 0, 0)).toBeCloseTo(sut.expectedPurchases(39), 12);
    // E[λ | x, T, alive] = (r + x) / (α + T): the gamma posterior's mean
    const t = 1e-4;
    const rate = (0.2426 + 2) / (4.4135 + 38.86);
    expect(sut.conditionalExpectedPurchases(t, 2, 30.43, 38.86) / t).toBeCloseTo(sut.pAlive(2, 30.43, 38.86) * rate, 5);
  });

  it('conditional expectation matches an independent evaluation (mpmath hyp2f1, 30 digits)', () => {
    const sut = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    expect(sut.conditionalExpectedPurchases(39, 2, 30.43, 38.86)).toBeCloseTo(1.22591119989923, 10);
    expect(sut.conditionalExpectedPurchases(52, 5, 4, 100)).toBeCloseTo(3.42393358922088e-5, 14);
    expect(sut.conditionalExpectedPurchases(520, 30, 70, 78)).toBeCloseTo(49.3394080785437, 8);
  });

  it('on the CDNOW holdout (weeks 40–78) predicts 1,653 repeat transactions where 1,882 happened', () => {
    const purchases = cdnow();
    const summaries = summarise(purchases, CALIBRATION_END);
    const sut = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    const predicted = summaries.reduce(
      (s, c) => s + sut.conditionalExpectedPurchases(39, c.frequency, c.recency, c.T),
      0,
    );
    const holdoutEnd = utcDay(new Date('1998-06-30T00:00:00Z'));
    // repeat transactions = customer-days in the holdout (every sample customer's first purchase is in the calibration period)
    const actual = new Set(
      purchases.filter((p) => p.day > CALIBRATION_END && p.day <= holdoutEnd).map((p) => `${p.customer}|${p.day}`),
    ).size;
    expect(actual).toBe(1882);
    // the same sum evaluated with mpmath over lifetimes' (rounded) summary: 1653.43
    expect(predicted).toBeCloseTo(1653.4, 0);
  });

  it('P(alive) is 1 without a repeat purchase and falls as the customer lapses', () => {
    const sut = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    expect(sut.pAlive(0, 0, 30)).toBe(1);
    // x = 2, t_x = 30.43, T = 38.86: 1 / (1 + 0.7929/3.4258 · (43.2735/34.8435)^2.2426) = 1 / (1 + 0.231444 · 1.625648) = 0.7266
    expect(sut.pAlive(2, 30.43, 38.86)).toBeCloseTo(
      1 / (1 + (0.7929 / 3.4258) * Math.pow(43.2735 / 34.8435, 2.2426)),
      12,
    );
    expect(sut.pAlive(2, 30.43, 38.86)).toBeCloseTo(0.7266, 4);
    expect(sut.pAlive(2, 10, 38.86)).toBeLessThan(sut.pAlive(2, 30.43, 38.86));
  });

  it('never predicts a negative number of purchases or value, for a below or above 1', () => {
    for (const a of [0.2, 0.7929, 1, 1 + 1e-12, 3]) {
      const sut = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a, b: 2.4258 });
      for (const [x, tx, T] of [
        [0, 0, 0],
        [0, 0, 50],
        [1, 1, 2],
        [5, 4, 100],
        [30, 70, 78],
      ] as const)
        for (const t of [0, 1, 39, 520]) {
          const value = sut.conditionalExpectedPurchases(t, x, tx, T);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(value)).toBe(true);
        }
      expect(sut.expectedPurchases(52)).toBeGreaterThanOrEqual(0);
    }
  });

  it('fails with not-enough-data and not-converged, never with parameters the data cannot identify', () => {
    expect(() => BgNbdModel.fit([{ frequency: 1, recency: 1, T: 2, weight: 3 }])).toThrow(
      expect.objectContaining({ failure: ClvFitFailure.NotEnoughData }),
    );
    // Everyone bought every week without a gap: no dropout is visible, the likelihood grows as b → ∞.
    const regular = [
      { frequency: 10, recency: 10, T: 10, weight: 50 },
      { frequency: 0, recency: 0, T: 0, weight: 10 },
    ];
    let error: unknown;
    try {
      BgNbdModel.fit(regular);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClvFitError);
    expect((error as ClvFitError).failure).toBe(ClvFitFailure.NotConverged);
  });
});

describe(GammaGammaModel.name, () => {
  it('log-likelihood matches a hand-computed value', () => {
    // p = q = γ = x = m = 1: Γ(2)/(Γ(1)Γ(1)) · 1 · 1 · 1 / (1+1)² = 1/4
    expect(
      GammaGammaModel.logLikelihood({ p: 1, q: 1, gamma: 1 }, [{ frequency: 1, monetary: 1, weight: 1 }]),
    ).toBeCloseTo(Math.log(1 / 4), 12);
    // p = 2, q = 3, γ = 4, x = 2, m = 5: Γ(7)/(Γ(4)Γ(3)) · 4³ · 2⁴ · 5³ / 14⁷
    const expected = Math.log((720 / (6 * 2)) * 64 * 16 * 125) - 7 * Math.log(14);
    expect(
      GammaGammaModel.logLikelihood({ p: 2, q: 3, gamma: 4 }, [{ frequency: 2, monetary: 5, weight: 1 }]),
    ).toBeCloseTo(expected, 12);
  });

  it('fits the published CDNOW spend parameters within 1 % (p 6.25, q 3.74, γ 15.44) from the mean of repeat transactions', () => {
    const spenders = summarise(cdnow(), CALIBRATION_END).filter((s) => s.frequency > 0);
    expect(spenders).toHaveLength(946);
    const sut = GammaGammaModel.fit(spenders.map((s) => ({ frequency: s.frequency, monetary: s.monetary, weight: 1 })));
    within(sut.params.p, 6.25, 0.01);
    within(sut.params.q, 3.74, 0.01);
    within(sut.params.gamma, 15.44, 0.01);
  });

  it('screening the starts on a sample ends at the same spend optimum', () => {
    const rows = summarise(cdnow(), CALIBRATION_END)
      .filter((s) => s.frequency > 0)
      .map((s) => ({ frequency: s.frequency, monetary: s.monetary, weight: 1 }));
    const full = GammaGammaModel.fit(rows);
    const screened = GammaGammaModel.fit(rows, { screeningRows: 100 });
    for (const key of ['p', 'q', 'gamma'] as const) within(screened.params[key], full.params[key], 1e-4);
  });

  it('expected spend shrinks a customer’s mean towards the population’s and is never negative', () => {
    const sut = new GammaGammaModel({ p: 6.25, q: 3.74, gamma: 15.44 });
    const population = (6.25 * 15.44) / 2.74;
    expect(sut.populationMeanSpend()).toBeCloseTo(population, 10);
    // x = 2, m = 22.35: (2.74/15.24)·35.2190 + (12.5/15.24)·22.35
    expect(sut.expectedSpend(2, 22.35)).toBeCloseTo((2.74 / 15.24) * population + (12.5 / 15.24) * 22.35, 10);
    expect(sut.expectedSpend(0, 0)).toBeCloseTo(population, 10);
    expect(sut.expectedSpend(3, -10)).toBeCloseTo(population, 10);
  });

  it('fails with not-enough-data below 10 repeat buyers', () => {
    expect(() => GammaGammaModel.fit([{ frequency: 2, monetary: 10, weight: 9 }])).toThrow(
      expect.objectContaining({ failure: ClvFitFailure.NotEnoughData }),
    );
  });
});

describe(customerLifetimeValue.name, () => {
  it('is expected purchases times expected spend, never negative', () => {
    const bgnbd = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    const spend = new GammaGammaModel({ p: 6.25, q: 3.74, gamma: 15.44 });
    const sut = customerLifetimeValue(bgnbd, spend, { frequency: 2, recency: 30.43, T: 38.86, monetary: 22.35 }, 52);
    expect(sut.clv).toBeCloseTo(sut.expectedPurchases * sut.expectedSpend!, 10);
    expect(sut.clv).toBeGreaterThan(0);
    const refunded = customerLifetimeValue(bgnbd, spend, { frequency: 2, recency: 30.43, T: 38.86, monetary: -5 }, 52);
    expect(refunded.clv).toBeGreaterThanOrEqual(0);
  });
});

describe(groupLifetimeValue.name, () => {
  it('is the sum of its customers’ lifetime values, whatever their mean spends', () => {
    const bgnbd = new BgNbdModel({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 });
    const spend = new GammaGammaModel({ p: 6.25, q: 3.74, gamma: 15.44 });
    const history = { recency: 30.43, T: 38.86 };
    const cases: Array<[number, number[]]> = [
      [3, [22.35, 41.2, -5, 0, 180]],
      [0, [0, 0, 0]],
    ];
    for (const [frequency, means] of cases) {
      const oneByOne = means.reduce(
        (sum, monetary) => sum + customerLifetimeValue(bgnbd, spend, { frequency, ...history, monetary }, 52).clv!,
        0,
      );
      const spenders = means.filter((m) => frequency > 0 && m > 0);
      const group = {
        frequency,
        ...history,
        customers: means.length,
        spenders: spenders.length,
        spendSum: spenders.reduce((s, m) => s + m, 0),
      };
      expect(oneByOne).toBeGreaterThan(0);
      expect(groupLifetimeValue(bgnbd, spend, group, 52)).toBeCloseTo(oneByOne, 8);
    }
  });
});
