import {
  SlaBreachedV1,
  SlaWarningV1,
  TicketEscalatedV1,
  type SlaEscalationAction,
  type SlaTargetKind,
} from '@rapport/contracts';
import type { PendingEvent } from '@rapport/platform-messaging';
import type { SlaTicket } from './sla.repository';

/** What a fired timer says: the ticket (not erased: it has its customer), the target, the level and when. */
export interface Firing {
  ticket: SlaTicket & { customerId: string };
  target: SlaTargetKind;
  atPercent: number;
  due: Date;
  firedAt: Date;
}

export function slaWarningEvent(firing: Firing): PendingEvent<typeof SlaWarningV1> {
  const { ticket } = firing;
  return {
    definition: SlaWarningV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      target: firing.target,
      atPercent: firing.atPercent,
      due: firing.due.toISOString(),
      priority: ticket.priority,
      queue: ticket.queue,
      assignee: ticket.assignee,
      firedAt: firing.firedAt.toISOString(),
    },
  };
}

export function slaBreachedEvent(firing: Firing): PendingEvent<typeof SlaBreachedV1> {
  const { ticket } = firing;
  return {
    definition: SlaBreachedV1,
    subject: ticket.customerId,
    data: {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      target: firing.target,
      due: firing.due.toISOString(),
      priority: ticket.priority,
      queue: ticket.queue,
      assignee: ticket.assignee,
      firedAt: firing.firedAt.toISOString(),
    },
  };
}

/** After the escalation's change: the ticket's new priority, assignee and version. */
export function ticketEscalatedEvent(
  firing: Firing,
  action: SlaEscalationAction,
  after: { priority: SlaTicket['priority']; assignee: string | null; version: number },
): PendingEvent<typeof TicketEscalatedV1> {
  return {
    definition: TicketEscalatedV1,
    subject: firing.ticket.customerId,
    data: {
      ticketId: firing.ticket.id,
      customerId: firing.ticket.customerId,
      target: firing.target,
      atPercent: firing.atPercent,
      action,
      priority: after.priority,
      assignee: after.assignee,
      version: after.version,
      firedAt: firing.firedAt.toISOString(),
    },
  };
}
