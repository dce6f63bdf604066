import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/**
 * The one phone rule of Rapport: a phone is any number libphonenumber (full metadata) considers valid,
 * in any common written form, and is stored as E.164. A number without a country code is read in the
 * default region (PHONE_DEFAULT_REGION, CN unless configured). The gateway's request validation
 * (`@IsPhone()`) and customer-profile's normaliser (API writes, imports, fingerprints) both ask this
 * module, so what the edge accepts is exactly what is stored.
 */
export type PhoneRegion = CountryCode;

export const DEFAULT_PHONE_REGION: PhoneRegion = 'CN';

/** For the OpenAPI descriptions of phone fields. */
export const PHONE_FORMAT_DESCRIPTION =
  'Any valid phone number of any country: international with its country code (+39 333 123 4567, +1 (415) 555-2671, +8613800138000) ' +
  'or national in the default region (PHONE_DEFAULT_REGION, CN unless configured: 138 0013 8000, 010 6552 9988); spaces, hyphens, dots and parentheses allowed; stored as E.164';

export function isPhoneRegion(value: string): value is PhoneRegion {
  return isSupportedCountry(value);
}

/** The environment variable of the default region, for the configuration schemas of the services that handle phones. */
export const phoneDefaultRegionVariable = z
  .string()
  .default(DEFAULT_PHONE_REGION)
  .refine(
    isPhoneRegion,
    'expected a region code libphonenumber knows (ISO 3166-1 alpha-2, upper case), such as CN, IT or US',
  )
  .transform((region) => region as PhoneRegion);

/** A mainland-China 11-digit number starting with 1 (mobiles mostly), with or without +86, once spaces and hyphens are gone. */
const MAINLAND_ELEVEN = /^(\+86)?1\d{10}$/;
/**
 * Whether libphonenumber accepts an 11-digit mainland number depends only on its leading digits
 * (checked for every 6-digit prefix; the key is 7): the library's answer for the first number with a
 * prefix is kept for the others. Bounded, so odd input cannot grow it without limit. Shared by every
 * rule in the process: the answer does not depend on the default region.
 */
const MAINLAND_PREFIX_VALID = new Map<string, boolean>();
const MAINLAND_PREFIX_CACHE_MAX = 100_000;

export class PhoneRule {
  constructor(readonly defaultRegion: PhoneRegion = DEFAULT_PHONE_REGION) {
    if (!isPhoneRegion(defaultRegion)) throw new Error(`${String(defaultRegion)} is not a region libphonenumber knows`);
  }

  /** The E.164 form of a valid phone number; undefined when it is not one. */
  toE164(raw: string): string | undefined {
    const fast = this.mainland(raw);
    if (fast !== undefined) return fast ?? undefined;
    const parsed = parsePhoneNumberFromString(raw.trim(), this.defaultRegion);
    return parsed && parsed.isValid() ? parsed.number : undefined;
  }

  isValid(raw: unknown): boolean {
    return typeof raw === 'string' && this.toE164(raw) !== undefined;
  }

  /** The error message of an invalid phone, naming the field and the value (at most 40 characters). */
  problem(field: string, raw: unknown): string {
    const shown =
      typeof raw === 'string' ? raw.trim().slice(0, 40) : `a ${raw === null ? 'null' : typeof raw}, not a string`;
    return `${field} is not a valid phone number (${shown})`;
  }

  /**
   * The fast path for the commonest input, an 11-digit mainland number (+8613800138000, and in the
   * default region CN 138 0013 8000): the E.164 form is +86 and the digits, the validity is
   * libphonenumber's, cached per prefix. null: such a number, invalid; undefined: not such a number,
   * ask the library.
   */
  private mainland(raw: string): string | null | undefined {
    const compact = raw.includes(' ') || raw.includes('-') ? raw.replace(/[\s-]/g, '') : raw;
    const match = MAINLAND_ELEVEN.exec(compact);
    if (!match || (match[1] === undefined && this.defaultRegion !== 'CN')) return undefined;
    const national = match[1] === undefined ? compact : compact.slice(3);
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
}

let processRule = new PhoneRule();

/**
 * Sets the default region of this process's phone rule. Each service that handles phones calls it
 * once at boot with its validated PHONE_DEFAULT_REGION, before it serves: request validation runs in
 * class-validator decorators, which are declared statically and cannot be handed a configuration, and
 * one setting per process keeps validation and normalisation from ever disagreeing.
 */
export function configurePhoneRule(defaultRegion: PhoneRegion): PhoneRule {
  processRule = new PhoneRule(defaultRegion);
  return processRule;
}

/** This process's phone rule (default region CN until configurePhoneRule is called). */
export function phoneRule(): PhoneRule {
  return processRule;
}

/**
 * A valid phone number by the process's phone rule (a list of them with `each: true`). The message
 * names the field and the value: `phone is not a valid phone number (+39 12)`, `phones[1] is not …`.
 */
export function IsPhone(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isPhone',
      target: target.constructor,
      propertyName: String(propertyName),
      // The list is checked here rather than element by element by class-validator, so the message can name the element.
      options: {
        ...options,
        each: false,
        message: options.message ?? ((args: ValidationArguments) => phoneProblem(args, options.each === true)),
      },
      validator: {
        validate: (value: unknown) =>
          options.each
            ? Array.isArray(value) && value.every((v) => phoneRule().isValid(v))
            : phoneRule().isValid(value),
      },
    });
  };
}

function phoneProblem({ property, value }: ValidationArguments, each: boolean): string {
  if (!each) return phoneRule().problem(property, value);
  if (!Array.isArray(value)) return `${property} must be a list of phone numbers`;
  const index = value.findIndex((v) => !phoneRule().isValid(v));
  return phoneRule().problem(`${property}[${index}]`, value[index]);
}
