import { assertUnreachable, ProblemException } from '@rapport/platform-http';

/** What can stop a WeChat request; the code travels in the problem+json as `code`. */
export enum WechatErrorCode {
  BadSignature = 'wechat-bad-signature',
  MalformedMessage = 'wechat-malformed-message',
  UndecryptableMessage = 'wechat-undecryptable-message',
  NotFollowing = 'wechat-not-following',
  WindowClosed = 'wechat-window-closed',
  ApiFailed = 'wechat-api-failed',
}

export class WechatException extends ProblemException {
  constructor(
    readonly code: WechatErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(kindOf(code), detail, { code, ...extensions });
  }

  static onField(code: WechatErrorCode, detail: string, field: string): WechatException {
    return new WechatException(code, detail, { errors: [{ field, message: detail }] });
  }
}

function kindOf(code: WechatErrorCode) {
  switch (code) {
    // Not signed with the Official Account's token: not from WeChat.
    case WechatErrorCode.BadSignature:
      return 'forbidden' as const;
    case WechatErrorCode.MalformedMessage:
    case WechatErrorCode.UndecryptableMessage:
      return 'validation' as const;
    // Well-formed, but the customer cannot be written to now (rules the document cannot state).
    case WechatErrorCode.NotFollowing:
    case WechatErrorCode.WindowClosed:
      return 'unprocessable' as const;
    case WechatErrorCode.ApiFailed:
      return 'upstreamUnavailable' as const;
    default:
      return assertUnreachable(code);
  }
}
