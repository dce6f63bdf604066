import { TICKET_STATUSES, type TicketStatus } from '@rapport/contracts';
import fc from 'fast-check';
import { TicketProcess, type TicketProcessState } from './ticket-process';

const DAY_MS = 86_400_000;
const now = new Date('2026-12-04T10:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
const state = (status: TicketStatus, resolvedAt: Date | null = null): TicketProcessState => ({ status, resolvedAt });

describe(TicketProcess.name, () => {
  const sut = new TicketProcess(14);

  it('takes a complaint from received to closed along the main path', () => {
    const path: TicketStatus[] = ['received', 'acknowledged', 'investigating', 'resolved', 'closed'];
    for (let i = 0; i < path.length - 1; i++) {
      expect(sut.decide(state(path[i]!, daysAgo(1)), path[i + 1]!, now)).toEqual({ kind: 'move', to: path[i + 1] });
    }
  });

  it('waits for the customer from acknowledged or investigating, and goes back to investigating', () => {
    expect(sut.decide(state('acknowledged'), 'pending-customer', now).kind).toBe('move');
    expect(sut.decide(state('investigating'), 'pending-customer', now).kind).toBe('move');
    expect(sut.allowed(state('pending-customer'), now)).toEqual(['investigating']);
  });

  it('reopens a resolved ticket within the window, which then continues to investigating', () => {
    expect(sut.decide(state('resolved', daysAgo(13.9)), 'reopened', now)).toEqual({ kind: 'move', to: 'reopened' });
    expect(sut.allowed(state('reopened'), now)).toEqual(['investigating']);
  });

  it('refuses a reopening after the window, listing what is still allowed', () => {
    expect(sut.decide(state('resolved', daysAgo(14)), 'reopened', now)).toEqual({
      kind: 'refuse',
      allowed: ['closed'],
    });
  });

  it('never reopens with a window of 0 days', () => {
    expect(new TicketProcess(0).allowed(state('resolved', now), now)).toEqual(['closed']);
  });

  it('refuses every move from closed, with nothing allowed', () => {
    for (const to of TICKET_STATUSES)
      expect(sut.decide(state('closed'), to, now)).toEqual({ kind: 'refuse', allowed: [] });
  });

  it('refuses a skip, such as received straight to resolved, listing the allowed targets', () => {
    expect(sut.decide(state('received'), 'resolved', now)).toEqual({ kind: 'refuse', allowed: ['acknowledged'] });
  });

  it('acknowledges a received ticket on its first reply, leaves other statuses and refuses replies once closed', () => {
    expect(sut.afterReply('received')).toBe('acknowledged');
    expect(sut.afterReply('investigating')).toBe('investigating');
    expect(sut.afterReply('pending-customer')).toBe('pending-customer');
    expect(sut.afterReply('closed')).toBeNull();
  });

  describe('properties', () => {
    const status = fc.constantFrom(...TICKET_STATUSES);
    const age = fc.double({ min: 0, max: 60, noNaN: true });

    it('allows a move exactly when the target is among the allowed ones, and never into received', () => {
      fc.assert(
        fc.property(status, status, age, (from, to, days) => {
          const s = state(from, daysAgo(days));
          const decision = sut.decide(s, to, now);
          const allowed = sut.allowed(s, now);
          expect(decision.kind === 'move').toBe(allowed.includes(to));
          if (decision.kind === 'refuse') expect(decision.allowed).toEqual(allowed);
          expect(allowed).not.toContain('received');
        }),
      );
    });

    it('walks any sequence of allowed moves without leaving the process: closed is final, resolved comes before closed', () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 40 }), fc.array(age, { maxLength: 40 }), (picks, ages) => {
          let current: TicketProcessState = state('received');
          const visited: TicketStatus[] = ['received'];
          picks.forEach((pick, i) => {
            const clock = new Date(now.getTime() + i * DAY_MS);
            const allowed = sut.allowed(current, clock);
            if (allowed.length === 0) return;
            const to = allowed[pick % allowed.length]!;
            const resolvedAt =
              to === 'resolved' ? new Date(clock.getTime() - (ages[i] ?? 0) * DAY_MS) : current.resolvedAt;
            current = state(to, to === 'reopened' ? null : resolvedAt);
            visited.push(to);
          });
          const closedAt = visited.indexOf('closed');
          if (closedAt >= 0) {
            expect(closedAt).toBe(visited.length - 1);
            expect(visited[closedAt - 1]).toBe('resolved');
          }
          for (let i = 1; i < visited.length; i++) {
            if (visited[i] === 'reopened') expect(visited[i - 1]).toBe('resolved');
          }
        }),
      );
    });

    it('refuses a reopening exactly when the resolution is at least the window old', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 60 }), age, (window, days) => {
          // a Date holds whole milliseconds: the age is what the resolution time really says
          const resolvedAt = daysAgo(days);
          const allowed = new TicketProcess(window).allowed(state('resolved', resolvedAt), now);
          const ageMs = now.getTime() - resolvedAt.getTime();
          expect(allowed.includes('reopened')).toBe(window > 0 && ageMs < window * DAY_MS);
        }),
      );
    });
  });
});
