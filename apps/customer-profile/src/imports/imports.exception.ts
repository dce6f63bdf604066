import { assertUnreachable } from '@rapport/platform-http';
import type { FieldError } from '@rapport/platform-http';
import { ProblemException } from '@rapport/platform-http';

/** What can go wrong with an import; the code travels in the problem+json as `code`. */
export enum ImportErrorCode {
  InvalidType = 'invalid-import-type',
  UnsupportedFormat = 'unsupported-import-format',
  PurchasesNotAllowed = 'purchase-import-not-allowed',
  NotFound = 'import-not-found',
  NoRows = 'import-has-no-rows',
  NotJsonLines = 'not-json-lines',
  NotCsv = 'not-csv',
}

/** The feature's one exception: its code decides the problem kind, in one exhaustive mapper. */
export class ImportException extends ProblemException {
  constructor(
    readonly code: ImportErrorCode,
    detail: string,
    errors?: FieldError[],
  ) {
    super(kindOf(code), detail, { code, ...(errors ? { errors } : {}) });
  }
}

function kindOf(code: ImportErrorCode) {
  switch (code) {
    case ImportErrorCode.InvalidType:
      return 'validation' as const;
    // The body is a string of the declared media type, as the document says; that it holds no
    // import is a matter of its content, which the document cannot state: 422.
    case ImportErrorCode.NoRows:
    case ImportErrorCode.NotJsonLines:
    case ImportErrorCode.NotCsv:
      return 'unprocessable' as const;
    case ImportErrorCode.UnsupportedFormat:
      return 'unsupportedMediaType' as const;
    case ImportErrorCode.PurchasesNotAllowed:
      return 'forbidden' as const;
    case ImportErrorCode.NotFound:
      return 'notFound' as const;
    default:
      return assertUnreachable(code);
  }
}
