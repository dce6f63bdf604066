import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a queue request; the code travels in the problem+json as `code`. */
export enum QueuesErrorCode {
  QueueNotFound = 'queue-not-found',
  NotYourTeam = 'queue-not-your-team',
  OneVipQueue = 'one-vip-queue',
  FallbackQueue = 'fallback-queue',
  InvalidQueueName = 'invalid-queue-name',
}

export class QueuesException extends ProblemException {
  constructor(
    readonly code: QueuesErrorCode,
    detail: string,
    field?: string,
  ) {
    super(kindOf(code), detail, { code, ...(field ? { errors: [{ field, message: detail }] } : {}) });
  }
}

function kindOf(code: QueuesErrorCode) {
  switch (code) {
    case QueuesErrorCode.QueueNotFound:
      return 'notFound' as const;
    case QueuesErrorCode.NotYourTeam:
      return 'forbidden' as const;
    case QueuesErrorCode.OneVipQueue:
    case QueuesErrorCode.FallbackQueue:
      return 'conflict' as const;
    case QueuesErrorCode.InvalidQueueName:
      return 'validation' as const;
    default:
      return assertUnreachable(code);
  }
}
