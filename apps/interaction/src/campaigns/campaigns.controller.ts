import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CampaignRecipientsQuery,
  CreateCampaignRequest,
  InboundSmsRequest,
  type CampaignRecipientPage,
  type CampaignView,
  type InboundSmsReceipt,
  type UnsubscribeView,
} from '@rapport/contracts';
import { Caller, CallerScopes, PublicRoute, type CallerIdentity } from '@rapport/platform-runtime';
import { CampaignsService } from './campaigns.service';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('campaigns:write')
  create(@Body() body: CreateCampaignRequest, @Caller() caller: CallerIdentity): Promise<CampaignView> {
    return this.campaigns.create(body, caller);
  }

  @Get(':id')
  @CallerScopes('campaigns:write')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CampaignView> {
    return this.campaigns.view(id);
  }

  @Post(':id/send')
  @HttpCode(202)
  @CallerScopes('campaigns:write')
  send(@Param('id', new ParseUUIDPipe()) id: string): Promise<CampaignView> {
    return this.campaigns.send(id);
  }

  @Get(':id/recipients')
  @CallerScopes('campaigns:write')
  recipients(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CampaignRecipientsQuery,
  ): Promise<CampaignRecipientPage> {
    return this.campaigns.recipients(id, query);
  }
}

/** The customer's side, public: the signed token of the mail's link is the authority. */
@Controller('internal/v1/public/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get(':token')
  @PublicRoute()
  view(@Param('token') token: string): Promise<UnsubscribeView> {
    return this.campaigns.unsubscribeView(token);
  }

  @Post(':token')
  @HttpCode(200)
  @PublicRoute()
  unsubscribe(@Param('token') token: string): Promise<UnsubscribeView> {
    return this.campaigns.unsubscribe(token);
  }
}

/** Inbound SMS from the provider, forwarded by the gateway's webhook. */
@Controller('internal/v1/sms')
export class InboundSmsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post('inbound')
  @HttpCode(200)
  @CallerScopes('campaigns:write')
  inbound(@Body() body: InboundSmsRequest): Promise<InboundSmsReceipt> {
    return this.campaigns.inboundSms(body.from, body.text);
  }
}
