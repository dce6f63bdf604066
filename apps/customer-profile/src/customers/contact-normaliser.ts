import { phoneRule, type PhoneRule } from '@rapport/contracts';
import type { FieldError } from '@rapport/platform-http';

/**
 * Phones and emails as they are stored: phones in E.164 by the one phone rule of @rapport/contracts
 * (any valid number; a national number is read in the default region, PHONE_DEFAULT_REGION), emails
 * trimmed and lower-cased, both without duplicates. A value that cannot be normalised becomes a field
 * error naming where it came from.
 */
export class ContactNormaliser {
  /** @param rule for tests; by default the process's rule, as configured at boot (read at each call: it is set after the services are built). */
  constructor(private readonly rule?: PhoneRule) {}

  phone(raw: string, field: string, errors: FieldError[]): string | undefined {
    const rule = this.rule ?? phoneRule();
    const e164 = rule.toE164(raw);
    if (e164 === undefined) errors.push({ field, message: rule.problem(field, raw) });
    return e164;
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
