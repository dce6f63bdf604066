import { versionFromIfMatch } from '@rapport/platform-http';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateTicketRequest,
  ListTicketsQuery,
  TicketHistoryView,
  TicketNoteView,
  TicketPage,
  TicketSlaView,
  TicketTextRequest,
  TicketTransitionRequest,
  TicketView,
  UpdateTicketRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy, type AuditPolicy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';
import type { UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'service-desk';

/** The customer a ticket answer is about (a ticket, its history, a note: each names the ticket's customer). */
const customerOf = (response: UpstreamResponse): string | undefined => {
  const customerId = (response.body as { customerId?: unknown } | undefined)?.customerId;
  return typeof customerId === 'string' ? customerId : undefined;
};

/** The customers of a page of tickets. */
const customersOfPage = (response: UpstreamResponse): unknown[] => {
  const items = (response.body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items.map((item) => (item as { customerId?: unknown } | null)?.customerId) : [];
};

/**
 * A ticket holds the customer's own words (subject, description, replies): reading it unmasked is
 * audited as a read of the customer's personal data, and every change as a change; the entry is
 * about the ticket's customer.
 */
const ticketAudit = (action: string, change: boolean): AuditPolicy => ({
  action,
  resourceType: 'customer',
  change,
  personalData: true,
  resourceId: customerOf,
});

/**
 * Tickets and the complaint process (service-desk). Row level is service-desk's rule: an agent sees
 * the tickets assigned to them and the unassigned ones of their team, a manager the team's, admins all;
 * another's ticket is 404.
 */
@ApiTags('tickets')
@Controller('api/v1/tickets')
export class TicketsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('tickets:write')
  @ApiOperation({
    summary:
      "Receive a ticket (complaint, inquiry, request, feedback) for a customer service-desk knows; it starts received, routed to a queue (a VIP customer's to the VIP queue, else the first matching one, else general) and assigned by the queue's rule unless assignee is given (ticket.created)",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: TicketView, description: 'The ticket; its ETag is its version' })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async create(@Body() body: CreateTicketRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/tickets',
      body,
      audit: ticketAudit('ticket.create', true),
    });
  }

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({
    summary:
      "The tickets the caller may see, VIP customers' first, then the earliest SLA due time (tickets with no running target last; keyset paged), by status, type, priority, assignee, customer, queue or SLA (at-risk, breached)",
  })
  @ApiOkResponse({ type: TicketPage, description: 'Subjects and descriptions are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 429, 502, 504)
  async list(@Query() query: ListTicketsQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/tickets${queryString(query)}`,
      audit: {
        action: 'ticket.list',
        resourceType: 'customer',
        change: false,
        personalData: true,
        subjects: customersOfPage,
      },
    });
  }

  @Get(':id')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'A ticket, with the moves the complaint process allows from where it stands' })
  @ApiOkResponse({ type: TicketView, description: 'Its ETag is its version: send it as If-Match on PATCH' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/tickets/${id}`,
      audit: ticketAudit('ticket.read', false),
    });
  }

  @Get(':id/sla')
  @RequireScopes('tickets:read')
  @ApiOperation({
    summary:
      "A ticket's SLA explained: the policy and calendar versions, each target's due time (with the calendar's offset), elapsed and remaining business minutes and state, the pauses, and the calendar overrides between its receipt and its due times",
  })
  @ApiOkResponse({ type: TicketSlaView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async sla(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/tickets/${id}/sla`,
    });
  }

  @Patch(':id')
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'Change subject, description, priority, category or assignee (ticket.updated)' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    // The form versionFromIfMatch reads; anything else is a 400 naming If-Match.
    schema: { type: 'string', pattern: '^(W/)?"?[0-9]{1,9}"?$' },
    description:
      'The ETag read ("3"): the change applies only to that version (412 when it is stale). Without it (and without version in the body) the change is unconditional, as for customers',
  })
  @ApiOkResponse({ type: TicketView, description: 'The ticket after the change' })
  @ApiProblems(400, 401, 403, 404, 412, 429, 502, 504)
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTicketRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PATCH',
      path: `/internal/v1/tickets/${id}`,
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: ticketAudit('ticket.update', true),
    });
  }

  @Get(':id/history')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'Every step of a ticket: creation, changes, transitions, replies and notes, in order' })
  @ApiOkResponse({ type: TicketHistoryView, description: 'Texts are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/tickets/${id}/history`,
      audit: ticketAudit('ticket.history.read', false),
    });
  }

  @Post(':id/replies')
  @HttpCode(201)
  @RequireScopes('tickets:write')
  @ApiOperation({
    summary:
      'Reply to the customer (ticket.replied): the first reply sets firstRepliedAt, one on a received ticket acknowledges it; 409 once closed',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: TicketView, description: 'The ticket after the reply' })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async reply(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTextRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/tickets/${id}/replies`,
      body,
      audit: ticketAudit('ticket.reply', true),
    });
  }

  @Post(':id/notes')
  @HttpCode(201)
  @RequireScopes('tickets:write')
  @ApiOperation({ summary: 'An internal note on the ticket (history only; the customer never sees it)' })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: TicketNoteView })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async note(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTextRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/tickets/${id}/notes`,
      body,
      audit: ticketAudit('ticket.note', true),
    });
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RequireScopes('tickets:write')
  @ApiOperation({
    summary:
      'Move the ticket in the complaint process (ticket.transitioned): received → acknowledged → investigating → resolved → closed, pending-customer from acknowledged or investigating, reopened from resolved within the reopen window; any other move is 409 with `allowed`',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiOkResponse({
    type: TicketView,
    description: 'The ticket after the move; a move to resolved opens a CSAT request (csatLink, for tickets:write)',
  })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async transition(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTransitionRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/tickets/${id}/transitions`,
      body,
      audit: ticketAudit('ticket.transition', true),
    });
  }
}
