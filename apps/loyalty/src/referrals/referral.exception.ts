import { assertUnreachable, ProblemException } from '@rapport/platform-http';

export enum ReferralErrorCode {
  UnknownReferralCode = 'unknown-referral-code',
  SelfReferral = 'self-referral',
  MutualReferral = 'mutual-referral',
  SharedContact = 'shared-contact',
  AlreadyReferred = 'already-referred',
  AlreadyPurchased = 'already-purchased',
}

/** One mapper from the referral rules' codes to problem+json, exhaustive over the enum. */
export class ReferralException extends ProblemException {
  constructor(
    readonly code: ReferralErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: ReferralErrorCode) {
  switch (code) {
    case ReferralErrorCode.AlreadyReferred:
    case ReferralErrorCode.AlreadyPurchased:
      return 'conflict' as const;
    case ReferralErrorCode.UnknownReferralCode:
    case ReferralErrorCode.SelfReferral:
    case ReferralErrorCode.MutualReferral:
    case ReferralErrorCode.SharedContact:
      return 'unprocessable' as const;
    default:
      return assertUnreachable(code);
  }
}
