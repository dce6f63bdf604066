import type { FieldError } from '@rapport/platform-http';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/** A mainland-China 11-digit number starting with 1 (mobiles mostly), with or without +86, spaces or hyphens. */
const MAINLAND_ELEVEN = /^(?:\+86)?1\d{10}$/;
/**
 * Whether libphonenumber accepts an 11-digit mainland number depends only on its leading digits
 * (checked for every 6-digit prefix; the key is 7): the library's answer for the first number with a
 * prefix is kept for the others. Bounded, so odd input cannot grow it without limit.
 */
const MAINLAND_PREFIX_VALID = new Map<string, boolean>();
const MAINLAND_PREFIX_CACHE_MAX = 100_000;

/**
 * Phones and emails as they are stored: phones in E.164 (a national number without a country code
 * is read in the default region, CN), emails trimmed and lower-cased, both without duplicates. A
 * value that cannot be normalised becomes a field error naming where it came from.
 */
export class ContactNormaliser {
  constructor(private readonly defaultRegion: CountryCode = 'CN') {}

  phone(raw: string, field: string, errors: FieldError[]): string | undefined {
    const fast = this.defaultRegion === 'CN' ? this.mainland(raw) : undefined;
    if (fast !== undefined) {
      if (fast === null) errors.push({ field, message: `${field} is not a valid phone number (${raw.trim().slice(0, 40)})` });
      return fast ?? undefined;
    }
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultRegion);
    if (!parsed || !parsed.isValid()) {
      errors.push({ field, message: `${field} is not a valid phone number (${raw.trim().slice(0, 40)})` });
      return undefined;
    }
    return parsed.number;
  }

  /**
   * The fast path for the commonest input, an 11-digit mainland number (+8613800138000,
   * 138 0013 8000): the E.164 form is +86 and the digits, the validity is libphonenumber's, cached
   * per prefix. undefined: not such a number, ask the library.
   */
  private mainland(raw: string): string | null | undefined {
    const compact = raw.includes(' ') || raw.includes('-') ? raw.replace(/[\s-]/g, '') : raw;
    if (!MAINLAND_ELEVEN.test(compact)) return undefined;
    const national = compact.length === 14 ? compact.slice(3) : compact;
    const key = national.slice(0, 7);
    let valid = MAINLAND_PREFIX_VALID.get(key);
    if (valid === undefined) {
      const parsed = parsePhoneNumberFromString(`+86${national}`);
      valid = !!parsed && parsed.isValid() && parsed.number === `+86${national}`;
      if (MAINLAND_PREFIX_VALID.size >= MAINLAND_PREFIX_CACHE_MAX) MAINLAND_PREFIX_VALID.clear();
      MAINLAND_PREFIX_VALID.set(key, valid);
    }
    return valid ? `+86${national}` : null;
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
