import { ProblemException } from '@rapport/platform-http';

export enum ProgrammeErrorCode {
  VersionMismatch = 'programme-version-mismatch',
}

/** One mapper from the programme's error codes to problem+json, exhaustive over the enum. */
export class ProgrammeException extends ProblemException {
  constructor(
    readonly code: ProgrammeErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: ProgrammeErrorCode) {
  switch (code) {
    case ProgrammeErrorCode.VersionMismatch:
      return 'preconditionFailed' as const;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled programme error code ${String(value)}`);
}
