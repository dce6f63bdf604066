import type { SlaTargetStatus } from '../sla/sla-clock';
import { median, percent, targetStats } from './team-stats';

const status = (state: SlaTargetStatus['state'], elapsedMinutes: number, stopped: boolean): SlaTargetStatus => ({
  target: 'first-response',
  targetMinutes: 60,
  due: state === 'paused' ? null : new Date('2026-12-01T10:00:00Z'),
  elapsedSeconds: elapsedMinutes * 60,
  remainingSeconds: (60 - elapsedMinutes) * 60,
  state,
  stoppedAt: stopped ? new Date('2026-12-01T09:30:00Z') : null,
});

describe('team stats', () => {
  it('counts met, breached and pending targets and the compliance of the decided ones', () => {
    const stats = targetStats([
      status('met', 20, true),
      status('met', 50, true),
      status('breached', 75, true),
      status('breached', 90, false),
      status('running', 10, false),
      status('paused', 5, false),
    ]);
    expect(stats).toEqual({
      met: 2,
      breached: 2,
      pending: 2,
      compliancePercent: 50,
      // to the stop only: 20, 50 and 75 minutes
      medianBusinessMinutes: 50,
    });
  });

  it('has no compliance and no median before anything is decided', () => {
    expect(targetStats([status('running', 10, false)])).toEqual({
      met: 0,
      breached: 0,
      pending: 1,
      compliancePercent: null,
      medianBusinessMinutes: null,
    });
  });

  it('takes the mean of the middle two for an even count and rounds percentages to one decimal', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(0, 0)).toBeNull();
  });
});
