import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CreateRewardRequest, RewardListQuery, type RewardListView, type RewardView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { RewardsService } from './rewards.service';

@Controller('internal/v1/rewards')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Get()
  @CallerScopes('loyalty:read')
  async list(@Query() query: RewardListQuery): Promise<RewardListView> {
    return this.rewards.list(query);
  }

  @Post()
  @HttpCode(201)
  @CallerScopes('admin')
  async create(@Body() body: CreateRewardRequest): Promise<RewardView> {
    return this.rewards.create(body);
  }
}
