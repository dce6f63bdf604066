import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CustomerTimelineQuery,
  ListInteractionsQuery,
  LogInteractionRequest,
  type InteractionPage,
  type InteractionView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { toInteractionView } from './interaction.view';
import { InteractionsService } from './interactions.service';

/** Internal API, reached through the gateway only; the scopes and the row rule apply here too. */
@Controller('internal/v1')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Post('customers/:customerId/interactions')
  @HttpCode(201)
  @CallerScopes('interactions:write')
  async log(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Body() body: LogInteractionRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<InteractionView> {
    return toInteractionView(await this.interactions.log(customerId, body, caller), caller);
  }

  @Get('customers/:customerId/interactions')
  @CallerScopes('interactions:read')
  async timeline(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: CustomerTimelineQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<InteractionPage> {
    const page = await this.interactions.timeline(customerId, query);
    return { items: page.items.map((i) => toInteractionView(i, caller)), nextCursor: page.nextCursor };
  }

  @Get('interactions')
  @CallerScopes('interactions:read')
  async list(@Query() query: ListInteractionsQuery, @Caller() caller: CallerIdentity): Promise<InteractionPage> {
    const page = await this.interactions.list(query, caller);
    return { items: page.items.map((i) => toInteractionView(i, caller)), nextCursor: page.nextCursor };
  }
}
