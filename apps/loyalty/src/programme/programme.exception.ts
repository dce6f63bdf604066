import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

export enum ProgrammeErrorCode {
  VersionMismatch = 'programme-version-mismatch',
  InvalidProgramme = 'invalid-programme',
}

/**
 * One mapper from the programme's error codes to problem+json, exhaustive over the enum. `field` names
 * the request field at fault (its message is the detail), or gives the field errors as they are.
 */
export class ProgrammeException extends ProblemException {
  constructor(
    readonly code: ProgrammeErrorCode,
    detail: string,
    field?: string | FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...fieldErrors(detail, field) });
  }
}

function fieldErrors(detail: string, field?: string | FieldError[]): { errors?: FieldError[] } {
  if (field === undefined || field === '') return {};
  return { errors: typeof field === 'string' ? [{ field, message: detail }] : field };
}

function kindOf(code: ProgrammeErrorCode) {
  switch (code) {
    case ProgrammeErrorCode.VersionMismatch:
      return 'preconditionFailed' as const;
    case ProgrammeErrorCode.InvalidProgramme:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
