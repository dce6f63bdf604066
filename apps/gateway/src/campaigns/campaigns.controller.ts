import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CampaignRecipientPage,
  CampaignRecipientsQuery,
  CampaignView,
  CreateCampaignRequest,
  InboundSmsReceipt,
  InboundSmsRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { answerId, ApiProxy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

const UPSTREAM = 'interaction';

/**
 * Campaigns (interaction) by email and SMS: an audience of customers with their addresses, templates
 * (Mustache), consent checked per message at send time, a state per recipient.
 */
@ApiTags('campaigns')
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('campaigns:write')
  @ApiOperation({
    summary:
      'Create a campaign (email or SMS, a purpose, Mustache templates) with its audience: customers and the address to use; every recipient starts queued',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: CampaignView })
  @ApiProblems(400, 401, 403, 413, 422, 429, 502, 504)
  async create(@Body() body: CreateCampaignRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/campaigns',
      body,
      // the audience's addresses are personal data
      audit: {
        action: 'campaign.create',
        resourceType: 'campaign',
        change: true,
        personalData: true,
        resourceId: answerId,
      },
    });
  }

  @Get(':id')
  @RequireScopes('campaigns:write')
  @ApiOperation({ summary: 'A campaign and its counts by recipient state, which add up to the audience' })
  @ApiOkResponse({ type: CampaignView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: Request, @Res() response: Response) {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/campaigns/${id}`,
    });
  }

  @Post(':id/send')
  @HttpCode(202)
  @RequireScopes('campaigns:write')
  @ApiOperation({
    summary:
      'Start sending: the sender hands the queued recipients to SMTP or the SMS provider at the configured rate, checking each one’s consent as it stands then; a second send is 409',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiAcceptedResponse({ type: CampaignView })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async send(@Param('id', new ParseUUIDPipe()) id: string, @Req() request: Request, @Res() response: Response) {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/campaigns/${id}/send`,
      audit: {
        action: 'campaign.send',
        resourceType: 'campaign',
        change: true,
        personalData: false,
        resourceId: () => id,
      },
    });
  }

  @Get(':id/recipients')
  @RequireScopes('campaigns:write')
  @ApiOperation({
    summary:
      'The recipients and their states (queued, skipped with reason, sent, failed, bounced, unsubscribed), keyset paged',
  })
  @ApiOkResponse({ type: CampaignRecipientPage })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async recipients(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CampaignRecipientsQuery,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/campaigns/${id}/recipients${queryString(query)}`,
    });
  }
}

/** The SMS provider's webhook for replies: T or TD withdraws SMS marketing consent. */
@ApiTags('campaigns')
@Controller('api/v1/webhooks/sms')
export class SmsWebhookController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post('inbound')
  @HttpCode(200)
  @RequireScopes('campaigns:write')
  @ApiOperation({
    summary:
      'An inbound SMS from the provider (called by the provider’s integration client): the reply T or TD withdraws the sender’s SMS marketing consent',
  })
  @ApiOkResponse({ type: InboundSmsReceipt })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async inbound(@Body() body: InboundSmsRequest, @Req() request: Request, @Res() response: Response) {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/sms/inbound',
      body,
    });
  }
}
