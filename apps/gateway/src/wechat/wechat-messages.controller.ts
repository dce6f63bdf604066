import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InteractionView, SendWechatMessageRequest } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

/** Replies to a customer on WeChat (interaction's WeChat channel), as the customer service writes them. */
@ApiTags('interactions')
@Controller('api/v1')
export class WechatMessagesController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly upstream: UpstreamClient,
  ) {}

  @Post('customers/:id/wechat/messages')
  @HttpCode(201)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      "Send a customer-service text to the customer's WeChat (their wechat_openid, through the Official Account). WeChat allows it within 48 hours of the customer's last message: later, or never written, is 422 wechat-window-closed; a customer without an openid is 422 wechat-not-following; WeChat refusing it is 502. The message is logged as an outbound WeChat interaction. For a customer the caller may see (another's is 404)",
  })
  @ApiCreatedResponse({ type: InteractionView, description: 'The outbound interaction logged for the message' })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async send(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SendWechatMessageRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The profile decides whether the caller may see the customer at all, as for the timeline.
    const profile = await this.upstream.call('customer-profile', 'GET', `/internal/v1/customers/${id}`, {
      identity: request.identity!,
      ...(request.requestId ? { requestId: request.requestId } : {}),
    });
    if (profile.status >= 500)
      throw new ProblemException('upstreamUnavailable', `customer-profile answered ${profile.status}`, {
        upstream: 'customer-profile',
      });
    if (profile.status !== 200) return relay(response, profile);
    await this.proxy.forward(request, response, {
      upstream: 'interaction',
      method: 'POST',
      path: `/internal/v1/customers/${id}/wechat/messages`,
      body,
      audit: { action: 'wechat.message.send', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }
}
