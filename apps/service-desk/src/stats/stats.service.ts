import { Injectable } from '@nestjs/common';
import {
  STATS_WINDOW_DAYS_DEFAULT,
  STATS_WINDOW_DAYS_MAX,
  type ServiceDeskStatsQuery,
  type ServiceDeskStatsView,
} from '@rapport/contracts';
import type { CompiledBusinessCalendar } from '@rapport/platform-business-calendar';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { CalendarsService } from '../calendars/calendars.service';
import { slaStatus, type SlaTargetStatus } from '../sla/sla-clock';
import { ticketVisibility } from '../tickets/ticket-visibility';
import { StatsErrorCode, StatsException } from './stats.exception';
import { StatsRepository, type StatsScope } from './stats.repository';
import { percent, round, targetStats } from './team-stats';

const DAY_MS = 86_400_000;

/**
 * A team's service figures: the open backlog now, and for the tickets received in a window their SLA
 * compliance and median times in business time (each on its own SLA calendar, pauses excepted, by the
 * same clock as GET /tickets/{id}/sla), and the ratings given in it. Row level as the ticket list's.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly calendars: CalendarsService,
  ) {}

  async teamStats(query: ServiceDeskStatsQuery, caller: CallerIdentity): Promise<ServiceDeskStatsView> {
    const now = new Date();
    const visibility = ticketVisibility(caller);
    if (query.team !== undefined && visibility.kind !== 'all' && query.team !== caller.team)
      throw new StatsException(
        StatsErrorCode.TeamNotYours,
        `team ${query.team} is not the caller's team; managers and agents see their own team's figures`,
        'team',
      );
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - STATS_WINDOW_DAYS_DEFAULT * DAY_MS);
    if (from.getTime() >= to.getTime())
      throw new StatsException(StatsErrorCode.WindowInvalid, 'from must be before to', 'from');
    if (to.getTime() - from.getTime() > STATS_WINDOW_DAYS_MAX * DAY_MS)
      throw new StatsException(
        StatsErrorCode.WindowInvalid,
        `the window is longer than ${STATS_WINDOW_DAYS_MAX} days: ask for a shorter one`,
        'to',
      );
    const scope: StatsScope = { visibility, team: query.team };
    const [open, cohort, csat] = await Promise.all([
      this.stats.open(scope, now),
      this.stats.cohort(scope, from, to),
      this.stats.csat(scope, from, to),
    ]);

    const compiled = new Map<string, CompiledBusinessCalendar>();
    const firstResponse: SlaTargetStatus[] = [];
    const resolution: SlaTargetStatus[] = [];
    for (const ticket of cohort) {
      if (!ticket.sla) continue;
      let calendar = compiled.get(ticket.sla.calendarId);
      if (!calendar) {
        calendar = (await this.calendars.compiled(ticket.sla.calendarId)).compiled;
        compiled.set(ticket.sla.calendarId, calendar);
      }
      const [first, resolved] = slaStatus(
        calendar,
        {
          receivedAt: ticket.receivedAt,
          holds: ticket.sla.holds,
          firstRepliedAt: ticket.firstRepliedAt,
          firstResponseMinutes: ticket.sla.firstResponseMinutes,
          resolutionMinutes: ticket.sla.resolutionMinutes,
        },
        now,
      ) as [SlaTargetStatus, SlaTargetStatus];
      // a ticket resolved without a reply waits for none: its first-response target is not counted
      const closedUnanswered =
        (ticket.status === 'resolved' || ticket.status === 'closed') && ticket.firstRepliedAt === null;
      if (!closedUnanswered) firstResponse.push(first);
      resolution.push(resolved);
    }

    return {
      team: query.team ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      asOf: now.toISOString(),
      open: {
        total: open.total,
        byStatus: open.byStatus,
        atRisk: open.atRisk,
        breached: open.breached,
        oldestReceivedAt: open.oldestReceivedAt?.toISOString() ?? null,
        medianAgeMinutes: open.medianAgeSeconds === null ? null : round(open.medianAgeSeconds / 60, 1),
      },
      received: cohort.length,
      firstResponse: targetStats(firstResponse),
      resolution: targetStats(resolution),
      csat: {
        responses: csat.responses,
        averageRating: csat.average === null ? null : round(csat.average, 2),
        satisfiedPercent: percent(csat.satisfied, csat.responses),
      },
    };
  }
}
