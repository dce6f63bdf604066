import {
  assessChurn,
  crossedUpward,
  DEFAULT_GAP_DAYS,
  evaluateBacktest,
  recencyPAlive,
  riskMoved,
  type ActivitySignals,
} from './churn.model';

const DAY = 86_400_000;
const now = new Date('2026-12-05T00:00:00Z');
const today = Math.floor(now.getTime() / DAY);
const cdnow = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const noSignals: ActivitySignals = {
  lastContactAt: null,
  openComplaints: 0,
  lastSurveyScore: null,
  lastSurveyKind: null,
  lastSurveyAt: null,
};

describe('churn.model', () => {
  describe(recencyPAlive.name, () => {
    it('is 1 within the usual gap, then e^(−(d − g)/g)', () => {
      // three purchase days over 60 days: gap 30
      const history = { frequency: 2, firstPurchaseDay: today - 100, lastPurchaseDay: today - 40 };
      expect(recencyPAlive(history, today - 10)).toBe(1);
      expect(recencyPAlive(history, today)).toBeCloseTo(Math.exp(-10 / 30), 12);
      // one purchase: the default gap of 90 days
      expect(
        recencyPAlive({ frequency: 0, firstPurchaseDay: today - 180, lastPurchaseDay: today - 180 }, today),
      ).toBeCloseTo(Math.exp(-(180 - DEFAULT_GAP_DAYS) / DEFAULT_GAP_DAYS), 12);
    });
  });

  describe(assessChurn.name, () => {
    it('uses BG/NBD P(alive) for a repeat buyer when there is a fit, and names it', () => {
      // x = 2 over 30.43 weeks, first purchase 38.86 weeks ago: P(alive) 0.7266 (clv.model.spec)
      const history = { frequency: 2, firstPurchaseDay: today - 272, lastPurchaseDay: today - 272 + 213 };
      const sut = assessChurn(history, null, cdnow, now);
      expect(sut.method).toBe('bgnbd');
      expect(sut.pAlive).toBeCloseTo(0.7266, 4);
      expect(sut.risk).toBeCloseTo(1 - 0.7266, 4);
      expect(sut.daysSinceLastPurchase).toBe(59);
      expect(sut.drivers).toEqual([expect.objectContaining({ driver: 'p-alive' })]);
    });

    it('falls back to recency for a single purchase even with a fit (BG/NBD says 1 there), and without a fit', () => {
      const once = { frequency: 0, firstPurchaseDay: today - 270, lastPurchaseDay: today - 270 };
      const sut = assessChurn(once, null, cdnow, now);
      expect(sut.method).toBe('recency');
      // e^(−180/90) = 0.1353: risk 0.8647
      expect(sut.risk).toBeCloseTo(1 - Math.exp(-2), 10);
      expect(assessChurn(once, null, null, now).risk).toBeCloseTo(sut.risk, 12);
    });

    it('adds the service signals on the log-odds scale and names each', () => {
      const recent = { frequency: 3, firstPurchaseDay: today - 90, lastPurchaseDay: today - 5 };
      const signals: ActivitySignals = {
        lastContactAt: new Date(now.getTime() - 120 * DAY),
        openComplaints: 3,
        lastSurveyScore: 4,
        lastSurveyKind: 'nps',
        lastSurveyAt: new Date(now.getTime() - 10 * DAY),
      };
      const sut = assessChurn(recent, signals, null, now);
      // P(alive) 1 → base logit(0.01); + 0.5 (no contact for 120 days) + 0.75 × 2 (complaints, at most 2) + 1 (NPS 4)
      expect(sut.risk).toBeCloseTo(sigmoid(logit(0.01) + 0.5 + 1.5 + 1), 12);
      expect(sut.drivers.map((d) => d.driver)).toEqual([
        'open-complaints',
        'low-survey-score',
        'no-recent-contact',
        'p-alive',
      ]);
      expect(sut.drivers[0]!.detail).toBe('3 open complaints');
      // a CSAT of 3, a survey a year ago and a recent contact are no signal
      const mild = assessChurn(
        recent,
        {
          ...noSignals,
          lastContactAt: new Date(now.getTime() - DAY),
          lastSurveyScore: 3,
          lastSurveyKind: 'csat',
          lastSurveyAt: new Date(now.getTime() - DAY),
        },
        null,
        now,
      );
      expect(mild.drivers.map((d) => d.driver)).toEqual(['p-alive']);
      expect(assessChurn(recent, noSignals, null, now).risk).toBeCloseTo(0.01, 12);
    });

    it('stays within [0, 1] with every signal at its worst', () => {
      const gone = { frequency: 1, firstPurchaseDay: today - 3000, lastPurchaseDay: today - 2999 };
      const worst: ActivitySignals = {
        lastContactAt: new Date(0),
        openComplaints: 50,
        lastSurveyScore: 0,
        lastSurveyKind: 'nps',
        lastSurveyAt: now,
      };
      const sut = assessChurn(gone, worst, cdnow, now);
      expect(sut.risk).toBeGreaterThan(0.99);
      expect(sut.risk).toBeLessThanOrEqual(1);
    });
  });

  it('crosses upwards only from below (or from no assessment)', () => {
    expect(crossedUpward(null, 0.7, 0.7)).toBe(true);
    expect(crossedUpward(0.69, 0.71, 0.7)).toBe(true);
    expect(crossedUpward(0.75, 0.9, 0.7)).toBe(false);
    expect(crossedUpward(0.9, 0.5, 0.7)).toBe(false);
    expect(crossedUpward(null, 0.5, 0.7)).toBe(false);
  });

  it('publishes a risk when it is the first, moved 0.05 or crossed a band', () => {
    expect(riskMoved(null, 0.2)).toBe(true);
    expect(riskMoved(0.2, 0.24)).toBe(false);
    expect(riskMoved(0.2, 0.26)).toBe(true);
    expect(riskMoved(0.69, 0.7)).toBe(true);
    expect(riskMoved(0.29, 0.3)).toBe(true);
  });

  describe(evaluateBacktest.name, () => {
    it('reports precision, recall and lift over flagging the same number by days since the last purchase', () => {
      // 10 customers, 4 churned. The model flags 3 (2 churned); by days, the 3 longest include 1 churned.
      const rows = [
        { risk: 0.9, daysSinceLastPurchase: 10, churned: true, weight: 1 },
        { risk: 0.8, daysSinceLastPurchase: 20, churned: true, weight: 1 },
        { risk: 0.75, daysSinceLastPurchase: 30, churned: false, weight: 1 },
        { risk: 0.1, daysSinceLastPurchase: 300, churned: false, weight: 1 },
        { risk: 0.1, daysSinceLastPurchase: 200, churned: true, weight: 1 },
        { risk: 0.1, daysSinceLastPurchase: 100, churned: false, weight: 1 },
        { risk: 0.2, daysSinceLastPurchase: 5, churned: true, weight: 1 },
        { risk: 0.2, daysSinceLastPurchase: 4, churned: false, weight: 3 },
      ];
      const sut = evaluateBacktest(rows, 0.7);
      expect(sut).toMatchObject({ customers: 10, churned: 4, churnRate: 0.4, flagged: 3 });
      expect(sut.precision).toBeCloseTo(2 / 3, 12);
      expect(sut.recall).toBeCloseTo(2 / 4, 12);
      expect(sut.baseline.precision).toBeCloseTo(1 / 3, 12);
      expect(sut.baseline.recall).toBeCloseTo(1 / 4, 12);
      expect(sut.lift).toBeCloseTo(2, 12);
    });

    it('shares a tie at the cut pro rata', () => {
      const rows = [
        { risk: 0.9, daysSinceLastPurchase: 1, churned: true, weight: 1 },
        { risk: 0.1, daysSinceLastPurchase: 50, churned: true, weight: 1 },
        { risk: 0.1, daysSinceLastPurchase: 50, churned: false, weight: 1 },
      ];
      // the baseline takes one of the two at 50 days: half a churner
      expect(evaluateBacktest(rows, 0.7).baseline.precision).toBeCloseTo(0.5, 12);
    });
  });
});
