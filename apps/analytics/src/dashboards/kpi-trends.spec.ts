import type { KpiValues } from '../kpis/kpi-definitions';
import { kpiChanges } from './kpi-trends';

const previous: KpiValues = {
  newCustomers: 10,
  activeCustomers: 40,
  churnedCustomers: 0,
  churnRate: 0.05,
  repeatPurchaseRate: 0.5,
  averageOrderValue: '200.00',
  revenue: '8000.00',
  nps: 20,
  csat: 0.8,
  slaCompliance: null,
  medianFirstResponseMinutes: 30,
  followUpsOnTime: 0.75,
  pointsIssued: 1000,
  pointsRedeemed: 0,
  pointsOutstanding: 5000,
  customerLifetimeValue: '120000.00',
};

describe(kpiChanges.name, () => {
  it('gives relative changes for counts and money, differences for shares and scores', () => {
    const current: KpiValues = {
      ...previous,
      newCustomers: 15, // +50 %
      activeCustomers: 30, // −25 %
      churnedCustomers: 3, // from 0: no ratio
      churnRate: 0.02, // three points fewer
      averageOrderValue: '250.00', // +25 %
      revenue: '7000.00', // −12.5 %
      nps: 32.5, // +12.5 NPS points
      csat: 0.9, // +0.1
      slaCompliance: 0.9, // previous unknown
      medianFirstResponseMinutes: 45, // +50 %
      followUpsOnTime: 0.5, // −0.25
      customerLifetimeValue: '126000.00', // +5 %
    };
    expect(kpiChanges(current, previous)).toEqual({
      newCustomers: 0.5,
      activeCustomers: -0.25,
      churnedCustomers: null,
      churnRate: -0.03,
      repeatPurchaseRate: 0,
      averageOrderValue: 0.25,
      revenue: -0.125,
      nps: 12.5,
      csat: 0.1,
      slaCompliance: null,
      medianFirstResponseMinutes: 0.5,
      followUpsOnTime: -0.25,
      pointsIssued: 0,
      pointsRedeemed: null,
      pointsOutstanding: 0,
      customerLifetimeValue: 0.05,
    });
  });
});
