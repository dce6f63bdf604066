import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CreateRewardRequest, RewardListQuery, type RewardListView, type RewardView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { CallerScopes } from '@rapport/platform-runtime';
import { LedgerRepository, type RewardRow } from '../ledger/ledger.repository';

@Controller('internal/v1/rewards')
export class RewardsController {
  constructor(private readonly repository: LedgerRepository) {}

  @Get()
  @CallerScopes('loyalty:read')
  async list(@Query() query: RewardListQuery): Promise<RewardListView> {
    const limit = query.limit ?? 50;
    const rows = await this.repository.rewards(limit + 1, query.after);
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  @Post()
  @HttpCode(201)
  @CallerScopes('admin')
  async create(@Body() body: CreateRewardRequest): Promise<RewardView> {
    if (body.validFrom && body.validUntil && Date.parse(body.validUntil) <= Date.parse(body.validFrom)) {
      throw new ProblemException('validation', 'validUntil must be after validFrom', {
        errors: [{ field: 'validUntil', message: 'validUntil must be after validFrom' }],
      });
    }
    if (body.minTier) {
      const { config } = await this.repository.programme();
      if (!config.tiers.some((t) => t.code === body.minTier)) {
        // 422, not 400: the tiers are the programme's data (PATCH /loyalty/programme), not a rule of the document.
        const message = `minTier must be one of ${config.tiers.map((t) => t.code).join(', ')}`;
        throw new ProblemException('unprocessable', message, { errors: [{ field: 'minTier', message }] });
      }
    }
    return toView(
      await this.repository.insertReward({
        id: randomUUID(),
        name: body.name,
        description: body.description ?? null,
        pointsPrice: body.pointsPrice,
        stock: body.stock ?? null,
        validFrom: body.validFrom ? new Date(body.validFrom) : null,
        validUntil: body.validUntil ? new Date(body.validUntil) : null,
        minTier: body.minTier ?? null,
      }),
    );
  }
}

function toView(r: RewardRow): RewardView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    pointsPrice: r.pointsPrice,
    stock: r.stock,
    validFrom: r.validFrom?.toISOString() ?? null,
    validUntil: r.validUntil?.toISOString() ?? null,
    minTier: r.minTier,
    createdAt: r.createdAt.toISOString(),
  };
}
