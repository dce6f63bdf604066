import type { SlaTargetStatus } from '../sla/sla-clock';

/** One SLA target over a cohort of tickets: how many met it, missed it, are still on it; the median time to it. */
export interface TargetStats {
  met: number;
  breached: number;
  pending: number;
  compliancePercent: number | null;
  medianBusinessMinutes: number | null;
}

/**
 * Tallies one target's statuses (each computed by the SLA clock at the same instant). Met and breached
 * are decided; running and paused are pending, unless the clock already ran past the due time (a breach
 * that no reply can undo). The median is of the business minutes to the stop (the first reply, the
 * resolution), over the tickets that got there.
 */
export function targetStats(statuses: readonly SlaTargetStatus[]): TargetStats {
  let met = 0;
  let breached = 0;
  let pending = 0;
  const minutes: number[] = [];
  for (const status of statuses) {
    if (status.state === 'met') met += 1;
    else if (status.state === 'breached') breached += 1;
    else pending += 1;
    if (status.stoppedAt !== null) minutes.push(status.elapsedSeconds / 60);
  }
  const median_ = median(minutes);
  return {
    met,
    breached,
    pending,
    compliancePercent: percent(met, met + breached),
    medianBusinessMinutes: median_ === null ? null : round(median_, 1),
  };
}

/** The median (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** part / whole × 100 to one decimal; null when whole is 0. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : round((part / whole) * 100, 1);
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
