import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a KPI or dashboard request; the code travels in the problem+json as `code`. */
export enum KpisErrorCode {
  /** A manager or agent named a team that is not theirs (as service-desk's stats answer it: 422). */
  TeamNotYours = 'team-not-yours',
  /** from is not before to, or the window holds too many intervals. */
  WindowInvalid = 'window-invalid',
  /** A view the caller's role may not see (an agent asking for the executive dashboard). */
  RoleNotAllowed = 'role-not-allowed',
  /** A caller seeing every team asked for the manager view without naming a team. */
  TeamRequired = 'team-required',
}

export class KpisException extends ProblemException {
  constructor(
    readonly code: KpisErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: KpisErrorCode) {
  switch (code) {
    case KpisErrorCode.RoleNotAllowed:
      return 'forbidden' as const;
    // well-formed requests the document cannot rule out: 422
    case KpisErrorCode.TeamNotYours:
    case KpisErrorCode.WindowInvalid:
    case KpisErrorCode.TeamRequired:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
