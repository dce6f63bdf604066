import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { PublicRoute } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
${body}
</body></html>`;

/**
 * The one-click unsubscribe link of every marketing mail (List-Unsubscribe, RFC 8058). GET shows a small
 * confirmation page with a button; POST (the mailbox provider's one-click, or the button) withdraws the
 * consent at once. Public: the signed token is the authority (interaction checks it: forged or expired
 * 403). Left out of the OpenAPI document, whose operations are all authorized API calls.
 */
@Controller('api/v1/public/unsubscribe')
export class PublicUnsubscribeController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get(':token')
  @PublicRoute()
  @ApiExcludeEndpoint()
  async view(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const upstream = await this.call('GET', token, request);
    if (upstream.status !== 200) return relay(response, upstream);
    const view = upstream.body as { channel: string; purpose: string; withdrawn: boolean };
    const what = `${escapeHtml(view.purpose)} ${view.channel === 'sms' ? 'text messages' : 'emails'}`;
    response
      .status(200)
      .type('text/html')
      .send(
        view.withdrawn
          ? page('Unsubscribed', `<h1>You are unsubscribed</h1><p>You will receive no more ${what} from us.</p>`)
          : page(
              'Unsubscribe',
              `<h1>Unsubscribe</h1><p>Stop receiving ${what} from us? 退订后将不再收到此类消息。</p>
<form method="post" action="${escapeHtml(request.originalUrl)}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe / 退订</button></form>`,
            ),
      );
  }

  /** RFC 8058: the body is `List-Unsubscribe=One-Click` (form-encoded); the token alone decides. */
  @Post(':token')
  @HttpCode(200)
  @PublicRoute()
  @ApiExcludeEndpoint()
  async unsubscribe(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const upstream = await this.call('POST', token, request);
    if (upstream.status !== 200 || !request.accepts('html') || request.accepts(['json', 'html']) === 'json')
      return relay(response, upstream);
    response
      .status(200)
      .type('text/html')
      .send(page('Unsubscribed', '<h1>You are unsubscribed</h1><p>You will receive no more of these messages.</p>'));
  }

  private call(method: 'GET' | 'POST', token: string, request: Request) {
    return this.upstream.call('interaction', method, `/internal/v1/public/unsubscribe/${encodeURIComponent(token)}`, {
      // no caller: the service's route is public too; this identity only names who forwarded it
      identity: { sub: 'unsubscribe-link', roles: [], scopes: [] },
      requestId: request.requestId,
    });
  }
}
