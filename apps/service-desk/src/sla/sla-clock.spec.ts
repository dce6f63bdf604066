import { TICKET_PRIORITIES } from '@rapport/contracts';
import { chinaStandardCalendar, compileBusinessCalendar, toCalendarIso } from '@rapport/platform-business-calendar';
import {
  clockInstant,
  policyIssues,
  slaStatus,
  slaTierOf,
  targetCell,
  type SlaClockInput,
  type SlaHold,
  type SlaPolicyDocument,
} from './sla-clock';

/**
 * The SLA clock on china-standard (09:00–12:00 and 13:30–18:00, 450 working minutes a day) across the
 * 2026 Spring Festival: holidays 15–23 February, make-up working Saturdays 14 and 28 February.
 */
describe('SLA clock across the 2026 Spring Festival', () => {
  const calendar = compileBusinessCalendar(chinaStandardCalendar({ from: 2026, to: 2026 }));
  const at = (local: string) => new Date(`${local}+08:00`);
  const iso = (date: Date | null) => (date ? toCalendarIso(calendar, date) : null);
  const base: SlaClockInput = {
    receivedAt: at('2026-02-13T17:00:00'),
    holds: [],
    firstRepliedAt: null,
    firstResponseMinutes: 60,
    resolutionMinutes: 480,
  };
  const pending = (from: string, to: string | null): SlaHold => ({
    from: at(from),
    to: to ? at(to) : null,
    reason: 'pending-customer',
  });

  it('counts working time only: Friday evening, then the make-up Saturday', () => {
    const [first, resolution] = slaStatus(calendar, base, at('2026-02-13T17:10:00'));
    expect(iso(first!.due)).toBe('2026-02-13T18:00:00+08:00');
    expect(iso(resolution!.due)).toBe('2026-02-14T17:30:00+08:00');
    expect(first).toMatchObject({ state: 'running', elapsedSeconds: 600, remainingSeconds: 3000 });
  });

  it('shifts the due time by the working time spent pending the customer, across the holidays', () => {
    const input = { ...base, holds: [pending('2026-02-14T10:00:00', '2026-02-24T10:00:00')] };
    const [, resolution] = slaStatus(calendar, input, at('2026-02-24T11:00:00'));
    // 120 minutes before the pause, 360 after it: the pause took 450 working minutes (none in the holidays)
    expect(iso(resolution!.due)).toBe('2026-02-24T17:30:00+08:00');
    expect(resolution).toMatchObject({ state: 'running', elapsedSeconds: 180 * 60 });
  });

  it('has no due time while paused, and counts no time in the pause', () => {
    const input = { ...base, holds: [pending('2026-02-14T10:00:00', null)] };
    const [, resolution] = slaStatus(calendar, input, at('2026-02-24T12:00:00'));
    expect(resolution).toMatchObject({ state: 'paused', due: null, elapsedSeconds: 120 * 60 });
  });

  it('a pause after the due time does not move it', () => {
    const input = { ...base, holds: [pending('2026-02-24T10:00:00', '2026-02-25T10:00:00')] };
    const [, resolution] = slaStatus(calendar, input, at('2026-02-26T10:00:00'));
    expect(iso(resolution!.due)).toBe('2026-02-14T17:30:00+08:00');
    expect(resolution!.state).toBe('breached');
  });

  it('stops the resolution clock on resolution, and the closed period does not count after a reopening', () => {
    const holds = [pending('2026-02-14T10:00:00', '2026-02-24T10:00:00')];
    const resolved: SlaHold = { from: at('2026-02-24T16:00:00'), to: null, reason: 'resolved' };
    const [, met] = slaStatus(calendar, { ...base, holds: [...holds, resolved] }, at('2026-02-26T09:00:00'));
    expect(met).toMatchObject({ state: 'met', elapsedSeconds: 390 * 60, remainingSeconds: 90 * 60 });
    expect(iso(met!.stoppedAt)).toBe('2026-02-24T16:00:00+08:00');

    const reopened = { ...resolved, to: at('2026-02-26T10:00:00') };
    const [, running] = slaStatus(calendar, { ...base, holds: [...holds, reopened] }, at('2026-02-26T10:30:00'));
    expect(iso(running!.due)).toBe('2026-02-26T11:30:00+08:00');
    expect(running).toMatchObject({ state: 'running', elapsedSeconds: 420 * 60 });
  });

  it('meets the first-response target with the first reply in time, and breaches it after', () => {
    const [met] = slaStatus(
      calendar,
      { ...base, firstRepliedAt: at('2026-02-13T18:00:00') },
      at('2026-02-24T09:00:00'),
    );
    expect(met!.state).toBe('met');
    const [late] = slaStatus(
      calendar,
      { ...base, firstRepliedAt: at('2026-02-14T09:30:00') },
      at('2026-02-24T09:00:00'),
    );
    expect(late).toMatchObject({ state: 'breached', elapsedSeconds: 90 * 60 });
    // a pause after the reply does not touch the first-response clock
    const [replied] = slaStatus(
      calendar,
      { ...base, firstRepliedAt: at('2026-02-13T17:30:00'), holds: [pending('2026-02-13T17:40:00', null)] },
      at('2026-02-24T09:00:00'),
    );
    expect(replied).toMatchObject({ state: 'met', elapsedSeconds: 30 * 60 });
    expect(iso(replied!.due)).toBe('2026-02-13T18:00:00+08:00');
  });

  it('places an escalation level at its percent of the target', () => {
    // 80 % of 480 minutes: 384 minutes, 60 on Friday and 324 on the make-up Saturday
    expect(iso(clockInstant(calendar, base.receivedAt, [], 384 * 60))).toBe('2026-02-14T15:54:00+08:00');
  });
});

describe('SLA policy cells', () => {
  const policy: SlaPolicyDocument = {
    calendarId: '6f1c2b7e-4d3a-4e8b-9c1d-2a5e8f0b3c71',
    targets: TICKET_PRIORITIES.flatMap((priority) => [
      { priority, tier: 'none' as const, firstResponseMinutes: 60, resolutionMinutes: 600 },
      { priority, tier: 'VIP' as const, firstResponseMinutes: 15, resolutionMinutes: 240 },
    ]),
    escalations: [{ atPercent: 80, target: 'resolution', action: 'notify' }],
  };

  it('takes VIP before the value tier, and the none cell as the fallback', () => {
    expect(slaTierOf({ vip: true, valueTier: 'B' })).toBe('VIP');
    expect(slaTierOf({ vip: false, valueTier: null })).toBe('none');
    expect(targetCell(policy, 'high', 'VIP').firstResponseMinutes).toBe(15);
    expect(targetCell(policy, 'high', 'B').firstResponseMinutes).toBe(60);
  });

  it('names a missing fallback, a cell twice and a level twice', () => {
    expect(policyIssues(policy, TICKET_PRIORITIES)).toEqual([]);
    const bad: SlaPolicyDocument = {
      ...policy,
      targets: [...policy.targets.filter((t) => !(t.priority === 'low' && t.tier === 'none')), policy.targets[1]!],
      escalations: [...policy.escalations, ...policy.escalations],
    };
    expect(policyIssues(bad, TICKET_PRIORITIES)).toEqual([
      'targets[7]: a second cell for priority low and tier VIP',
      'targets: priority low has no tier none cell (the fallback of every tier without its own)',
      'escalations[1]: a second level at 80 % of resolution',
    ]);
  });
});
