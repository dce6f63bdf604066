import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with a custom field's definition; the code travels in the problem+json as `code`. */
export enum CustomFieldErrorCode {
  EnumWithoutValues = 'enum-without-values',
  ValuesOnNonEnum = 'values-on-non-enum',
  KeyTaken = 'custom-field-exists',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class CustomFieldException extends ProblemException {
  constructor(
    readonly code: CustomFieldErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: CustomFieldErrorCode) {
  switch (code) {
    case CustomFieldErrorCode.EnumWithoutValues:
    case CustomFieldErrorCode.ValuesOnNonEnum:
      return 'validation' as const;
    case CustomFieldErrorCode.KeyTaken:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}
