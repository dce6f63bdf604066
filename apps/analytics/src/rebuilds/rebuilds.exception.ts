import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum RebuildErrorCode {
  AlreadyRunning = 'rebuild-running',
  NotFound = 'rebuild-not-found',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class RebuildException extends ProblemException {
  constructor(
    readonly code: RebuildErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }
}

function kindOf(code: RebuildErrorCode) {
  switch (code) {
    case RebuildErrorCode.AlreadyRunning:
      return 'conflict' as const;
    case RebuildErrorCode.NotFound:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
