import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum LedgerErrorCode {
  MemberNotFound = 'member-not-found',
  InsufficientPoints = 'insufficient-points',
}

/** One mapper from the feature's error codes to problem+json, exhaustive over the enum. */
export class LedgerException extends ProblemException {
  constructor(
    readonly code: LedgerErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: LedgerErrorCode) {
  switch (code) {
    case LedgerErrorCode.MemberNotFound:
      return 'notFound' as const;
    case LedgerErrorCode.InsufficientPoints:
      return 'conflict' as const;
    default:
      return assertUnreachable(code);
  }
}

/** Points the member cannot spend: the balance, or (with running holds) what is available besides them. */
export function insufficientPoints(available: number, points: number, held = 0): LedgerException {
  const what = held > 0 ? `${available} points are available (${held} held)` : `The balance is ${available} points`;
  return new LedgerException(LedgerErrorCode.InsufficientPoints, `${what}; ${points} are needed`);
}
