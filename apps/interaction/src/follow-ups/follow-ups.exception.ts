import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a follow-up request; the code travels in the problem+json as `code`. */
export enum FollowUpsErrorCode {
  FollowUpNotFound = 'follow-up-not-found',
  CustomerUnknown = 'customer-unknown',
  AlreadyDone = 'follow-up-done',
  TeamRequired = 'team-required',
  TeamNotYours = 'team-not-yours',
  AssigneeNotYou = 'assignee-not-you',
  DueTooFar = 'due-too-far',
  DueTooEarly = 'due-too-early',
  SnoozeInPast = 'snooze-in-past',
  SnoozeAmbiguous = 'snooze-ambiguous',
  InvalidCursor = 'invalid-cursor',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class FollowUpsException extends ProblemException {
  constructor(
    readonly code: FollowUpsErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  /** An error that names the request field at fault (problem+json `errors`). */
  static onField(code: FollowUpsErrorCode, detail: string, field: string): FollowUpsException {
    return new FollowUpsException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: FollowUpsErrorCode) {
  switch (code) {
    case FollowUpsErrorCode.FollowUpNotFound:
      return 'notFound' as const;
    // Well-formed requests that cannot be carried out (the document cannot state these rules): 422.
    case FollowUpsErrorCode.CustomerUnknown:
    case FollowUpsErrorCode.TeamRequired:
    case FollowUpsErrorCode.TeamNotYours:
    case FollowUpsErrorCode.AssigneeNotYou:
    case FollowUpsErrorCode.DueTooFar:
    case FollowUpsErrorCode.DueTooEarly:
    case FollowUpsErrorCode.SnoozeInPast:
      return 'unprocessable' as const;
    case FollowUpsErrorCode.AlreadyDone:
      return 'conflict' as const;
    case FollowUpsErrorCode.SnoozeAmbiguous:
    case FollowUpsErrorCode.InvalidCursor:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}

export function followUpNotFound(id: string): FollowUpsException {
  return new FollowUpsException(FollowUpsErrorCode.FollowUpNotFound, `Follow-up ${id} was not found`);
}
