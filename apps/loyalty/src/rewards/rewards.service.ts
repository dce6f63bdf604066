import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CreateRewardRequest, RewardListQuery, RewardListView, RewardView } from '@rapport/contracts';
import { ProgrammeRepository } from '../programme/programme.repository';
import { RewardErrorCode, RewardException } from './rewards.exception';
import { RewardsRepository, type RewardRecord } from './rewards.repository';

@Injectable()
export class RewardsService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly programmes: ProgrammeRepository,
  ) {}

  async list(query: RewardListQuery): Promise<RewardListView> {
    const limit = query.limit ?? 50;
    const rows = await this.rewards.list(limit + 1, query.after);
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  async create(body: CreateRewardRequest): Promise<RewardView> {
    if (body.validFrom && body.validUntil && Date.parse(body.validUntil) <= Date.parse(body.validFrom)) {
      throw new RewardException(RewardErrorCode.InvalidReward, 'validUntil must be after validFrom', [
        { field: 'validUntil', message: 'validUntil must be after validFrom' },
      ]);
    }
    if (body.minTier) {
      const { config } = await this.programmes.current();
      if (!config.tiers.some((t) => t.code === body.minTier)) {
        // 422, not 400: the tiers are the programme's data (PATCH /loyalty/programme), not a rule of the document.
        const message = `minTier must be one of ${config.tiers.map((t) => t.code).join(', ')}`;
        throw new RewardException(RewardErrorCode.UnknownTier, message, [{ field: 'minTier', message }]);
      }
    }
    return toView(
      await this.rewards.insert({
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

function toView(r: RewardRecord): RewardView {
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
