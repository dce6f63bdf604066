import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
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
  InvalidTeamName = 'invalid-team-name',
}

/**
 * The feature's one exception: its code decides the problem kind, in one exhaustive mapper. `field`
 * names the request field at fault (its message is the detail), or gives the field errors as they are.
 */
export class OwnershipException extends ProblemException {
  constructor(
    readonly code: OwnershipErrorCode,
    detail: string,
    field?: string | FieldError[],
  ) {
    super(ownershipProblemKind(code), detail, { code, ...fieldErrors(detail, field) });
  }
}

function fieldErrors(detail: string, field?: string | FieldError[]): { errors?: FieldError[] } {
  if (field === undefined || field === '') return {};
  return { errors: typeof field === 'string' ? [{ field, message: detail }] : field };
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
    case OwnershipErrorCode.InvalidTeamName:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
