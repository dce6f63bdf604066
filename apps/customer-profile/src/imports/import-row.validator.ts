import { CUSTOMER_KINDS, SOURCE_CHANNELS } from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';
import { ContactNormaliser } from '../customers/contact-normaliser';
import { importSearchKey } from './import-search-key';

/** One customer row ready for the staging table. */
export interface ImportRow {
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  sourceChannel: string;
  tags: string[];
  searchKey: string;
}

export const IMPORT_COLUMNS = ['name', 'kind', 'email', 'phone', 'sourceChannel', 'tags'] as const;
const KNOWN_COLUMNS: ReadonlySet<string> = new Set(IMPORT_COLUMNS);
const KINDS: ReadonlySet<string> = new Set(CUSTOMER_KINDS);
const CHANNELS: ReadonlySet<string> = new Set(SOURCE_CHANNELS);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TAG = /^[^\s;,]{1,50}$/;

/**
 * Validates and normalises one import row with the same rules as creating a customer: a required
 * name, E.164 phones, lower-case emails, known kinds and source channels. Unknown columns are errors.
 */
export class ImportRowValidator {
  private readonly contacts = new ContactNormaliser();

  validate(raw: Record<string, unknown>): { row: ImportRow; errors: [] } | { row: null; errors: FieldError[] } {
    const errors: FieldError[] = [];
    for (const key in raw) {
      if (!KNOWN_COLUMNS.has(key)) errors.push({ field: key, message: `unknown column ${key}` });
    }
    const text = (key: string): string | undefined => {
      const value = raw[key];
      if (value === undefined || value === null || value === '') return undefined;
      if (typeof value !== 'string') {
        errors.push({ field: key, message: `${key} must be a string` });
        return undefined;
      }
      const trimmed = value.trim();
      return trimmed === '' ? undefined : trimmed;
    };
    const name = text('name');
    if (name === undefined) errors.push({ field: 'name', message: 'name is required' });
    else if (name.length > 200) errors.push({ field: 'name', message: 'name must be at most 200 characters' });
    const kind = text('kind') ?? 'person';
    if (!KINDS.has(kind)) errors.push({ field: 'kind', message: `kind must be one of ${CUSTOMER_KINDS.join(', ')}` });
    const sourceChannel = text('sourceChannel') ?? 'import';
    if (!CHANNELS.has(sourceChannel)) {
      errors.push({ field: 'sourceChannel', message: `sourceChannel must be one of ${SOURCE_CHANNELS.join(', ')}` });
    }
    const rawEmail = text('email');
    let email: string | null = null;
    if (rawEmail !== undefined) {
      email = this.contacts.email(rawEmail);
      if (!EMAIL.test(email) || email.length > 254)
        errors.push({ field: 'email', message: 'email must be an email address' });
    }
    const rawPhone = text('phone');
    const phone = rawPhone === undefined ? null : (this.contacts.phone(rawPhone, 'phone', errors) ?? null);
    const rawTags = text('tags');
    const tags =
      rawTags === undefined
        ? []
        : rawTags
            .split(/[;,]/)
            .map((t) => t.trim())
            .filter(Boolean);
    if (!tags.every((t) => TAG.test(t)))
      errors.push({ field: 'tags', message: 'tags are words of at most 50 characters, separated by ;' });
    if (errors.length > 0) return { row: null, errors };
    return {
      row: {
        kind,
        name: name!,
        email,
        phone,
        sourceChannel,
        tags: tags.length > 1 ? [...new Set(tags)] : tags,
        searchKey: importSearchKey(name!, email, phone, tags),
      },
      errors: [],
    };
  }
}
