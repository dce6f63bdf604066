import { addCalendarMonths } from '@rapport/platform-business-calendar';
/**
 * Every KPI of Rapport, defined once (issue 16, item 6). The repository counts facts per interval
 * [start, end) (KpiFacts); each function below turns those counts into the KPI, and its doc comment is
 * the definition the README repeats. A ratio whose denominator is zero is null ("no data"), never 0.
 *
 * Row level narrows the facts, never the formulas: for a team, customers are those of the team now
 * (customer-profile's owner and team), follow-ups and tickets those of the team; for an agent, the
 * customers they own, the follow-ups and tickets assigned to them.
 */
export interface KpiFacts {
  /** Customers created in the interval. */
  customersCreated: number;
  /** Customers known before the interval started. */
  customersAtStart: number;
  /** Customers in the churned stage when the interval started (moves into churned minus moves out). */
  churnedAtStart: number;
  /** Customers moved to the churned stage in the interval (customer-profile's lifecycle.changed). */
  customersChurned: number;
  /** Customers with at least one purchase in the interval. */
  buyers: number;
  /** Of those, the ones with at least two purchases up to the end of the interval. */
  repeatBuyers: number;
  /** Purchases in the interval and their totals in the base currency, before refunds. */
  orders: number;
  grossRevenue: number;
  /** Refunds made in the interval (whenever the purchase was), in the base currency. */
  refunds: number;
  /** NPS answers (0–10) given in the interval: 9–10 promoters, 0–6 detractors. */
  npsAnswers: number;
  npsPromoters: number;
  npsDetractors: number;
  /** CSAT ratings (1–5) given in the interval: service-desk's ticket ratings and surveys' CSAT answers. */
  csatRatings: number;
  csatSatisfied: number;
  /**
   * Tickets received in the interval with a known SLA outcome, as service-desk reported it: breached
   * (an sla.breached of either target) or met (resolved without one). Tickets still open and unbreached
   * are not counted yet.
   */
  slaMet: number;
  slaBreached: number;
  /** Minutes from receipt to the first reply of each ticket received in the interval that has one. */
  firstResponseMinutes: number[];
  /** Follow-ups whose due time fell in the interval and has passed, and of those the ones done by it. */
  followUpsDue: number;
  followUpsOnTime: number;
  /** Loyalty points movements in the interval, and every movement before its end (for the balance). */
  pointsEarned: number;
  pointsRedeemed: number;
  pointsBalanceAtEnd: number;
  /**
   * Σ over the customers with a purchase before the end of the interval of their expected value over
   * the next CLV_HORIZON_WEEKS, as of that end, under the current CLV model; null without a model.
   */
  lifetimeValue: number | null;
}

export interface KpiValues {
  newCustomers: number;
  activeCustomers: number;
  churnedCustomers: number;
  churnRate: number | null;
  repeatPurchaseRate: number | null;
  averageOrderValue: string | null;
  revenue: string;
  nps: number | null;
  csat: number | null;
  slaCompliance: number | null;
  medianFirstResponseMinutes: number | null;
  followUpsOnTime: number | null;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsOutstanding: number;
  customerLifetimeValue: string | null;
}

export const KPI_NAMES: ReadonlyArray<keyof KpiValues> = [
  'newCustomers',
  'activeCustomers',
  'churnedCustomers',
  'churnRate',
  'repeatPurchaseRate',
  'averageOrderValue',
  'revenue',
  'nps',
  'csat',
  'slaCompliance',
  'medianFirstResponseMinutes',
  'followUpsOnTime',
  'pointsIssued',
  'pointsRedeemed',
  'pointsOutstanding',
  'customerLifetimeValue',
];

/** Ratios are given to 4 decimals (0.8333), money to 2 ("1234.50"), minutes to 1. */
const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : round(numerator / denominator, 4);
const money = (value: number): string => (Math.round(value * 100) / 100).toFixed(2);
function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export class Kpis {
  /** New customers = customers created in the interval. */
  newCustomers(f: KpiFacts): number {
    return f.customersCreated;
  }

  /** Active customers = distinct customers with at least one purchase in the interval. */
  activeCustomers(f: KpiFacts): number {
    return f.buyers;
  }

  /** Churned customers = customers customer-profile moved to the churned stage in the interval. */
  churnedCustomers(f: KpiFacts): number {
    return f.customersChurned;
  }

  /**
   * Churn rate = churned customers ÷ customers at the start of the interval who were not churned then
   * (customers known before the start − those in the churned stage at the start).
   */
  churnRate(f: KpiFacts): number | null {
    return ratio(f.customersChurned, f.customersAtStart - f.churnedAtStart);
  }

  /**
   * Repeat-purchase rate = active customers with at least two purchases up to the end of the interval
   * (they bought before, or twice in it) ÷ active customers.
   */
  repeatPurchaseRate(f: KpiFacts): number | null {
    return ratio(f.repeatBuyers, f.buyers);
  }

  /** Average order value = total of the interval's purchases in the base currency (before refunds) ÷ their number. */
  averageOrderValue(f: KpiFacts): string | null {
    return f.orders === 0 ? null : money(f.grossRevenue / f.orders);
  }

  /** Revenue = purchases made in the interval − refunds made in the interval, in the base currency. */
  revenue(f: KpiFacts): string {
    return money(f.grossRevenue - f.refunds);
  }

  /** NPS = % promoters (9–10) − % detractors (0–6) among the NPS answers of the interval, −100 to 100. */
  nps(f: KpiFacts): number | null {
    if (f.npsAnswers === 0) return null;
    return round(((f.npsPromoters - f.npsDetractors) / f.npsAnswers) * 100, 1);
  }

  /** CSAT = share of the interval's 1–5 ratings that are 4 or 5 (ticket ratings and survey CSAT answers). */
  csat(f: Pick<KpiFacts, 'csatSatisfied' | 'csatRatings'>): number | null {
    return ratio(f.csatSatisfied, f.csatRatings);
  }

  /**
   * SLA compliance = tickets received in the interval that met their SLA ÷ those whose outcome is
   * known, as service-desk reported it: met = resolved with no sla.breached of either target, breached =
   * any sla.breached.
   */
  slaCompliance(f: Pick<KpiFacts, 'slaMet' | 'slaBreached'>): number | null {
    return ratio(f.slaMet, f.slaMet + f.slaBreached);
  }

  /**
   * Median first response = the median of (first reply − receipt), in minutes of elapsed time, over the
   * tickets received in the interval that were answered (service-desk's ticket.replied with first).
   */
  medianFirstResponseMinutes(f: KpiFacts): number | null {
    const sorted = [...f.firstResponseMinutes].sort((a, b) => a - b);
    if (sorted.length === 0) return null;
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return round(median, 1);
  }

  /**
   * Follow-ups done on time = follow-ups due in the interval (due time passed) completed no later than
   * their due time ÷ follow-ups due in the interval. The due time is the last one (after any snooze).
   */
  followUpsOnTime(f: Pick<KpiFacts, 'followUpsDue' | 'followUpsOnTime'>): number | null {
    return ratio(f.followUpsOnTime, f.followUpsDue);
  }

  /** Points issued = points earned in the interval. */
  pointsIssued(f: KpiFacts): number {
    return f.pointsEarned;
  }

  /** Points redeemed = points spent in the interval. */
  pointsRedeemed(f: KpiFacts): number {
    return f.pointsRedeemed;
  }

  /**
   * Outstanding points liability = points earned − redeemed − expired − reversed, over every movement
   * before the end of the interval: the points members still hold then, in points.
   */
  pointsOutstanding(f: KpiFacts): number {
    return f.pointsBalanceAtEnd;
  }

  /**
   * Customer lifetime value total = Σ over the customers with a purchase before the end of the
   * interval of E[repeat purchases in the next 52 weeks | x, t_x, T] × E[spend per purchase | x, m̄]
   * (BG/NBD and Gamma-Gamma, GET /analytics/models/clv), each customer's history taken as of the end
   * of the interval, in the base currency. The model is the current one (the latest fit) for every
   * interval; null while no fit has succeeded.
   */
  customerLifetimeValue(f: Pick<KpiFacts, 'lifetimeValue'>): string | null {
    return f.lifetimeValue === null ? null : money(f.lifetimeValue);
  }

  /** All KPIs of one interval. */
  all(f: KpiFacts): KpiValues {
    return {
      newCustomers: this.newCustomers(f),
      activeCustomers: this.activeCustomers(f),
      churnedCustomers: this.churnedCustomers(f),
      churnRate: this.churnRate(f),
      repeatPurchaseRate: this.repeatPurchaseRate(f),
      averageOrderValue: this.averageOrderValue(f),
      revenue: this.revenue(f),
      nps: this.nps(f),
      csat: this.csat(f),
      slaCompliance: this.slaCompliance(f),
      medianFirstResponseMinutes: this.medianFirstResponseMinutes(f),
      followUpsOnTime: this.followUpsOnTime(f),
      pointsIssued: this.pointsIssued(f),
      pointsRedeemed: this.pointsRedeemed(f),
      pointsOutstanding: this.pointsOutstanding(f),
      customerLifetimeValue: this.customerLifetimeValue(f),
    };
  }
}

export type KpiInterval = 'week' | 'month';

/**
 * The intervals of [from, to): consecutive weeks (7 × 24 h) or calendar months starting at `from` (a
 * month step keeps the day of month and the time, in UTC; from the 29th–31st a month ends on the
 * shorter month's last day), the last one cut at `to`.
 */
export function intervalsOf(from: Date, to: Date, interval: KpiInterval): Array<{ start: Date; end: Date }> {
  const out: Array<{ start: Date; end: Date }> = [];
  let start = from;
  for (let i = 1; start < to; i++) {
    const next = interval === 'week' ? new Date(from.getTime() + i * 7 * 86_400_000) : addCalendarMonths(from, i);
    const end = next < to ? next : to;
    out.push({ start, end });
    start = end;
  }
  return out;
}
