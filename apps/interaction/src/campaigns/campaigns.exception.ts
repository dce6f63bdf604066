import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a campaign request; the code travels in the problem+json as `code`. */
export enum CampaignsErrorCode {
  CampaignNotFound = 'campaign-not-found',
  InvalidCampaign = 'invalid-campaign',
  AlreadySent = 'campaign-already-sent',
  LinkInvalid = 'unsubscribe-link-invalid',
  CursorInvalid = 'cursor-invalid',
}

export class CampaignsException extends ProblemException {
  constructor(
    readonly code: CampaignsErrorCode,
    detail: string,
    errors: readonly { field: string; message: string }[] = [],
  ) {
    super(kindOf(code), detail, { code, ...(errors.length > 0 ? { errors: [...errors] } : {}) });
  }
}

function kindOf(code: CampaignsErrorCode) {
  switch (code) {
    case CampaignsErrorCode.CampaignNotFound:
      return 'notFound' as const;
    // well-formed requests the document cannot rule out: 422
    case CampaignsErrorCode.InvalidCampaign:
      return 'unprocessable' as const;
    case CampaignsErrorCode.AlreadySent:
      return 'conflict' as const;
    case CampaignsErrorCode.LinkInvalid:
      return 'forbidden' as const;
    case CampaignsErrorCode.CursorInvalid:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
