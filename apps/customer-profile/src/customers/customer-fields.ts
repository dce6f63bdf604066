import type { CreateCustomerRequest, UpdateCustomerRequest } from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';
import { ContactNormaliser } from './contact-normaliser';
import type { CustomerFields, CustomerIdentifierRecord, CustomerRecord } from './customer.record';

const TRACKED: readonly (keyof CustomerFields)[] = [
  'kind',
  'name',
  'gender',
  'birthday',
  'email',
  'phone',
  'emails',
  'phones',
  'addresses',
  'identifiers',
  'contacts',
  'sourceChannel',
  'tags',
  'interests',
  'preferences',
  'notes',
  'customFields',
];

/**
 * Turns requests into the stored fields: phones to E.164, emails lower-cased, lists without
 * duplicates, the primary phone/email kept first in their lists. Pure: no I/O.
 */
export class CustomerFieldsBuilder {
  constructor(private readonly normaliser = new ContactNormaliser()) {}

  fromCreate(input: CreateCustomerRequest): { fields: CustomerFields; errors: FieldError[] } {
    const errors: FieldError[] = [];
    const phones = this.normaliser.phones(input.phone, input.phones, errors);
    const emails = this.normaliser.emails(input.email, input.emails);
    const fields: CustomerFields = {
      kind: input.kind ?? 'person',
      name: input.name,
      gender: input.gender ?? null,
      birthday: input.birthday ?? null,
      phone: phones[0] ?? null,
      phones,
      email: emails[0] ?? null,
      emails,
      addresses: (input.addresses ?? []).map((a) => ({ ...a })),
      identifiers: uniqueIdentifiers(input.identifiers ?? []),
      contacts: (input.contacts ?? []).map((c, i) => ({
        name: c.name,
        title: c.title ?? null,
        phone: c.phone === undefined ? null : (this.normaliser.phone(c.phone, `contacts[${i}].phone`, errors) ?? null),
        email: c.email === undefined ? null : this.normaliser.email(c.email),
      })),
      sourceChannel: input.sourceChannel ?? null,
      tags: [...new Set(input.tags ?? [])],
      interests: [...new Set(input.interests ?? [])],
      preferences: input.preferences ?? {},
      notes: input.notes ?? null,
      customFields: dropNulls(input.customFields ?? {}),
    };
    return { fields, errors };
  }

  /**
   * A partial update on top of the stored record: a field that is absent stays, a given one replaces
   * (null clears it; a list set to null becomes empty), customFields merge key by key (null removes a key).
   */
  fromUpdate(current: CustomerRecord, patch: UpdateCustomerRequest): { fields: CustomerFields; errors: FieldError[] } {
    const errors: FieldError[] = [];
    for (const required of ['name', 'kind'] as const) {
      if (patch[required] === null) errors.push({ field: required, message: `${required} cannot be removed` });
    }
    const currentContacts = current.contacts.map(({ name, title, phone, email }) => ({ name, title, phone, email }));
    const given = <K extends keyof UpdateCustomerRequest>(key: K): boolean => patch[key] !== undefined;
    const merged: CreateCustomerRequest = {
      name: patch.name ?? current.name,
      kind: patch.kind ?? current.kind,
      ...optional('gender', given('gender') ? patch.gender : current.gender),
      ...optional('birthday', given('birthday') ? patch.birthday : current.birthday),
      ...optional('sourceChannel', given('sourceChannel') ? patch.sourceChannel : current.sourceChannel),
      ...optional('notes', given('notes') ? patch.notes : current.notes),
      phone: given('phone') ? (patch.phone ?? undefined) : (current.phone ?? undefined),
      phones: given('phones') ? (patch.phones ?? []) : current.phones.filter((p) => p !== current.phone),
      email: given('email') ? (patch.email ?? undefined) : (current.email ?? undefined),
      emails: given('emails') ? (patch.emails ?? []) : current.emails.filter((e) => e !== current.email),
      addresses: given('addresses') ? (patch.addresses ?? []) : current.addresses,
      identifiers: given('identifiers') ? (patch.identifiers ?? []) : current.identifiers,
      tags: given('tags') ? (patch.tags ?? []) : current.tags,
      interests: given('interests') ? (patch.interests ?? []) : current.interests,
      preferences: given('preferences') ? (patch.preferences ?? {}) : current.preferences,
      customFields: { ...current.customFields, ...(patch.customFields ?? {}) },
    };
    const built = this.fromCreate(merged);
    if (patch.contacts === undefined) built.fields.contacts = currentContacts;
    return { fields: built.fields, errors: [...errors, ...built.errors] };
  }

  /** The survivor's fields after taking in `source`: survivor's values first, the source's fill the gaps. */
  merged(survivor: CustomerRecord, source: CustomerRecord): CustomerFields {
    const union = <T>(a: readonly T[], b: readonly T[]): T[] => {
      const seen = new Set(a.map((x) => JSON.stringify(x)));
      return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
    };
    const contacts = (c: CustomerRecord) =>
      c.contacts.map(({ name, title, phone, email }) => ({ name, title, phone, email }));
    return {
      kind: survivor.kind,
      name: survivor.name,
      gender: survivor.gender ?? source.gender,
      birthday: survivor.birthday ?? source.birthday,
      phone: survivor.phone ?? source.phone,
      phones: union(survivor.phones, source.phones),
      email: survivor.email ?? source.email,
      emails: union(survivor.emails, source.emails),
      addresses: union(survivor.addresses, source.addresses),
      identifiers: union(survivor.identifiers, source.identifiers),
      contacts: union(contacts(survivor), contacts(source)),
      sourceChannel: survivor.sourceChannel ?? source.sourceChannel,
      tags: union(survivor.tags, source.tags),
      interests: union(survivor.interests, source.interests),
      preferences: { ...source.preferences, ...survivor.preferences },
      notes: [survivor.notes, source.notes].filter((n) => n).join('\n\n') || null,
      customFields: { ...source.customFields, ...survivor.customFields },
    };
  }

  /** Names of the fields whose stored value differs (what customer.updated tells, without values). */
  changedFields(current: CustomerRecord, next: CustomerFields): string[] {
    const before: Record<string, unknown> = {
      ...current,
      contacts: current.contacts.map(({ name, title, phone, email }) => ({ name, title, phone, email })),
    };
    return TRACKED.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]));
  }
}

function uniqueIdentifiers(list: readonly CustomerIdentifierRecord[]): CustomerIdentifierRecord[] {
  const seen = new Set<string>();
  return list
    .filter((i) => {
      const key = `${i.type}\u0000${i.value}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ type, value }) => ({ type, value }));
}

function dropNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, never>> {
  return value === null || value === undefined ? {} : ({ [key]: value } as Partial<Record<K, never>>);
}
