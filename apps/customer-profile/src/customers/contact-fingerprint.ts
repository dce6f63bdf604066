import { createHmac } from 'node:crypto';
import { loadConfig } from '@rapport/platform-config';
import { z } from 'zod';
import { ContactNormaliser } from './contact-normaliser';

/**
 * Contact fingerprints let other services tell that two customers share a phone, email or
 * identifier without ever holding one (PIPL data minimisation): each normalised contact is run
 * through HMAC-SHA256 under a key only customer-profile has, so a consumer can compare fingerprints
 * for equality but cannot reverse them, nor test guesses (a phone number has too few digits for a
 * plain hash to hide it; without the key there is nothing to test a guess against).
 */
export const contactFingerprintConfigSchema = z.object({
  CONTACT_FINGERPRINT_KEY: z.string({ error: 'is required' }).min(32, 'expected at least 32 characters'),
});

export type ContactFingerprintConfig = z.infer<typeof contactFingerprintConfigSchema>;

/** Events carry at most this many (the event schema's limit); the primary contacts come first. */
export const MAX_CONTACT_FINGERPRINTS = 50;

export interface FingerprintedContacts {
  phone?: string | null;
  phones?: readonly string[];
  email?: string | null;
  emails?: readonly string[];
  identifiers?: ReadonlyArray<{ type: string; value: string }>;
}

export class ContactFingerprinter {
  private readonly normaliser = new ContactNormaliser();

  constructor(private readonly key: string) {
    if (key.length < 32) throw new Error('the contact fingerprint key must have at least 32 characters');
  }

  /** Phones in any common form (normalised to E.164 by the phone rule; invalid ones are skipped), emails in any case, identifiers as type and value. */
  of(contacts: FingerprintedContacts): string[] {
    const out = new Set<string>();
    for (const raw of [contacts.phone, ...(contacts.phones ?? [])]) {
      if (!raw) continue;
      const phone = this.normaliser.phone(raw, 'phone', []);
      if (phone) out.add(this.mac(`phone:${phone}`));
    }
    for (const raw of [contacts.email, ...(contacts.emails ?? [])]) {
      if (raw && raw.trim()) out.add(this.mac(`email:${this.normaliser.email(raw)}`));
    }
    for (const { type, value } of contacts.identifiers ?? []) out.add(this.mac(`identifier:${type}:${value}`));
    return [...out].slice(0, MAX_CONTACT_FINGERPRINTS);
  }

  private mac(contact: string): string {
    return createHmac('sha256', this.key).update(contact, 'utf8').digest('base64url');
  }
}

let fromEnvironment: ContactFingerprinter | undefined;

/** The service's fingerprinter, its key read and validated once (at boot: CustomersService asks when it is built). */
export function contactFingerprinter(environment: NodeJS.ProcessEnv = process.env): ContactFingerprinter {
  fromEnvironment ??= new ContactFingerprinter(
    loadConfig(contactFingerprintConfigSchema, environment, ['CONTACT_FINGERPRINT_KEY']).CONTACT_FINGERPRINT_KEY,
  );
  return fromEnvironment;
}
