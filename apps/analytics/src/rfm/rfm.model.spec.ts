import {
  quintileCuts,
  recencyDays,
  scoreCustomer,
  scoreHigherIsBetter,
  scoreLowerIsBetter,
  scoringCuts,
  tierCut,
  tierOf,
} from './rfm.model';

describe('rfm.model', () => {
  describe(quintileCuts.name, () => {
    it('takes the 20/40/60/80th percentiles as PostgreSQL percentile_disc does', () => {
      expect(quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([2, 4, 6, 8]);
      expect(quintileCuts([10, 20])).toEqual([10, 10, 20, 20]);
      expect(quintileCuts([7])).toEqual([7, 7, 7, 7]);
    });
    it('is null for nobody', () => {
      expect(quintileCuts([])).toBeNull();
    });
  });

  describe('scores', () => {
    it('scores 1 to 5 across ten distinct values, two per quintile', () => {
      const cuts = quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!;
      expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => scoreHigherIsBetter(v, cuts))).toEqual([
        1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
      ]);
      // recency: fewer days is better
      expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => scoreLowerIsBetter(v, cuts))).toEqual([
        5, 5, 4, 4, 3, 3, 2, 2, 1, 1,
      ]);
    });
    it('gives ties the same score', () => {
      const cuts = quintileCuts([1, 1, 1, 5, 5, 5, 9, 9, 9, 9])!;
      const scores = [1, 1, 1, 5, 5, 5, 9, 9, 9, 9].map((v) => scoreHigherIsBetter(v, cuts));
      expect(new Set(scores.slice(0, 3)).size).toBe(1);
      expect(new Set(scores.slice(3, 6)).size).toBe(1);
      expect(new Set(scores.slice(6)).size).toBe(1);
      // cut points 1, 5, 5, 9
      expect(scores).toEqual([1, 1, 1, 2, 2, 2, 4, 4, 4, 4]);
    });
    it('scores everyone alike when all are equal: 1 for frequency and value, 5 for recency (all bought today)', () => {
      const cuts = quintileCuts([3, 3, 3, 3])!;
      expect(scoreHigherIsBetter(3, cuts)).toBe(1);
      expect(scoreLowerIsBetter(3, cuts)).toBe(5);
    });
    it('gives ties in recency the higher score', () => {
      const cuts = quintileCuts([0, 0, 0, 0, 0, 0, 0, 0, 30, 60])!;
      expect(cuts).toEqual([0, 0, 0, 0]);
      expect([0, 30, 60].map((v) => scoreLowerIsBetter(v, cuts))).toEqual([5, 1, 1]);
    });
    it('scores a value beyond every cut point of the run 5 and below all 1', () => {
      const cuts = quintileCuts([10, 20, 30, 40, 50])!;
      expect(scoreHigherIsBetter(1_000, cuts)).toBe(5);
      expect(scoreHigherIsBetter(-50, cuts)).toBe(1);
    });
  });

  describe(tierCut.name, () => {
    it('makes A the customers making the top 80 % of value, B up to 95 %', () => {
      // total 100: 50 (before 0) A, 30 (before 50) A, 15 (before 80) B, 4 (before 95) C, 1 C
      const cut = tierCut([50, 30, 15, 4, 1], 0.8, 0.95);
      expect(cut).toEqual({ aShare: 0.8, bShare: 0.95, totalValue: 100, aMinValue: 30, bMinValue: 15 });
      expect([50, 30, 15, 4, 1].map((v) => tierOf(v, cut))).toEqual(['A', 'A', 'B', 'C', 'C']);
    });
    it('follows the configured shares', () => {
      const cut = tierCut([50, 30, 15, 4, 1], 0.5, 0.6);
      expect([50, 30, 15, 4, 1].map((v) => tierOf(v, cut))).toEqual(['A', 'B', 'C', 'C', 'C']);
    });
    it('puts customers of equal value in the same tier', () => {
      const cut = tierCut([40, 20, 20, 20], 0.6, 0.9);
      expect([40, 20, 20, 20].map((v) => tierOf(v, cut))).toEqual(['A', 'A', 'A', 'A']);
    });
    it('makes a single customer with value A', () => {
      expect(tierOf(10, tierCut([10], 0.8, 0.95))).toBe('A');
    });
    it('never places zero or negative value (refunds beyond purchases) above C, and does not fail on it', () => {
      const cut = tierCut([-30, 0, 10], 0.8, 0.95);
      expect(cut.totalValue).toBe(10);
      expect([-30, 0, 10].map((v) => tierOf(v, cut))).toEqual(['C', 'C', 'A']);
      const nobody = tierCut([-5, 0], 0.8, 0.95);
      expect(nobody).toMatchObject({ totalValue: 0, aMinValue: null, bMinValue: null });
      expect(tierOf(-5, nobody)).toBe('C');
      expect(tierOf(3, nobody)).toBe('C');
    });
    it('refuses shares out of order', () => {
      expect(() => tierCut([1], 0.9, 0.8)).toThrow(RangeError);
      expect(() => tierCut([1], 0, 0.8)).toThrow(RangeError);
    });
  });

  describe(scoreCustomer.name, () => {
    it('scores a small customer base as a hand computation does', () => {
      const base = [
        { recencyDays: 1, frequency: 5, monetary: 500 },
        { recencyDays: 10, frequency: 3, monetary: 300 },
        { recencyDays: 30, frequency: 2, monetary: 150 },
        { recencyDays: 90, frequency: 1, monetary: 40 },
        { recencyDays: 200, frequency: 1, monetary: 10 },
      ];
      const cuts = scoringCuts(base, 0.8, 0.95)!;
      expect(cuts.recencyDays).toEqual([1, 10, 30, 90]);
      expect(cuts.frequency).toEqual([1, 1, 2, 3]);
      expect(cuts.monetary).toEqual([10, 40, 150, 300]);
      // value before each, of 1000: 500 → 0 (A), 300 → 500 (A), 150 → 800 (B), 40 → 950 (C), 10 → 990 (C)
      expect(base.map((c) => scoreCustomer(c, cuts))).toEqual([
        { recency: 5, frequency: 5, monetary: 5, valueTier: 'A' },
        { recency: 4, frequency: 4, monetary: 4, valueTier: 'A' },
        { recency: 3, frequency: 3, monetary: 3, valueTier: 'B' },
        { recency: 2, frequency: 1, monetary: 2, valueTier: 'C' },
        { recency: 1, frequency: 1, monetary: 1, valueTier: 'C' },
      ]);
    });
    it('has no cut points for nobody', () => {
      expect(scoringCuts([], 0.8, 0.95)).toBeNull();
    });
  });

  describe(recencyDays.name, () => {
    it('counts whole days and never goes below zero', () => {
      const now = new Date('2026-12-04T12:00:00Z');
      expect(recencyDays(new Date('2026-12-04T00:00:00Z'), now)).toBe(0);
      expect(recencyDays(new Date('2026-12-01T11:00:00Z'), now)).toBe(3);
      expect(recencyDays(new Date('2026-12-05T00:00:00Z'), now)).toBe(0);
    });
  });
});
