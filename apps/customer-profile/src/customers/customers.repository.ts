import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { PostalAddress, ValueTier } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql } from '../shared/visibility.sql';
import { buildSearchKey } from '../search/search-key';
import type { ContactPersonRecord, CustomerFields, CustomerIdentifierRecord, CustomerRecord } from './customer.record';

interface CustomerRow {
  id: string;
  kind: 'person' | 'organisation';
  name: string;
  gender: string | null;
  birthday: string | null;
  email: string | null;
  phone: string | null;
  emails: string[];
  phones: string[];
  addresses: PostalAddress[];
  tags: string[];
  interests: string[];
  preferences: Record<string, unknown>;
  notes: string | null;
  custom_fields: Record<string, unknown>;
  source_channel: string | null;
  owner_id: string | null;
  team: string | null;
  value_tier: ValueTier | null;
  last_contact_at?: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  created_key: string;
}

export const CUSTOMER_COLUMNS = `c.id, c.kind, c.name, c.gender, to_char(c.birthday, 'YYYY-MM-DD') AS birthday, c.email, c.phone, c.emails, c.phones,
  c.addresses, c.tags, c.interests, c.preferences, c.notes, c.custom_fields, c.source_channel, c.owner_id, c.team,
  c.value_tier, c.last_contact_at, c.created_at, c.updated_at, c.version, c.created_at::text AS created_key`;

export interface ListFilter {
  sort: 'createdAt' | '-createdAt' | 'name' | '-name';
  limit: number;
  after?: { key: string; id: string };
  tag?: string;
  source?: string;
  kind?: string;
  stage?: string;
  tier?: ValueTier;
  customFields: Record<string, unknown>[];
}

/** The only place of SQL for customers. Erased customers are invisible to every read here. */
@Injectable()
export class CustomersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    id: string,
    fields: CustomerFields,
    owner: { ownerId: string | null; team: string | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO customer_profile.customers
         (id, kind, name, gender, birthday, email, phone, emails, phones, addresses, tags, interests, preferences, notes,
          custom_fields, source_channel, owner_id, team, search_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [id, ...fieldValues(fields), owner.ownerId, owner.team, searchKeyOf(fields)],
    );
    await this.replaceIdentifiers(manager, id, fields.identifiers);
    await this.replaceContacts(manager, id, fields.contacts);
  }

  /** Applies `fields` when the row is still at `expectedVersion`; false when it moved on meanwhile. */
  async update(manager: EntityManager, id: string, fields: CustomerFields, expectedVersion: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE customer_profile.customers SET
         kind = $3, name = $4, gender = $5, birthday = $6, email = $7, phone = $8, emails = $9, phones = $10, addresses = $11,
         tags = $12, interests = $13, preferences = $14, notes = $15, custom_fields = $16, source_channel = $17, search_key = $18,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 AND erased_at IS NULL RETURNING id`,
      [id, expectedVersion, ...fieldValues(fields), searchKeyOf(fields)],
    );
    if (rows.length === 0) return false;
    await this.replaceIdentifiers(manager, id, fields.identifiers);
    await this.replaceContacts(manager, id, fields.contacts);
    return true;
  }

  /** Identifiers of `identifiers` that another customer holds already. */
  async identifiersHeldByOthers(
    manager: EntityManager,
    id: string,
    identifiers: readonly CustomerIdentifierRecord[],
  ): Promise<CustomerIdentifierRecord[]> {
    if (identifiers.length === 0) return [];
    return manager.query(
      `SELECT i.type, i.value FROM customer_profile.customer_identifiers i
        JOIN unnest($1::text[], $2::text[]) AS w(type, value) ON w.type = i.type AND w.value = i.value
       WHERE i.customer_id <> $3`,
      [identifiers.map((i) => i.type), identifiers.map((i) => i.value), id],
    );
  }

  private async replaceIdentifiers(
    manager: EntityManager,
    id: string,
    identifiers: readonly CustomerIdentifierRecord[],
  ): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.customer_identifiers WHERE customer_id = $1`, [id]);
    if (identifiers.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile.customer_identifiers (type, value, customer_id) SELECT t, v, $3 FROM unnest($1::text[], $2::text[]) AS w(t, v)`,
      [identifiers.map((i) => i.type), identifiers.map((i) => i.value), id],
    );
  }

  private async replaceContacts(
    manager: EntityManager,
    id: string,
    contacts: readonly Omit<ContactPersonRecord, 'id'>[],
  ): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.customer_contacts WHERE customer_id = $1`, [id]);
    if (contacts.length === 0) return;
    await manager.query(
      `INSERT INTO customer_profile.customer_contacts (id, customer_id, position, name, title, phone, email)
       SELECT id, $1, position, name, title, phone, email
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[]) AS w(id, position, name, title, phone, email)`,
      [
        id,
        contacts.map(() => randomUUID()),
        contacts.map((_, i) => i),
        contacts.map((c) => c.name),
        contacts.map((c) => c.title),
        contacts.map((c) => c.phone),
        contacts.map((c) => c.email),
      ],
    );
  }

  /** Row-level protection lives in the query: a customer the caller may not see is simply not found. */
  async findVisible(
    id: string,
    visibility: CustomerVisibility,
    manager: EntityManager = this.dataSource.manager,
    forUpdate = false,
  ): Promise<CustomerRecord | null> {
    const params: unknown[] = [id];
    // a merged customer's tombstone redirects to its survivor (always one hop: merges re-point older tombstones)
    const rows: CustomerRow[] = await manager.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customer_profile.customers c
        WHERE c.id = (SELECT coalesce(t.merged_into, t.id) FROM customer_profile.customers t WHERE t.id = $1)
          AND c.merged_into IS NULL AND c.erased_at IS NULL AND ${visibilitySql(visibility, params)}${forUpdate ? ' FOR UPDATE' : ''}`,
      params,
    );
    return (await this.withRelations(manager, rows))[0] ?? null;
  }

  /** One page: the customers, then their identifiers and contacts for the whole page (three statements). */
  async list(filter: ListFilter, visibility: CustomerVisibility): Promise<CustomerRecord[]> {
    const params: unknown[] = [];
    const where = ['c.erased_at IS NULL', 'c.merged_into IS NULL', visibilitySql(visibility, params)];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.tag !== undefined) where.push(`c.tags @> ARRAY[${add(filter.tag)}]::text[]`);
    if (filter.source !== undefined) where.push(`c.source_channel = ${add(filter.source)}`);
    if (filter.kind !== undefined) where.push(`c.kind = ${add(filter.kind)}`);
    // lifecycle_stage belongs to the lifecycle feature's migration
    if (filter.stage !== undefined) where.push(`c.lifecycle_stage = ${add(filter.stage)}`);
    // value_tier is written by the scores consumer (analytics' customer.scored)
    if (filter.tier !== undefined) where.push(`c.value_tier = ${add(filter.tier)}`);
    for (const cf of filter.customFields) where.push(`c.custom_fields @> ${add(JSON.stringify(cf))}::jsonb`);
    const descending = filter.sort.startsWith('-');
    const column = filter.sort.endsWith('name') ? 'c.name' : 'c.created_at';
    if (filter.after) {
      const cast = column === 'c.name' ? '::text' : '::timestamptz';
      where.push(
        `(${column}, c.id) ${descending ? '<' : '>'} (${add(filter.after.key)}${cast}, ${add(filter.after.id)}::uuid)`,
      );
    }
    const direction = descending ? 'DESC' : 'ASC';
    const rows: CustomerRow[] = await this.dataSource.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customer_profile.customers c WHERE ${where.join(' AND ')}
        ORDER BY ${column} ${direction}, c.id ${direction} LIMIT ${add(filter.limit)}`,
      params,
    );
    return this.withRelations(this.dataSource.manager, rows);
  }

  /** Identifiers and contact persons of many customers in two statements, whatever their number. */
  async withRelations(manager: EntityManager, rows: readonly CustomerRow[]): Promise<CustomerRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [identifiers, contacts] = [
      (await manager.query(
        `SELECT customer_id, type, value FROM customer_profile.customer_identifiers WHERE customer_id = ANY($1::uuid[]) ORDER BY type, value`,
        [ids],
      )) as (CustomerIdentifierRecord & { customer_id: string })[],
      (await manager.query(
        `SELECT id, customer_id, name, title, phone, email FROM customer_profile.customer_contacts WHERE customer_id = ANY($1::uuid[]) ORDER BY position`,
        [ids],
      )) as (ContactPersonRecord & { customer_id: string })[],
    ];
    return rows.map((r) => ({
      ...toRecord(r),
      identifiers: identifiers.filter((i) => i.customer_id === r.id).map(({ type, value }) => ({ type, value })),
      contacts: contacts
        .filter((c) => c.customer_id === r.id)
        .map(({ id, name, title, phone, email }) => ({ id, name, title, phone, email })),
    }));
  }

  /** Before a merge: the merged customer's identifiers and contacts are freed (the survivor takes them over). */
  async releaseRelations(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.customer_identifiers WHERE customer_id = $1`, [id]);
    await manager.query(`DELETE FROM customer_profile.customer_contacts WHERE customer_id = $1`, [id]);
  }

  /** The merged customer becomes a tombstone: no personal data (it lives on the survivor now), a pointer to the survivor. */
  async tombstone(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.customers SET merged_into = $2 WHERE merged_into = $1`, [
      mergedId,
      survivorId,
    ]);
    await manager.query(
      `UPDATE customer_profile.customers SET
         merged_into = $2, name = 'merged', gender = NULL, birthday = NULL, email = NULL, phone = NULL, emails = '{}', phones = '{}',
         addresses = '[]', tags = '{}', interests = '{}', preferences = '{}', notes = NULL, custom_fields = '{}', search_key = '',
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [mergedId, survivorId],
    );
  }

  /**
   * Erasure: personal data is overwritten in place (the row stays so that anonymous aggregates and
   * references of other tables keep a key), identifiers and contact persons are deleted.
   */
  async erase(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.customer_identifiers WHERE customer_id = $1`, [id]);
    await manager.query(`DELETE FROM customer_profile.customer_contacts WHERE customer_id = $1`, [id]);
    await manager.query(
      `UPDATE customer_profile.customers SET
         name = 'erased', gender = NULL, birthday = NULL, email = NULL, phone = NULL, emails = '{}', phones = '{}', addresses = '[]',
         tags = '{}', interests = '{}', preferences = '{}', notes = NULL, custom_fields = '{}', search_key = '',
         erased_at = now(), updated_at = now(), version = version + 1
       WHERE id = $1`,
      [id],
    );
  }
}

function searchKeyOf(fields: CustomerFields): string {
  return buildSearchKey({ ...fields, contactNames: fields.contacts.map((c) => c.name) });
}

export type { CustomerRow };

export function toRecord(r: CustomerRow): Omit<CustomerRecord, 'identifiers' | 'contacts'> {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    gender: r.gender,
    birthday: r.birthday,
    email: r.email,
    phone: r.phone,
    emails: r.emails,
    phones: r.phones,
    addresses: r.addresses,
    tags: r.tags,
    interests: r.interests,
    preferences: r.preferences,
    notes: r.notes,
    customFields: r.custom_fields,
    sourceChannel: r.source_channel,
    ownerId: r.owner_id,
    team: r.team,
    valueTier: r.value_tier,
    ...(r.last_contact_at !== undefined ? { lastContactAt: r.last_contact_at } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    createdKey: r.created_key,
  };
}

/** The record's columns kind … source_channel, in the order both INSERT and UPDATE list them. */
function fieldValues(fields: CustomerFields): unknown[] {
  return [
    fields.kind,
    fields.name,
    fields.gender,
    fields.birthday,
    fields.email,
    fields.phone,
    fields.emails,
    fields.phones,
    JSON.stringify(fields.addresses),
    fields.tags,
    fields.interests,
    JSON.stringify(fields.preferences),
    fields.notes,
    JSON.stringify(fields.customFields),
    fields.sourceChannel,
  ];
}
