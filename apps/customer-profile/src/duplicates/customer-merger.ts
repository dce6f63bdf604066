import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DuplicatesRepository } from './duplicates.repository';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { OwnershipRepository } from '../ownership/ownership.repository';
import { MergeRepository } from './merge.repository';

/**
 * The merge's data section: runs inside the merge transaction (both customers locked), after the
 * survivor took the source's fields and before the source becomes a tombstone. Order matters: the
 * lifecycle looks at both sides' purchases before they come together.
 */
@Injectable()
export class CustomerMerger {
  constructor(
    private readonly merges: MergeRepository,
    private readonly duplicates: DuplicatesRepository,
    private readonly ownership: OwnershipRepository,
    private readonly lifecycle: LifecycleService,
  ) {}

  async merge(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    const sides = await this.lifecycle.mergeSides(manager, survivorId, mergedId);
    await this.merges.movePurchases(manager, mergedId, survivorId);
    await this.merges.foldActivity(manager, mergedId, survivorId);
    await this.ownership.moveHistory(manager, mergedId, survivorId);
    await this.lifecycle.afterMerge(manager, survivorId, mergedId, sides);
    // pairs of a merged customer are settled: the merge was the review's answer
    await this.duplicates.forget(manager, mergedId);
  }
}
