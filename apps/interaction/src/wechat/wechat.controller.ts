import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  SendWechatMessageRequest,
  WechatCallbackBody,
  WechatCallbackQuery,
  type InteractionView,
} from '@rapport/contracts';
import { Caller, CallerScopes, PublicRoute, type CallerIdentity } from '@rapport/platform-runtime';
import { toInteractionView } from '../interactions/interaction.view';
import { WechatService } from './wechat.service';

/**
 * WeChat's server URL, reached through the gateway's public route: WeChat has no account here, its
 * signature with the Official Account's token is the authority. The gateway turns these JSON answers
 * into the text/plain bodies WeChat reads (the echostr; "success").
 */
@Controller('internal/v1/channels/wechat/callback')
export class WechatCallbackController {
  constructor(private readonly wechat: WechatService) {}

  @Get()
  @PublicRoute()
  verify(@Query() query: WechatCallbackQuery): { echostr: string } {
    return { echostr: this.wechat.verifyServer(query) };
  }

  @Post()
  @HttpCode(200)
  @PublicRoute()
  async receive(@Query() query: WechatCallbackQuery, @Body() body: WechatCallbackBody): Promise<{ reply: string }> {
    await this.wechat.receive(query, body.xml);
    // "success": WeChat shows the follower nothing and does not retry (a passive reply is optional).
    return { reply: 'success' };
  }
}

/** Outbound customer-service messages, through the gateway with the caller's scopes. */
@Controller('internal/v1/customers/:customerId/wechat/messages')
export class WechatMessagesController {
  constructor(private readonly wechat: WechatService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('interactions:write')
  async send(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: SendWechatMessageRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<InteractionView> {
    return toInteractionView(await this.wechat.send(customerId, body.text, caller), caller);
  }
}
