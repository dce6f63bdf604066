import { ProblemException } from '@rapport/platform-http';

/** What can stop a change of owner or team; the code travels in the problem+json as `code`. */
export enum OwnershipErrorCode {
  NotAllowed = 'ownership-not-allowed',
  AlreadyOwner = 'already-owner',
  AlreadyInPool = 'already-in-pool',
  NotInPool = 'not-in-pool',
  HoldingCapReached = 'holding-cap-reached',
  NoTeamMemberAvailable = 'no-team-member-available',
  TeamNotFound = 'team-not-found',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class OwnershipException extends ProblemException {
  constructor(
    readonly code: OwnershipErrorCode,
    detail: string,
    field?: string,
  ) {
    super(ownershipProblemKind(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

export function ownershipProblemKind(code: OwnershipErrorCode) {
  switch (code) {
    case OwnershipErrorCode.NotAllowed:
      return 'forbidden' as const;
    case OwnershipErrorCode.AlreadyOwner:
    case OwnershipErrorCode.AlreadyInPool:
    case OwnershipErrorCode.NotInPool:
      return 'conflict' as const;
    case OwnershipErrorCode.HoldingCapReached:
    case OwnershipErrorCode.NoTeamMemberAvailable:
      return 'unprocessable' as const;
    case OwnershipErrorCode.TeamNotFound:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled ownership error code ${String(value)}`);
}
