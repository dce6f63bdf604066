import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CreateSegmentRequest, SegmentDefinition, UpdateSegmentRequest } from '@rapport/contracts';
import { customerVisibility, type CustomerVisibility } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { CustomFieldsRepository } from '../custom-fields/custom-fields.repository';
import type { CustomerRecord } from '../customers/customer.record';
import type { ExportRow } from '../exports/customer-csv';
import { maySegmentBeChanged } from './segment-access';
import { SegmentDefinitionParser } from './segment-definition.parser';
import type { ParsedGroup } from './segment-fields';
import {
  BadSegmentCursorException,
  InvalidSegmentException,
  NotAStaticListException,
  StaticListDefinitionException,
  SegmentNotFoundException,
  SegmentNotWritableException,
  StaleSegmentException,
} from './segments.exception';
import { SegmentsRepository, type MemberSource, type SegmentRecord } from './segments.repository';

const CURSOR_SORT = 'segment-members';

export interface MembershipOutcome {
  changed: string[];
  unchanged: string[];
  notFound: string[];
}

@Injectable()
export class SegmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly segments: SegmentsRepository,
    private readonly customFields: CustomFieldsRepository,
  ) {}

  /** A dynamic segment needs a valid definition; a static list has none. Nothing is written on bad input. */
  async create(input: CreateSegmentRequest, caller: CallerIdentity): Promise<SegmentRecord> {
    const kind = input.kind ?? 'dynamic';
    if (kind === 'dynamic') {
      if (input.definition === undefined)
        throw new InvalidSegmentException([
          { field: 'definition', message: 'definition is required for a dynamic segment' },
        ]);
      await this.parse(input.definition);
    } else if (input.definition !== undefined) {
      throw new InvalidSegmentException([
        { field: 'definition', message: 'definition is not allowed on a static list (its members are added by hand)' },
      ]);
    }
    return this.segments.insert({
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      kind,
      definition: kind === 'dynamic' ? input.definition! : null,
      ownerId: caller.sub,
      team: caller.team ?? null,
    });
  }

  list(): Promise<SegmentRecord[]> {
    return this.segments.list();
  }

  async get(id: string): Promise<SegmentRecord> {
    const segment = await this.segments.find(id);
    if (!segment) throw new SegmentNotFoundException(id);
    return segment;
  }

  /** Optimistic concurrency as for customers: a stale version (body or If-Match) gets 412. */
  async update(id: string, patch: UpdateSegmentRequest, caller: CallerIdentity): Promise<SegmentRecord> {
    const { version: expected, ...changes } = patch;
    await this.dataSource.transaction(async (manager) => {
      const current = await this.segments.find(id, manager, true);
      if (!current) throw new SegmentNotFoundException(id);
      if (!maySegmentBeChanged(current, caller)) throw new SegmentNotWritableException(id);
      if (expected !== undefined && expected !== current.version)
        throw new StaleSegmentException(id, expected, current.version);
      if (changes.definition !== undefined) {
        if (current.kind === 'static') throw new StaticListDefinitionException(id);
        await this.parse(changes.definition);
      }
      const next = {
        name: changes.name ?? current.name,
        description: changes.description !== undefined ? changes.description : current.description,
        definition: changes.definition ?? current.definition,
      };
      const same =
        next.name === current.name &&
        next.description === current.description &&
        JSON.stringify(next.definition) === JSON.stringify(current.definition);
      if (same) return;
      if (!(await this.segments.update(manager, id, current.version, next)))
        throw new StaleSegmentException(id, current.version, current.version + 1);
    });
    return this.get(id);
  }

  async delete(id: string, caller: CallerIdentity): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.segments.find(id, manager, true);
      if (!current) throw new SegmentNotFoundException(id);
      if (!maySegmentBeChanged(current, caller)) throw new SegmentNotWritableException(id);
      await this.segments.delete(manager, id);
    });
  }

  async count(id: string, caller: CallerIdentity): Promise<number> {
    return this.segments.count(await this.sourceOf(await this.get(id)), customerVisibility(caller));
  }

  async members(
    id: string,
    query: { limit?: number; cursor?: string },
    caller: CallerIdentity,
  ): Promise<{ items: CustomerRecord[]; nextCursor: string | null }> {
    return this.page(
      await this.sourceOf(await this.get(id)),
      customerVisibility(caller),
      query.limit ?? 50,
      query.cursor,
    );
  }

  async preview(
    definition: SegmentDefinition,
    limit: number,
    caller: CallerIdentity,
  ): Promise<{ count: number; items: CustomerRecord[] }> {
    const source: MemberSource = { kind: 'dynamic', root: await this.parse(definition) };
    const visibility = customerVisibility(caller);
    const [count, page] = [
      await this.segments.count(source, visibility),
      await this.page(source, visibility, limit, undefined),
    ];
    return { count, items: page.items };
  }

  /** The export's row source: keyset pages of the members, so memory stays flat at any size. */
  async exportRows(
    id: string,
    caller: CallerIdentity,
  ): Promise<(afterId: string | null, limit: number) => Promise<ExportRow[]>> {
    const source = await this.sourceOf(await this.get(id));
    const visibility = customerVisibility(caller);
    return (afterId, limit) => this.segments.exportPage(source, visibility, afterId, limit);
  }

  /** Idempotent: adding a member twice or removing a non-member changes nothing and is reported as such. */
  async changeMembers(
    id: string,
    ids: readonly string[],
    change: 'add' | 'remove',
    caller: CallerIdentity,
  ): Promise<MembershipOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const segment = await this.segments.find(id, manager, true);
      if (!segment) throw new SegmentNotFoundException(id);
      if (!maySegmentBeChanged(segment, caller)) throw new SegmentNotWritableException(id);
      if (segment.kind !== 'static') throw new NotAStaticListException(id);
      const visibility = customerVisibility(caller);
      const rows =
        change === 'add'
          ? await this.segments.addMembers(manager, id, ids, visibility, caller.sub)
          : await this.segments.removeMembers(manager, id, ids, visibility);
      const outcome: MembershipOutcome = { changed: [], unchanged: [], notFound: [] };
      for (const row of rows)
        (row.found ? (row.changed ? outcome.changed : outcome.unchanged) : outcome.notFound).push(row.id);
      if (outcome.changed.length > 0) await this.segments.touch(manager, id);
      return outcome;
    });
  }

  private async page(
    source: MemberSource,
    visibility: CustomerVisibility,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: CustomerRecord[]; nextCursor: string | null }> {
    let after: string | null = null;
    if (cursor !== undefined) {
      const decoded = decodeCursor(cursor, CURSOR_SORT);
      if (!decoded) throw new BadSegmentCursorException();
      after = decoded.id;
    }
    const items = await this.segments.members(source, visibility, after, limit + 1);
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: items.length > limit && last ? encodeCursor(CURSOR_SORT, last.id, last.id) : null,
    };
  }

  /**
   * A saved definition is parsed again on every read: custom field definitions may have changed
   * since, and the query builder takes only parsed trees.
   */
  private async sourceOf(segment: SegmentRecord): Promise<MemberSource> {
    if (segment.kind === 'static') return { kind: 'static', segmentId: segment.id };
    return { kind: 'dynamic', root: await this.parse(segment.definition!) };
  }

  private async parse(definition: unknown): Promise<ParsedGroup> {
    const result = new SegmentDefinitionParser(await this.customFields.all()).parse(definition);
    if (!result.ok) throw new InvalidSegmentException(result.errors, result.kind);
    return result.root;
  }
}
