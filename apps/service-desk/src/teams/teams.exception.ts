import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a team request; the code travels in the problem+json as `code`. */
export enum TeamsErrorCode {
  TeamNotFound = 'team-not-found',
  AdminsOnly = 'team-admins-only',
}

export class TeamsException extends ProblemException {
  constructor(
    readonly code: TeamsErrorCode,
    detail: string,
  ) {
    super(kindOf(code), detail, { code });
  }
}

function kindOf(code: TeamsErrorCode) {
  switch (code) {
    case TeamsErrorCode.TeamNotFound:
      return 'notFound' as const;
    case TeamsErrorCode.AdminsOnly:
      return 'forbidden' as const;
    default:
      return assertUnreachable(code);
  }
}
