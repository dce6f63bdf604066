import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CompleteFollowUpRequest,
  CreateFollowUpRequest,
  FollowUpCompletion,
  FollowUpPage,
  FollowUpView,
  ListFollowUpsQuery,
  SnoozeFollowUpRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, type AuditPolicy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';
import type { UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'interaction';

/** The customer a follow-up answer is about (a follow-up, or a completion naming it). */
const customerOf = (response: UpstreamResponse): string | undefined => {
  const body = response.body as { customerId?: unknown; followUp?: { customerId?: unknown } } | undefined;
  const customerId = body?.customerId ?? body?.followUp?.customerId;
  return typeof customerId === 'string' ? customerId : undefined;
};

const customersOfPage = (response: UpstreamResponse): unknown[] => {
  const items = (response.body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.map((item) => (item as { customerId?: unknown } | null)?.customerId) : [];
};

/** A follow-up's note is about the customer: unmasked reads and every change are audited on the customer. */
const followUpAudit = (action: string, change: boolean): AuditPolicy => ({
  action,
  resourceType: 'customer',
  change,
  personalData: true,
  resourceId: customerOf,
});

/**
 * Follow-ups (interaction): who contacts a customer by when. Row level as for tickets: an agent sees the
 * follow-ups assigned to them, a manager the team's, admins all; another's follow-up is 404.
 */
@ApiTags('follow-ups')
@Controller('api/v1/follow-ups')
export class FollowUpsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      "Plan a follow-up of a customer: assignee (default the caller; an agent plans for themselves), team (default the caller's), due time, channel and note. Its reminder (follow-up.due) fires a configured number of business minutes before the due time, on the follow-ups' business calendar, and follow-up.overdue at the due time, each once (follow-up.created)",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: FollowUpView })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async create(@Body() body: CreateFollowUpRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/follow-ups',
      body,
      audit: followUpAudit('follow-up.create', true),
    });
  }

  @Get()
  @RequireScopes('interactions:read')
  @ApiOperation({
    summary:
      "The follow-ups the caller may see, earliest due first (keyset paged), by assignee ('me' for the caller), status (open, overdue, snoozed, done), due=today (the calendar day in the follow-ups' time zone) or customer",
  })
  @ApiOkResponse({ type: FollowUpPage, description: 'Notes are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async list(@Query() query: ListFollowUpsQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/follow-ups${queryString(query)}`,
      audit: {
        action: 'follow-up.list',
        resourceType: 'customer',
        change: false,
        personalData: true,
        subjects: customersOfPage,
      },
    });
  }

  @Get(':id')
  @RequireScopes('interactions:read')
  @ApiOperation({ summary: 'A follow-up, with its status now and when its reminder fires' })
  @ApiOkResponse({ type: FollowUpView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/follow-ups/${id}`,
      audit: followUpAudit('follow-up.read', false),
    });
  }

  @Post(':id/complete')
  @HttpCode(200)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      "Done: the contact is logged as an interaction linked to the follow-up (channel default the follow-up's) in the same transaction as the completion (interaction.logged, follow-up.completed); its pending reminder and overdue never fire; 409 when done already",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({ type: FollowUpCompletion })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async complete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CompleteFollowUpRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/follow-ups/${id}/complete`,
      body,
      audit: followUpAudit('follow-up.complete', true),
    });
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      "Put a follow-up off: until (a future instant, else 422) or businessMinutes from now on the follow-ups' calendar, exactly one of them (400 otherwise); its reminder and overdue fire again for the new due time (follow-up.snoozed); 409 when done",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({ type: FollowUpView, description: 'The follow-up with its new due time' })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async snooze(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SnoozeFollowUpRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/follow-ups/${id}/snooze`,
      body,
      audit: followUpAudit('follow-up.snooze', true),
    });
  }
}
