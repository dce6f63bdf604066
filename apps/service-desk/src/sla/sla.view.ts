import type { SlaPolicyView, TicketSlaView } from '@rapport/contracts';
import type { SlaPolicyRecord } from './sla.repository';
import type { SlaExplanation } from './sla.service';

export function toPolicyView(policy: SlaPolicyRecord): SlaPolicyView {
  return {
    version: policy.version,
    ...policy.document,
    updatedAt: policy.updatedAt.toISOString(),
    updatedBy: policy.updatedBy,
  };
}

const minutes = (seconds: number) => Math.round(seconds / 6) / 10;

export function toTicketSlaView(sla: SlaExplanation, priority: TicketSlaView['priority']): TicketSlaView {
  return {
    ticketId: sla.ticketId,
    policyVersion: sla.policyVersion,
    calendarId: sla.calendarId,
    calendarVersion: sla.calendarVersion,
    priority,
    tier: sla.tier,
    receivedAt: sla.format(sla.receivedAt),
    targets: sla.targets.map((t) => ({
      target: t.target,
      targetMinutes: t.targetMinutes,
      due: t.due ? sla.format(t.due) : null,
      elapsedMinutes: minutes(t.elapsedSeconds),
      remainingMinutes: minutes(t.remainingSeconds),
      state: t.state,
      stoppedAt: t.stoppedAt ? sla.format(t.stoppedAt) : null,
    })),
    pauses: sla.holds.map((h) => ({
      from: sla.format(h.from),
      to: h.to ? sla.format(h.to) : null,
      reason: h.reason,
      businessMinutes: minutes(h.businessSeconds),
    })),
    overrides: sla.overrides.map((o) => ({ date: o.date, kind: o.kind, name: o.name ?? null })),
  };
}
