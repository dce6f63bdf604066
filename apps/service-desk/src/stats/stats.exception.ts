import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a stats request; the code travels in the problem+json as `code`. */
export enum StatsErrorCode {
  TeamNotYours = 'team-not-yours',
  WindowInvalid = 'window-invalid',
}

export class StatsException extends ProblemException {
  constructor(
    readonly code: StatsErrorCode,
    detail: string,
    field: string,
  ) {
    super(kindOf(code), detail, { code, errors: [{ field, message: detail }] });
  }
}

function kindOf(code: StatsErrorCode) {
  switch (code) {
    // well-formed requests the document cannot rule out: 422
    case StatsErrorCode.TeamNotYours:
    case StatsErrorCode.WindowInvalid:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
