import type { SlaFilter } from '@rapport/contracts';
import type { TicketVisibility } from './ticket-visibility';

/** SQL fragments of tickets that the list and the team stats share. */

/** The SLA filters of the list, on open tickets (neither resolved nor closed). */
export const SLA_FILTER_SQL: Record<SlaFilter, string> = {
  breached: `t.status NOT IN ('resolved', 'closed') AND (t.sla_due_at <= now()
    OR EXISTS (SELECT 1 FROM service_desk.ticket_sla s WHERE s.ticket_id = t.id AND s.breached))`,
  'at-risk': `t.status NOT IN ('resolved', 'closed') AND t.sla_due_at > now()
    AND EXISTS (SELECT 1 FROM service_desk.ticket_sla s
                 WHERE s.ticket_id = t.id AND NOT s.breached AND (s.warned OR s.risk_at <= now()))`,
};

/** Appends the row-level rule for `alias` to `params`; a caller who may see nothing gets `false`. */
export function visibilitySql(visibility: TicketVisibility, params: unknown[], alias = 't'): string {
  switch (visibility.kind) {
    case 'all':
      return 'true';
    case 'team':
      params.push(visibility.team);
      return `${alias}.team = $${params.length}`;
    case 'assigned-or-team-pool':
      // the unassigned tickets of the team, and those of the queues the agent is a member of
      params.push(visibility.user, visibility.team);
      return `(${alias}.assignee = $${params.length - 1} OR (${alias}.assignee IS NULL AND (${alias}.team = $${params.length}
        OR ${alias}.queue IN (SELECT q.name FROM service_desk.queues q WHERE $${params.length - 1} = ANY(q.members)))))`;
    case 'none':
      return 'false';
  }
}
