import type { CustomerView } from '@rapport/contracts';
import { maskEmail, maskPhone, maskText } from '@rapport/platform-auth';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { CustomerRecord } from './customer.record';

/**
 * Without pii:read, phones, emails, streets and identifiers leave masked (138****1234,
 * a***@example.com, 龙******); names, cities and tags stay readable for service work.
 */
export function toCustomerView(customer: CustomerRecord, caller: CallerIdentity): CustomerView {
  const pii = caller.scopes.includes('pii:read');
  const phone = (p: string) => (pii ? p : maskPhone(p));
  const email = (e: string) => (pii ? e : maskEmail(e));
  return {
    id: customer.id,
    kind: customer.kind,
    name: customer.name,
    email: customer.email && email(customer.email),
    phone: customer.phone && phone(customer.phone),
    emails: customer.emails.map(email),
    phones: customer.phones.map(phone),
    gender: customer.gender,
    birthday: customer.birthday,
    addresses: customer.addresses.map((a) =>
      pii || a.street === undefined ? a : { ...a, street: maskText(a.street) },
    ),
    identifiers: customer.identifiers.map((i) => (pii ? i : { type: i.type, value: maskText(i.value) })),
    contacts: customer.contacts.map((c) => ({
      ...c,
      phone: c.phone && phone(c.phone),
      email: c.email && email(c.email),
    })),
    sourceChannel: customer.sourceChannel,
    tags: customer.tags,
    interests: customer.interests,
    preferences: customer.preferences,
    notes: customer.notes,
    customFields: customer.customFields,
    ownerId: customer.ownerId,
    team: customer.team,
    valueTier: customer.valueTier,
    ...(customer.lastContactAt !== undefined ? { lastContactAt: customer.lastContactAt?.toISOString() ?? null } : {}),
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
    version: customer.version,
  };
}
