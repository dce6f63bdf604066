import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CustomerTimelineQuery,
  InteractionPage,
  InteractionView,
  ListInteractionsQuery,
  LogInteractionRequest,
} from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { relay } from '../upstream/relay-response';
import { queryString } from '../upstream/query-string';
import { UpstreamClient, type UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'interaction';

/** The customers of a page of interactions. */
const customersOfPage = (response: UpstreamResponse): unknown[] => {
  const items = (response.body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.map((item) => (item as { customerId?: unknown } | null)?.customerId) : [];
};

/**
 * The interaction log (interaction): every contact with a customer on every channel. A contact's summary
 * is what was said with the customer: reading it unmasked is audited as a read of the customer's personal
 * data, and logging one as a change of the customer's data.
 */
@ApiTags('interactions')
@Controller('api/v1')
export class InteractionsController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly upstream: UpstreamClient,
  ) {}

  @Post('customers/:id/interactions')
  @HttpCode(201)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      'Log a contact with a customer interaction knows: channel (phone, email, sms, wechat, weibo, chat, meeting, visit, web-form), direction, when (not in the future: 422), agent (default the caller), summary, outcome, duration, and links to a ticket, campaign or follow-up (interaction.logged; customer-profile keeps the last contact from it)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: InteractionView })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async log(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: LogInteractionRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/customers/${id}/interactions`,
      body,
      audit: { action: 'interaction.log', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }

  @Get('customers/:id/interactions')
  @RequireScopes('interactions:read')
  @ApiOperation({
    summary:
      "The customer's timeline: every contact on every channel, newest first (keyset paged), by channel. For a customer the caller may see (customer-profile's row rule: an agent their own customers and the public pool, a manager the team's): another's is 404",
  })
  @ApiOkResponse({ type: InteractionPage, description: 'Summaries are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async timeline(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CustomerTimelineQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    // The profile decides whether the caller may see the customer at all, as for the 360 view.
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
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/customers/${id}/interactions${queryString(query)}`,
      audit: { action: 'interaction.timeline.read', resourceType: 'customer', change: false, resourceId: () => id },
    });
  }

  @Get('interactions')
  @RequireScopes('interactions:read')
  @ApiOperation({
    summary:
      "Contacts across customers, newest first (keyset paged), by agent ('me' for the caller), time range (from inclusive, to exclusive) and channel; an agent sees their own, a manager the team's",
  })
  @ApiOkResponse({ type: InteractionPage, description: 'Summaries are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async list(@Query() query: ListInteractionsQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/interactions${queryString(query)}`,
      audit: {
        action: 'interaction.list',
        resourceType: 'customer',
        change: false,
        personalData: true,
        subjects: customersOfPage,
      },
    });
  }
}
