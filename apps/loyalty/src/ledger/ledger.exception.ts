import { ProblemException } from '@rapport/platform-http';

export enum LedgerErrorCode {
  MemberNotFound = 'member-not-found',
  InsufficientPoints = 'insufficient-points',
  RewardNotFound = 'reward-not-found',
  RewardOutOfStock = 'reward-out-of-stock',
  RewardNotAvailable = 'reward-not-available',
  TierTooLow = 'tier-too-low',
  InvalidRedemption = 'invalid-redemption',
  ProgrammeVersionMismatch = 'programme-version-mismatch',
  UnknownReferralCode = 'unknown-referral-code',
  SelfReferral = 'self-referral',
  MutualReferral = 'mutual-referral',
  SharedContact = 'shared-contact',
  AlreadyReferred = 'already-referred',
  AlreadyPurchased = 'already-purchased',
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
    case LedgerErrorCode.RewardNotFound:
      return 'notFound' as const;
    case LedgerErrorCode.InsufficientPoints:
    case LedgerErrorCode.RewardOutOfStock:
    case LedgerErrorCode.AlreadyReferred:
    case LedgerErrorCode.AlreadyPurchased:
      return 'conflict' as const;
    case LedgerErrorCode.RewardNotAvailable:
    case LedgerErrorCode.TierTooLow:
    case LedgerErrorCode.UnknownReferralCode:
    case LedgerErrorCode.SelfReferral:
    case LedgerErrorCode.MutualReferral:
    case LedgerErrorCode.SharedContact:
      return 'unprocessable' as const;
    case LedgerErrorCode.InvalidRedemption:
      return 'validation' as const;
    case LedgerErrorCode.ProgrammeVersionMismatch:
      return 'preconditionFailed' as const;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled ledger error code ${String(value)}`);
}
