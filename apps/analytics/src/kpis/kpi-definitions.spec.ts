import { intervalsOf, Kpis, type KpiFacts } from './kpi-definitions';

/** One month of a small shop, counted by hand. */
const facts: KpiFacts = {
  customersCreated: 3,
  customersAtStart: 50,
  churnedAtStart: 10, // 40 customers not churned at the start
  customersChurned: 2, // 2 / 40 = 0.05
  buyers: 8,
  repeatBuyers: 3, // 3 / 8 = 0.375
  orders: 12,
  grossRevenue: 1500, // 1500 / 12 = 125.00
  refunds: 120.5, // 1500 - 120.50 = 1379.50
  npsAnswers: 7, // 4 promoters, 1 detractor: (4 - 1) / 7 * 100 = 42.857… → 42.9
  npsPromoters: 4,
  npsDetractors: 1,
  csatRatings: 6,
  csatSatisfied: 5, // 5 / 6 = 0.8333
  slaMet: 9,
  slaBreached: 3, // 9 / 12 = 0.75
  firstResponseMinutes: [30, 5, 120, 12], // sorted 5, 12, 30, 120: (12 + 30) / 2 = 21
  followUpsDue: 4,
  followUpsOnTime: 3, // 0.75
  pointsEarned: 1000,
  pointsRedeemed: 400,
  pointsBalanceAtEnd: 2600,
  lifetimeValue: 48_213.456, // to the cent: 48213.46
};

describe(Kpis.name, () => {
  const sut = new Kpis();

  it('computes every KPI of an interval as defined', () => {
    expect(sut.all(facts)).toEqual({
      newCustomers: 3,
      activeCustomers: 8,
      churnedCustomers: 2,
      churnRate: 0.05,
      repeatPurchaseRate: 0.375,
      averageOrderValue: '125.00',
      revenue: '1379.50',
      nps: 42.9,
      csat: 0.8333,
      slaCompliance: 0.75,
      medianFirstResponseMinutes: 21,
      followUpsOnTime: 0.75,
      pointsIssued: 1000,
      pointsRedeemed: 400,
      pointsOutstanding: 2600,
      customerLifetimeValue: '48213.46',
    });
  });

  it('takes the middle value of an odd number of first responses', () => {
    expect(sut.medianFirstResponseMinutes({ ...facts, firstResponseMinutes: [7.25, 1, 3] })).toBe(3);
  });

  it('gives NPS from −100 (all detractors) to 100 (all promoters)', () => {
    expect(sut.nps({ ...facts, npsAnswers: 2, npsPromoters: 0, npsDetractors: 2 })).toBe(-100);
    expect(sut.nps({ ...facts, npsAnswers: 2, npsPromoters: 2, npsDetractors: 0 })).toBe(100);
    // passives (7–8) count in the denominator only
    expect(sut.nps({ ...facts, npsAnswers: 4, npsPromoters: 1, npsDetractors: 0 })).toBe(25);
  });

  it('says null, not 0, where there is nothing to divide by', () => {
    const empty: KpiFacts = {
      ...facts,
      customersAtStart: 0,
      churnedAtStart: 0,
      customersChurned: 0,
      buyers: 0,
      repeatBuyers: 0,
      orders: 0,
      grossRevenue: 0,
      refunds: 35,
      npsAnswers: 0,
      npsPromoters: 0,
      npsDetractors: 0,
      csatRatings: 0,
      csatSatisfied: 0,
      slaMet: 0,
      slaBreached: 0,
      firstResponseMinutes: [],
      followUpsDue: 0,
      followUpsOnTime: 0,
      lifetimeValue: null,
    };
    expect(sut.all(empty)).toMatchObject({
      churnRate: null,
      repeatPurchaseRate: null,
      averageOrderValue: null,
      revenue: '-35.00', // refunds of older purchases in an interval without sales
      nps: null,
      csat: null,
      slaCompliance: null,
      medianFirstResponseMinutes: null,
      followUpsOnTime: null,
      customerLifetimeValue: null, // no CLV model yet
    });
  });
});

describe(intervalsOf.name, () => {
  const at = (s: string) => new Date(s);

  it('cuts weeks from `from`, the last one at `to`', () => {
    expect(intervalsOf(at('2026-11-02T00:00:00+08:00'), at('2026-11-20T00:00:00+08:00'), 'week')).toEqual([
      { start: at('2026-11-02T00:00:00+08:00'), end: at('2026-11-09T00:00:00+08:00') },
      { start: at('2026-11-09T00:00:00+08:00'), end: at('2026-11-16T00:00:00+08:00') },
      { start: at('2026-11-16T00:00:00+08:00'), end: at('2026-11-20T00:00:00+08:00') },
    ]);
  });

  it('steps calendar months, whatever their length, in the offset of `from`', () => {
    expect(intervalsOf(at('2026-01-01T00:00:00+08:00'), at('2026-04-01T00:00:00+08:00'), 'month')).toEqual([
      { start: at('2026-01-01T00:00:00+08:00'), end: at('2026-02-01T00:00:00+08:00') },
      { start: at('2026-02-01T00:00:00+08:00'), end: at('2026-03-01T00:00:00+08:00') },
      { start: at('2026-03-01T00:00:00+08:00'), end: at('2026-04-01T00:00:00+08:00') },
    ]);
  });
});
