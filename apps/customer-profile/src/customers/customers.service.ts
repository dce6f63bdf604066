import { decodeCursor, encodeCursor } from '@rapport/platform-http';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  CustomerCreatedV1,
  CustomerErasedV1,
  CustomerMergedV1,
  CustomerUpdatedV1,
  type CreateCustomerRequest,
  type ListCustomersQuery,
  type UpdateCustomerRequest,
} from '@rapport/contracts';
import { customerVisibility, identifierDigest } from '@rapport/platform-auth';
import type { FieldError } from '@rapport/platform-http';
import { OutboxWriter } from '@rapport/platform-messaging';
import { SERVICE_CONFIG, type CallerIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomFieldValidator } from '../custom-fields/custom-field-validator';
import { CustomFieldsRepository } from '../custom-fields/custom-fields.repository';
import { DuplicatesRepository } from '../duplicates/duplicates.repository';
import { ErasuresService } from '../erasures/erasures.service';
import { OwnershipService } from '../ownership/ownership.service';
import { contactFingerprinter, type FingerprintedContacts } from './contact-fingerprint';
import { CustomerDataRegistry } from './customer-data.registry';
import { CustomerFieldsBuilder } from './customer-fields';
import type { CustomerFields, CustomerRecord } from './customer.record';
import {
  AlreadyMergedException,
  BadCursorException,
  CustomerNotFoundException,
  IdentifierTakenException,
  InvalidCustomerException,
  InvalidMergeSourceException,
  LikelyDuplicateException,
  StaleVersionException,
} from './customers.exception';
import { CustomersRepository } from './customers.repository';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class CustomersService {
  private readonly builder = new CustomerFieldsBuilder();
  /** Read at boot: a missing or short CONTACT_FINGERPRINT_KEY stops the service with a message naming it. */
  private readonly fingerprints = contactFingerprinter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly customFields: CustomFieldsRepository,
    private readonly outbox: OutboxWriter,
    private readonly dataSections: CustomerDataRegistry,
    private readonly duplicates: DuplicatesRepository,
    private readonly ownership: OwnershipService,
    private readonly erasures: ErasuresService,
    @Inject(SERVICE_CONFIG) private readonly serviceConfig: ServiceConfig,
  ) {}

  /**
   * The row and its customer.created event commit together (transactional outbox). A person who
   * creates a customer owns it; a department system's records land in the public pool.
   *
   * Duplicates: a shared phone, email or identifier is a strong signal and refuses the create
   * (409 with the candidates) unless `force`; a nearly equal name alone is a weak one (common
   * Chinese names repeat) and only puts the pair on the review list, as do forced creates.
   *
   * With `assign` the customer is created unowned and dealt by the rule (round robin within a
   * team) in the same transaction: customer.created and ownership.changed commit together, and a
   * refused assignment (no such team, no members, not allowed) writes nothing.
   */
  async create(input: CreateCustomerRequest, caller: CallerIdentity, force = false): Promise<CustomerRecord> {
    const { assign, ...request } = input;
    const { fields, errors } = this.builder.fromCreate(request);
    await this.checkCustomFields(fields, errors);
    const ownedByCaller = !caller.roles.includes('integration') && assign === undefined;
    const id = randomUUID();
    await this.writing(async (manager) => {
      const candidates = await this.duplicates.candidates(manager, fields);
      const strong = candidates.filter((c) => c.matchedOn.some((m) => m !== 'name'));
      if (strong.length > 0 && !force) throw new LikelyDuplicateException(strong);
      await this.checkIdentifiers(manager, id, fields);
      await this.customers.insert(manager, id, fields, {
        ownerId: ownedByCaller ? caller.sub : null,
        team: ownedByCaller ? (caller.team ?? null) : null,
      });
      await this.duplicates.record(manager, id, candidates);
      await this.publishCreated(manager, id);
      if (assign)
        await this.ownership.assignCreatedByRule(
          manager,
          id,
          { rule: assign.rule, team: assign.team, field: 'assign.team' },
          caller,
        );
    });
    return (await this.customers.findVisible(id, { kind: 'all' }))!;
  }

  /**
   * A lead for someone who wrote to the WeChat Official Account and is no customer yet (interaction's
   * wechat-follower.unmatched): a person in the public pool (no owner) with the openid as its
   * wechat_openid identifier, source channel wechat. Once per openid: a customer already holding the
   * openid (an earlier lead, or a customer given it by hand since) makes this a no-op. Runs in the
   * caller's (the inbox's) transaction.
   */
  async createWechatLead(manager: EntityManager, openid: string): Promise<string | undefined> {
    const identifiers = [{ type: 'wechat_openid' as const, value: openid }];
    const id = randomUUID();
    if ((await this.customers.identifiersHeldByOthers(manager, id, identifiers)).length > 0) return undefined;
    const { fields, errors } = this.builder.fromCreate({
      kind: 'person',
      // No name is known: WeChat gives an Official Account only the openid.
      name: `WeChat follower ${openid.slice(-6)}`,
      identifiers,
      sourceChannel: 'wechat',
    });
    if (errors.length > 0) throw new InvalidCustomerException(errors);
    await this.customers.insert(manager, id, fields, { ownerId: null, team: null });
    await this.publishCreated(manager, id);
    return id;
  }

  private openidDigest(openid: string): string {
    return digestOf(this.serviceConfig.INTERNAL_AUTH_SECRET, openid);
  }

  /** customer.updated's wechatOpenidDigest: present only when the openid changed (null: removed). */
  private changedWechatOpenid(before: Identifiers, after: Identifiers): { wechatOpenidDigest?: string | null } {
    const previous = wechatOpenidOf(before);
    const next = wechatOpenidOf(after);
    return previous === next ? {} : { wechatOpenidDigest: next === null ? null : this.openidDigest(next) };
  }

  /** customer.created as every path that creates a customer writes it. */
  private async publishCreated(manager: EntityManager, id: string): Promise<void> {
    const created = (await this.customers.findVisible(id, { kind: 'all' }, manager))!;
    const wechatOpenid = wechatOpenidOf(created.identifiers);
    const wechatOpenidDigest = wechatOpenid ? this.openidDigest(wechatOpenid) : null;
    await this.outbox.add(manager, CustomerCreatedV1, id, {
      customerId: id,
      kind: created.kind,
      ...(created.sourceChannel ? { sourceChannel: created.sourceChannel } : {}),
      ...(created.ownerId ? { ownerId: created.ownerId } : {}),
      ...(created.team ? { team: created.team } : {}),
      createdAt: created.createdAt.toISOString(),
      contactFingerprints: this.fingerprints.of(created),
      ...(wechatOpenidDigest ? { wechatOpenidDigest } : {}),
    });
  }

  async get(id: string, caller: CallerIdentity): Promise<CustomerRecord> {
    const customer = await this.customers.findVisible(id, customerVisibility(caller));
    if (!customer) throw new CustomerNotFoundException(id);
    return customer;
  }

  /**
   * Optimistic concurrency: with a version (body or If-Match), a write based on an older version
   * is refused with 412; without one the write applies to the latest version. An update that
   * changes nothing writes nothing and publishes nothing.
   */
  async update(id: string, patch: UpdateCustomerRequest, caller: CallerIdentity): Promise<CustomerRecord> {
    const { version: expected, ...changes } = patch;
    const definitions = await this.customFields.all();
    await this.writing(async (manager) => {
      const current = await this.customers.findVisible(id, customerVisibility(caller), manager, true);
      if (!current) throw new CustomerNotFoundException(id);
      if (expected !== undefined && expected !== current.version)
        throw new StaleVersionException(id, expected, current.version);
      const { fields, errors } = this.builder.fromUpdate(current, changes);
      errors.push(...new CustomFieldValidator(definitions).validate(fields.customFields));
      if (errors.length > 0) throw new InvalidCustomerException(errors);
      const changedFields = this.builder.changedFields(current, fields);
      if (changedFields.length === 0) return;
      await this.checkIdentifiers(manager, current.id, fields);
      if (!(await this.customers.update(manager, current.id, fields, current.version))) {
        throw new StaleVersionException(id, current.version, current.version + 1);
      }
      await this.outbox.add(manager, CustomerUpdatedV1, current.id, {
        customerId: current.id,
        changedFields,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
        ...this.changedFingerprints(current, fields),
        ...this.changedWechatOpenid(current.identifiers, fields.identifiers),
      });
    });
    return this.get(id, caller);
  }

  async list(
    query: ListCustomersQuery,
    caller: CallerIdentity,
  ): Promise<{ items: CustomerRecord[]; nextCursor: string | null }> {
    const sort = query.sort ?? '-createdAt';
    const limit = query.limit ?? 50;
    let after: { key: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, sort);
      if (!decoded || typeof decoded.key !== 'string') throw new BadCursorException();
      after = { key: decoded.key, id: decoded.id };
    }
    const customFields: Record<string, unknown>[] = [];
    if (query.cf?.length) {
      const validator = new CustomFieldValidator(await this.customFields.all());
      const errors: FieldError[] = [];
      for (const filter of query.cf) {
        const at = filter.indexOf(':');
        const key = filter.slice(0, at);
        const parsed = validator.filterValue(key, filter.slice(at + 1));
        if ('error' in parsed) errors.push(parsed.error);
        else customFields.push({ [key]: parsed.value });
      }
      if (errors.length > 0) throw new InvalidCustomerException(errors);
    }
    const items = await this.customers.list(
      {
        sort,
        limit: limit + 1,
        ...(after ? { after } : {}),
        ...(query.tag !== undefined ? { tag: query.tag } : {}),
        ...(query.source !== undefined ? { source: query.source } : {}),
        ...(query.kind !== undefined ? { kind: query.kind } : {}),
        ...(query.stage !== undefined ? { stage: query.stage } : {}),
        ...(query.tier !== undefined ? { tier: query.tier } : {}),
        customFields,
      },
      customerVisibility(caller),
    );
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      items.length > limit && last
        ? encodeCursor(sort, sort.endsWith('name') ? last.name : last.createdKey, last.id)
        : null;
    return { items: page, nextCursor };
  }

  /** Everything this service holds on the customer: the record and every registered section. */
  async export(
    id: string,
    caller: CallerIdentity,
  ): Promise<{ customer: CustomerRecord; sections: Record<string, unknown> }> {
    const customer = await this.get(id, caller);
    const sections: Record<string, unknown> = {};
    for (const section of this.dataSections.all())
      sections[section.name] = await section.export(this.dataSource.manager, customer.id);
    return { customer, sections };
  }

  /**
   * Erasure (PIPL art. 47): personal data overwritten, identifiers and contacts deleted, each
   * registered section erased, an erasure request opened (the other services acknowledge it) with
   * customer-profile's own acknowledgement, customer.erased published with the request's id — in one
   * transaction. The id stays as an anonymous key for aggregates; every later read answers 404.
   * Answers the erasure request's id.
   */
  async erase(id: string, caller: CallerIdentity): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.customers.findVisible(id, customerVisibility(caller), manager, true);
      if (!current) throw new CustomerNotFoundException(id);
      // Counted before: customer-profile's acknowledgement says what the erasure removed.
      const held = await this.erasures.countHeld(manager, current.id);
      for (const section of this.dataSections.all()) await section.erase(manager, current.id);
      await this.customers.erase(manager, current.id);
      const erasureId = await this.erasures.open(manager, current.id, caller);
      await this.outbox.add(manager, CustomerErasedV1, current.id, {
        customerId: current.id,
        erasedAt: new Date().toISOString(),
        erasureId,
      });
      await this.erasures.acknowledgeOwn(manager, erasureId, current.id, held);
      return erasureId;
    });
  }

  /**
   * Merges `sourceId` into `survivorId`: the survivor keeps its own values and takes the source's
   * where it has none; lists (phones, emails, addresses, tags, interests) are united, survivor's
   * first; identifiers and contact persons move; every registered section moves its data
   * (consents here). The source becomes a tombstone whose reads redirect to the survivor.
   */
  async merge(survivorId: string, sourceId: string, caller: CallerIdentity): Promise<CustomerRecord> {
    if (survivorId === sourceId) throw new InvalidMergeSourceException('must be another customer than the survivor');
    let survivorKey = survivorId;
    await this.dataSource.transaction(async (manager) => {
      const visibility = customerVisibility(caller);
      const survivor = await this.customers.findVisible(survivorId, visibility, manager, true);
      if (!survivor) throw new CustomerNotFoundException(survivorId);
      const source = await this.customers.findVisible(sourceId, visibility, manager, true);
      if (!source) throw new InvalidMergeSourceException(`no customer ${sourceId} you can see`);
      if (source.id === survivor.id) throw new AlreadyMergedException(sourceId, survivor.id);
      survivorKey = survivor.id;
      const fields = this.builder.merged(survivor, source);
      await this.customers.releaseRelations(manager, source.id);
      await this.customers.update(manager, survivor.id, fields, survivor.version);
      for (const section of this.dataSections.all()) await section.merge?.(manager, source.id, survivor.id);
      await this.customers.tombstone(manager, source.id, survivor.id);
      // The survivor took the source's contacts: consumers holding fingerprints learn its new set.
      const fingerprints = this.changedFingerprints(survivor, fields);
      const mergedFields = this.builder.changedFields(survivor, fields);
      if (fingerprints.contactFingerprints && mergedFields.length > 0) {
        await this.outbox.add(manager, CustomerUpdatedV1, survivor.id, {
          customerId: survivor.id,
          changedFields: mergedFields,
          version: survivor.version + 1,
          updatedAt: new Date().toISOString(),
          ...fingerprints,
          ...this.changedWechatOpenid(survivor.identifiers, fields.identifiers),
        });
      }
      await this.outbox.add(manager, CustomerMergedV1, survivor.id, {
        customerId: survivor.id,
        survivorId: survivor.id,
        mergedId: source.id,
        mergedAt: new Date().toISOString(),
      });
    });
    return this.get(survivorKey, caller);
  }

  /** The full new set of contact fingerprints when it differs from the current one; nothing otherwise. */
  private changedFingerprints(
    current: FingerprintedContacts,
    next: FingerprintedContacts,
  ): { contactFingerprints?: string[] } {
    const before = this.fingerprints.of(current);
    const after = this.fingerprints.of(next);
    const same = before.length === after.length && after.every((f) => before.includes(f));
    return same ? {} : { contactFingerprints: after };
  }

  private async checkCustomFields(fields: CustomerFields, errors: FieldError[]): Promise<void> {
    errors.push(...new CustomFieldValidator(await this.customFields.all()).validate(fields.customFields));
    if (errors.length > 0) throw new InvalidCustomerException(errors);
  }

  private async checkIdentifiers(manager: EntityManager, id: string, fields: CustomerFields): Promise<void> {
    const taken = await this.customers.identifiersHeldByOthers(manager, id, fields.identifiers);
    if (taken.length > 0) throw new IdentifierTakenException(taken);
  }

  /** A transaction whose unique-identifier race (two creates at once) ends as 409, not 500. */
  private async writing(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      const pg = error as { code?: string; driverError?: { code?: string; constraint?: string } };
      if (
        (pg.driverError?.code ?? pg.code) === UNIQUE_VIOLATION &&
        pg.driverError?.constraint === 'customer_identifiers_pkey'
      ) {
        throw new IdentifierTakenException([{ type: 'identifier', value: '' }]);
      }
      throw error;
    }
  }
}

type Identifiers = readonly { type: string; value: string }[];

function wechatOpenidOf(identifiers: Identifiers): string | null {
  return identifiers.find((i) => i.type === 'wechat_openid')?.value ?? null;
}

/** The openid's digest as interaction computes it (events carry the digest, never the openid). */
function digestOf(internalAuthSecret: string, openid: string): string {
  return identifierDigest(internalAuthSecret, 'wechat-openid', openid);
}
