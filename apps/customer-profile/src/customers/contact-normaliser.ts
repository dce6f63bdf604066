import type { FieldError } from '@rapport/platform-http';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Phones and emails as they are stored: phones in E.164 (a national number without a country code
 * is read in the default region, CN), emails trimmed and lower-cased, both without duplicates. A
 * value that cannot be normalised becomes a field error naming where it came from.
 */
export class ContactNormaliser {
  constructor(private readonly defaultRegion: CountryCode = 'CN') {}

  phone(raw: string, field: string, errors: FieldError[]): string | undefined {
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultRegion);
    if (!parsed || !parsed.isValid()) {
      errors.push({ field, message: `${field} is not a valid phone number (${raw.trim().slice(0, 40)})` });
      return undefined;
    }
    return parsed.number;
  }

  email(raw: string): string {
    return raw.trim().toLowerCase();
  }

  /** The primary value first, then the others, without duplicates. */
  phones(primary: string | undefined, others: readonly string[] | undefined, errors: FieldError[]): string[] {
    const out: string[] = [];
    if (primary !== undefined) {
      const p = this.phone(primary, 'phone', errors);
      if (p) out.push(p);
    }
    (others ?? []).forEach((raw, i) => {
      const p = this.phone(raw, `phones[${i}]`, errors);
      if (p && !out.includes(p)) out.push(p);
    });
    return out;
  }

  emails(primary: string | undefined, others: readonly string[] | undefined): string[] {
    const out: string[] = [];
    for (const raw of [...(primary !== undefined ? [primary] : []), ...(others ?? [])]) {
      const e = this.email(raw);
      if (!out.includes(e)) out.push(e);
    }
    return out;
  }
}
