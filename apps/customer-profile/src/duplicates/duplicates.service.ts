import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { Injectable } from '@nestjs/common';
import type { DuplicatePairList, DuplicatesQuery } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { DuplicateErrorCode, DuplicateException } from './duplicates.exception';
import { DuplicatesRepository } from './duplicates.repository';

/** Likely duplicates to review, newest first, among the customers the caller may see; keyset paged. */
@Injectable()
export class DuplicatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly duplicates: DuplicatesRepository,
  ) {}

  async list(query: DuplicatesQuery, caller: CallerIdentity): Promise<DuplicatePairList> {
    const limit = query.limit ?? 50;
    let after: { key: string; customerId: string; duplicateOfId: string } | undefined;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, 'duplicates');
      const [key, duplicateOfId] = typeof decoded?.key === 'string' ? decoded.key.split('|') : [];
      if (!decoded || !key || !duplicateOfId) {
        throw new DuplicateException(DuplicateErrorCode.BadCursor, 'cursor is not a cursor of this listing', [
          { field: 'cursor', message: 'cursor is not valid' },
        ]);
      }
      after = { key, customerId: decoded.id, duplicateOfId };
    }
    const rows = await this.duplicates.list(this.dataSource.manager, customerVisibility(caller), limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        customerId: r.customerId,
        duplicateOfId: r.duplicateOfId,
        matchedOn: r.matchedOn,
        detectedAt: r.detectedAt.toISOString(),
      })),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor('duplicates', `${last.detectedKey}|${last.duplicateOfId}`, last.customerId)
          : null,
    };
  }
}
