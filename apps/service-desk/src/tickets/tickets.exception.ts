import type { TicketStatus } from '@rapport/contracts';
import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a ticket request; the code travels in the problem+json as `code`. */
export enum TicketsErrorCode {
  TicketNotFound = 'ticket-not-found',
  CustomerUnknown = 'customer-unknown',
  TransitionNotAllowed = 'transition-not-allowed',
  TicketClosed = 'ticket-closed',
  StaleVersion = 'stale-version',
  ReceivedInFuture = 'received-in-future',
  TeamRequired = 'team-required',
  TeamNotYours = 'team-not-yours',
  InvalidCursor = 'invalid-cursor',
  NotNullable = 'not-nullable',
  CsatLinkInvalid = 'csat-link-invalid',
  CsatAlreadySubmitted = 'csat-already-submitted',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class TicketsException extends ProblemException {
  constructor(
    readonly code: TicketsErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  /** An error that names the request field at fault (problem+json `errors`). */
  static onField(code: TicketsErrorCode, detail: string, field: string): TicketsException {
    return new TicketsException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: TicketsErrorCode) {
  switch (code) {
    case TicketsErrorCode.TicketNotFound:
      return 'notFound' as const;
    // Well-formed requests that cannot be carried out (the document cannot state these rules): 422.
    case TicketsErrorCode.CustomerUnknown:
    case TicketsErrorCode.TeamNotYours:
    case TicketsErrorCode.ReceivedInFuture:
    case TicketsErrorCode.TeamRequired:
      return 'unprocessable' as const;
    case TicketsErrorCode.CsatLinkInvalid:
      return 'forbidden' as const;
    case TicketsErrorCode.TransitionNotAllowed:
    case TicketsErrorCode.TicketClosed:
    case TicketsErrorCode.CsatAlreadySubmitted:
      return 'conflict' as const;
    case TicketsErrorCode.StaleVersion:
      return 'preconditionFailed' as const;
    case TicketsErrorCode.InvalidCursor:
    case TicketsErrorCode.NotNullable:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}

export function ticketNotFound(id: string): TicketsException {
  return new TicketsException(TicketsErrorCode.TicketNotFound, `Ticket ${id} was not found`);
}

/** 409 with the moves the process allows from where the ticket stands. */
export function transitionNotAllowed(id: string, from: TicketStatus, to: TicketStatus, allowed: TicketStatus[]) {
  return new TicketsException(
    TicketsErrorCode.TransitionNotAllowed,
    `Ticket ${id} is ${from}: it cannot move to ${to}` +
      (allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'),
    { ticketStatus: from, to, allowed },
  );
}
