import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CompleteFollowUpRequest,
  CreateFollowUpRequest,
  ListFollowUpsQuery,
  SnoozeFollowUpRequest,
  type FollowUpCompletion,
  type FollowUpPage,
  type FollowUpView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { toInteractionView } from '../interactions/interaction.view';
import { toFollowUpView } from './follow-up.view';
import { FollowUpsService } from './follow-ups.service';

/**
 * Internal API, reached through the gateway only. Row level as tickets have it: an agent sees the
 * follow-ups assigned to them, a manager the team's, admins all; another's follow-up is 404.
 */
@Controller('internal/v1/follow-ups')
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('interactions:write')
  async create(@Body() body: CreateFollowUpRequest, @Caller() caller: CallerIdentity): Promise<FollowUpView> {
    return toFollowUpView(await this.followUps.create(body, caller), caller, new Date());
  }

  @Get()
  @CallerScopes('interactions:read')
  async list(@Query() query: ListFollowUpsQuery, @Caller() caller: CallerIdentity): Promise<FollowUpPage> {
    const now = new Date();
    const page = await this.followUps.list(query, caller, now);
    return { items: page.items.map((f) => toFollowUpView(f, caller, now)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @CallerScopes('interactions:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<FollowUpView> {
    return toFollowUpView(await this.followUps.get(id, caller), caller, new Date());
  }

  @Post(':id/complete')
  @HttpCode(200)
  @CallerScopes('interactions:write')
  async complete(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CompleteFollowUpRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<FollowUpCompletion> {
    const { followUp, interaction } = await this.followUps.complete(id, body, caller);
    return {
      followUp: toFollowUpView(followUp, caller, new Date()),
      interaction: toInteractionView(interaction, caller),
    };
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @CallerScopes('interactions:write')
  async snooze(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SnoozeFollowUpRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<FollowUpView> {
    return toFollowUpView(await this.followUps.snooze(id, body, caller), caller, new Date());
  }
}
