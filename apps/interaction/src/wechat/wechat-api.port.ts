import { Inject, Injectable } from '@nestjs/common';
import { INTERACTION_CONFIG, type InteractionConfig } from '../interaction.config';

/** WeChat's API as the channel uses it: a customer-service text message to a follower. */
export interface WechatApiPort {
  sendText(openid: string, text: string): Promise<void>;
}
export const WECHAT_API = Symbol('WECHAT_API');

export class WechatApiError extends Error {}

/** Refresh the access token this long before WeChat says it expires (it lives 7200 s). */
const TOKEN_MARGIN_MS = 5 * 60_000;
const TIMEOUT_MS = 4_000;

/**
 * WeChat's HTTP API: an access token from cgi-bin/token (AppID and AppSecret), cached until shortly
 * before it expires, then cgi-bin/message/custom/send. WeChat answers errors as 200 with an errcode.
 */
@Injectable()
export class HttpWechatApi implements WechatApiPort {
  private token: { value: string; until: number } | undefined;

  constructor(@Inject(INTERACTION_CONFIG) private readonly config: InteractionConfig) {}

  async sendText(openid: string, text: string): Promise<void> {
    const token = await this.accessToken();
    const url = new URL('/cgi-bin/message/custom/send', this.config.INTERACTION_WECHAT_API_URL);
    url.searchParams.set('access_token', token);
    const answer = await this.call(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touser: openid, msgtype: 'text', text: { content: text } }),
    });
    // 40001/42001: the token went stale early (another holder of the AppSecret refreshed it).
    if (answer.errcode === 40001 || answer.errcode === 42001) this.token = undefined;
    if (answer.errcode) throw new WechatApiError(`WeChat refused the message (errcode ${String(answer.errcode)})`);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const url = new URL('/cgi-bin/token', this.config.INTERACTION_WECHAT_API_URL);
    url.searchParams.set('grant_type', 'client_credential');
    url.searchParams.set('appid', this.config.INTERACTION_WECHAT_APP_ID);
    url.searchParams.set('secret', this.config.INTERACTION_WECHAT_APP_SECRET);
    const answer = await this.call(url, { method: 'GET' });
    if (typeof answer.access_token !== 'string')
      throw new WechatApiError(`WeChat gave no access token (errcode ${String(answer.errcode)})`);
    const lifetimeMs = (typeof answer.expires_in === 'number' ? answer.expires_in : 7200) * 1000;
    this.token = { value: answer.access_token, until: Date.now() + lifetimeMs - TOKEN_MARGIN_MS };
    return answer.access_token;
  }

  private async call(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new WechatApiError(`WeChat's API could not be reached: ${(error as Error).message}`);
    }
    if (!response.ok) throw new WechatApiError(`WeChat's API answered ${response.status}`);
    try {
      return (await response.json()) as Record<string, unknown>;
    } catch {
      throw new WechatApiError("WeChat's API answered with a body that is not JSON");
    }
  }
}
