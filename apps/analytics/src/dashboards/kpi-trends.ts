import type { KpiValues } from '../kpis/kpi-definitions';

/** KPIs that are shares or scores: their trend is the difference, not a ratio of ratios. */
const DIFFERENCE: ReadonlySet<keyof KpiValues> = new Set([
  'churnRate',
  'repeatPurchaseRate',
  'nps',
  'csat',
  'slaCompliance',
  'followUpsOnTime',
]);

/**
 * This period against the one before, per KPI: for counts, money and durations the relative change
 * ((current − previous) ÷ |previous|, 0.12 = +12 %), for shares and scores the difference (0.05 = five
 * points more, NPS in NPS points). Null when either value is null, or the previous count is 0.
 */
export function kpiChanges(current: KpiValues, previous: KpiValues): Record<keyof KpiValues, number | null> {
  const out = {} as Record<keyof KpiValues, number | null>;
  for (const name of Object.keys(current) as Array<keyof KpiValues>) {
    const [now, before] = [toNumber(current[name]), toNumber(previous[name])];
    if (now === null || before === null) out[name] = null;
    else if (DIFFERENCE.has(name)) out[name] = round(now - before, name === 'nps' ? 1 : 4);
    else out[name] = before === 0 ? null : round((now - before) / Math.abs(before), 4);
  }
  return out;
}

function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
