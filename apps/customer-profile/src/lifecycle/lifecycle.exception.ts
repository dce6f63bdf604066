import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a move between lifecycle stages; the code travels in the problem+json as `code`. */
export enum LifecycleErrorCode {
  AlreadyInStage = 'already-in-stage',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class LifecycleException extends ProblemException {
  constructor(
    readonly code: LifecycleErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: LifecycleErrorCode) {
  switch (code) {
    case LifecycleErrorCode.AlreadyInStage:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}
