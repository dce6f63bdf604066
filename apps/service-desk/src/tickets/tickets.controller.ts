import { versionFromIfMatch } from '@rapport/platform-http';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  CreateTicketRequest,
  CsatRequest,
  CsatTokenQuery,
  ListTicketsQuery,
  TicketTextRequest,
  TicketTransitionRequest,
  UpdateTicketRequest,
  type CsatAnswer,
  type TicketHistoryView,
  type TicketNoteView,
  type TicketPage,
  type TicketSlaView,
  type TicketView,
} from '@rapport/contracts';
import { Caller, CallerScopes, PublicRoute, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { toTicketSlaView } from '../sla/sla.view';
import { toHistoryEntryView, toTicketView } from './ticket.view';
import { TicketsService, type TicketState } from './tickets.service';

/**
 * Internal API, reached through the gateway only. The same rules as the gateway's apply here (defence
 * in depth): scopes, row-level visibility of tickets and masking of the customer's words.
 */
@Controller('internal/v1/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('tickets:write')
  async create(
    @Body() body: CreateTicketRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const view = withEtag(response, await this.tickets.create(body, caller), caller);
    response.setHeader('Location', `/internal/v1/tickets/${view.id}`);
    return view;
  }

  @Get()
  @CallerScopes('tickets:read')
  async list(@Query() query: ListTicketsQuery, @Caller() caller: CallerIdentity): Promise<TicketPage> {
    const page = await this.tickets.list(query, caller);
    return { items: page.items.map((s) => toTicketView(s, caller)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @CallerScopes('tickets:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    return withEtag(response, await this.tickets.get(id, caller), caller);
  }

  @Patch(':id')
  @CallerScopes('tickets:write')
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTicketRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const expected = versionFromIfMatch(ifMatch, body.version);
    return withEtag(response, await this.tickets.update(id, body, expected, caller), caller);
  }

  /** The ticket's SLA: targets, due times, elapsed and remaining business time, pauses, calendar overrides. */
  @Get(':id/sla')
  @CallerScopes('tickets:read')
  async sla(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<TicketSlaView> {
    const { ticket, sla } = await this.tickets.sla(id, caller);
    return toTicketSlaView(sla, ticket.priority);
  }

  @Get(':id/history')
  @CallerScopes('tickets:read')
  async history(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
  ): Promise<TicketHistoryView> {
    const { ticket, entries } = await this.tickets.history(id, caller);
    return {
      ticketId: ticket.id,
      customerId: ticket.customerId,
      items: entries.map((e) => toHistoryEntryView(e, caller)),
    };
  }

  /** A reply to the customer; answers the ticket as it stands after it. */
  @Post(':id/replies')
  @HttpCode(201)
  @CallerScopes('tickets:write')
  async reply(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTextRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    return withEtag(response, await this.tickets.reply(id, body.text, caller), caller);
  }

  @Post(':id/notes')
  @HttpCode(201)
  @CallerScopes('tickets:write')
  async note(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTextRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<TicketNoteView> {
    const { ticket, entry } = await this.tickets.note(id, body.text, caller);
    return { ticketId: ticket.id, customerId: ticket.customerId, ...toHistoryEntryView(entry, caller) };
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @CallerScopes('tickets:write')
  async transition(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: TicketTransitionRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    return withEtag(response, await this.tickets.transition(id, body.to, body.note, caller), caller);
  }
}

/**
 * The customer's rating of a resolution through the signed link the agent sent them: no caller
 * identity (the customer has no account); the token is the authority, checked by the service.
 */
@Controller('internal/v1/tickets')
export class TicketCsatController {
  constructor(private readonly tickets: TicketsService) {}

  @Post(':id/csat')
  @HttpCode(201)
  @PublicRoute()
  async submit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CsatTokenQuery,
    @Body() body: CsatRequest,
  ): Promise<CsatAnswer> {
    const csat = await this.tickets.submitCsat(id, query.token, body);
    return {
      ticketId: csat.ticketId,
      resolution: csat.resolution,
      rating: csat.rating!,
      submittedAt: csat.submittedAt!.toISOString(),
    };
  }
}

function withEtag(response: Response, state: TicketState, caller: CallerIdentity): TicketView {
  response.setHeader('ETag', `"${state.ticket.version}"`);
  return toTicketView(state, caller);
}
