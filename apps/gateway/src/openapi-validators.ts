import { DECORATORS } from '@nestjs/swagger';
// class-transformer's metadata (which @Transform a property has) is public only through this module.
type TransformerStorage = typeof import('class-transformer/types/storage');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as TransformerStorage;
import { getMetadataStorage } from 'class-validator';

/**
 * class-validator's rules, written into @nestjs/swagger's property metadata before the document is
 * built, so that the document states what the validators enforce (what @nestjs/swagger's CLI plugin
 * does with `classValidatorShim`, which this SWC build cannot run). Only what a property's own
 * @ApiProperty leaves unsaid is filled in. Covers request bodies and query DTOs alike.
 */
type Schema = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a class of any constructor signature
type Constructor = abstract new (...args: any[]) => unknown;

interface ValidationMetadata {
  name?: string;
  type: string;
  target: Constructor | string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** The schema keywords one validator implies, or undefined when it implies none we can state. */
function keywordsOf(meta: ValidationMetadata): Schema | undefined {
  const c = meta.constraints ?? [];
  switch (meta.name) {
    case 'isInt':
      return { type: 'integer' };
    case 'isNumber':
      return { type: 'number' };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isString':
      // PostgreSQL text cannot hold U+0000: the gateway refuses it in every string (no-nul.ts).
      return { type: 'string', pattern: NO_NUL };
    case 'min':
      return { minimum: c[0] };
    case 'max':
      return { maximum: c[0] };
    case 'notEquals':
      return { not: { const: c[0] } };
    case 'maxDecimalPlaces':
      return { multipleOf: 10 ** -(c[0] as number) };
    case 'isPositive':
      return { exclusiveMinimum: 0 };
    case 'isLength':
      return { minLength: c[0], ...(c[1] !== undefined ? { maxLength: c[1] } : {}) };
    case 'minLength':
      return { minLength: c[0] };
    case 'maxLength':
      return { maxLength: c[0] };
    case 'isNotEmpty':
      return { minLength: 1 };
    case 'matches': {
      const pattern =
        c[0] instanceof RegExp ? c[0] : typeof c[0] === 'string' ? new RegExp(c[0], (c[1] as string) ?? '') : undefined;
      // A case-insensitive or multi-line regex has no JSON Schema `pattern` equivalent as written.
      return pattern && !/[im]/.test(pattern.flags) ? { pattern: pattern.source } : undefined;
    }
    case 'isUuid': {
      // A version other than 'all' is stated too (`format: uuid` alone accepts every version).
      const version = typeof c[0] === 'string' || typeof c[0] === 'number' ? String(c[0]) : 'all';
      return /^[1-8]$/.test(version)
        ? {
            format: 'uuid',
            pattern: `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`,
          }
        : { format: 'uuid' };
    }
    case 'isEmail':
      // class-validator's isEmail wants a top-level domain of two letters or more (not x@b, not 0@0.a);
      // `format: email` alone allows both.
      return { format: 'email', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s.\\d]{2,}$' };
    case 'isPhone':
      // libphonenumber's validity has no JSON Schema form: a format of its own (OpenAPI formats are open),
      // described on the property; a client or fuzzer that knows it generates valid numbers.
      return { format: 'phone' };
    case 'isIn':
      return { enum: c[0] };
    case 'isEnum':
      return {
        enum: Object.values(c[0] as object).filter(
          (v) => typeof v !== 'number' || !(c[0] as Record<string, unknown>)[v],
        ),
      };
    case 'arrayMinSize':
      return { minItems: c[0] };
    case 'arrayMaxSize':
      return { maxItems: c[0] };
    case 'arrayUnique':
      return { uniqueItems: true };
    default:
      return undefined;
  }
}

/** Any text without U+0000 (the pattern of a string no other rule constrains). */
export const NO_NUL = '^[^\\u0000]*$';

const notBlankPatterns = new Set<string>();

/**
 * Text (no U+0000) that is still at least `minLength` long once trimmed: what a trimmed string with a
 * minimum length is. For 1, a character other than white space; for more, a first and a last one with
 * at least `minLength - 2` characters between (" ab " trims to "ab", too short for 3).
 */
function notBlank(minLength: number): string {
  const pattern =
    minLength <= 1
      ? '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$'
      : `^\\s*[^\\s\\u0000][^\\u0000]{${minLength - 2},}[^\\s\\u0000]\\s*$`;
  notBlankPatterns.add(pattern);
  return pattern;
}

/** Whether the property's value is trimmed before it is validated (a @Transform that calls trim()). */
function isTrimmed(target: Constructor, property: string): boolean {
  return defaultMetadataStorage
    .findTransformMetadatas(target, property, 0)
    .some((t) => String(t.transformFn).includes('.trim()'));
}

const applied = new WeakSet<object>();

/** Adds the validators' keywords to every class that has both validators and @ApiProperty metadata. */
export function applyValidatorsToSwagger(): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Constructor, ValidationMetadata[]> };
  for (const [target, metas] of storage.validationMetadatas) {
    if (typeof target !== 'function' || applied.has(target)) continue;
    applied.add(target);
    const proto = target.prototype as object;
    for (const meta of metas) {
      if (meta.type === 'conditionalValidation') {
        // @IsOptional skips every rule for null as for a missing value, so `null` reached the services
        // where the document promises a string or a number (and crashed some). In the gateway, optional
        // means "may be absent": null is checked like any value (400 naming the field), unless the
        // property is documented as nullable, where null keeps its meaning (clear the value).
        const existing = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, proto, meta.propertyName) as
          Schema | undefined;
        if (existing && existing['nullable'] !== true && meta.constraints) {
          const property = meta.propertyName;
          meta.constraints[0] = (object: Record<string, unknown>) => object[property] !== undefined;
        }
        continue;
      }
      const keywords = keywordsOf(meta);
      if (!keywords) continue;
      const existing = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, proto, meta.propertyName) as
        Schema | undefined;
      if (!existing) continue; // not in the document: nothing to describe
      const isArray = existing['isArray'] === true || existing['type'] === 'array';
      // @IsPhone({ each: true }) checks the items itself (its metadata has no `each`).
      if ((meta.each || meta.name === 'isPhone') && isArray) {
        const items: Schema = { ...((existing['items'] as Schema | undefined) ?? {}) };
        for (const [k, v] of Object.entries(keywords)) {
          if ((items[k] === undefined || (k === 'pattern' && items[k] === NO_NUL)) && !(k === 'type' && items['type']))
            items[k] = v;
        }
        if (items['type'] === undefined && ('format' in keywords || 'pattern' in keywords || 'minLength' in keywords))
          items['type'] = 'string';
        // Items trimmed before their length is checked (a @Transform that trims each) are not blank.
        if (
          typeof items['minLength'] === 'number' &&
          items['minLength'] >= 1 &&
          (items['pattern'] === undefined || items['pattern'] === NO_NUL) &&
          isTrimmed(target, meta.propertyName)
        ) {
          items['pattern'] = notBlank(items['minLength']);
        }
        if (items['format'] === 'phone') {
          delete items['minLength'];
          delete items['maxLength'];
          if (items['pattern'] === NO_NUL) delete items['pattern'];
        }
        Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, { ...existing, items }, proto, meta.propertyName);
        continue;
      }
      if (meta.each) continue;
      const merged: Schema = { ...existing };
      for (const [k, v] of Object.entries(keywords)) {
        if (k === 'type') {
          // Only a more precise primitive type: `integer` for a number, never over an explicit schema type.
          const current = merged['type'];
          if (v === 'integer' && (current === Number || current === 'number' || current === undefined))
            merged['type'] = 'integer';
          continue;
        }
        // A pattern of its own (@Matches) says more than the generic ones.
        if (
          merged[k] === undefined ||
          (k === 'pattern' && (merged[k] === NO_NUL || notBlankPatterns.has(merged[k] as string)))
        )
          merged[k] = v;
      }
      // A trimmed string with a minimum length is not blank: the white space goes before the length is checked.
      if (
        typeof merged['minLength'] === 'number' &&
        merged['minLength'] >= 1 &&
        (merged['pattern'] === undefined || merged['pattern'] === NO_NUL) &&
        isTrimmed(target, meta.propertyName)
      ) {
        merged['pattern'] = notBlank(merged['minLength']);
      }
      // A phone's length bounds are a cheap pre-check of the phone rule, which is the statement that
      // matters: stated alone, so that a generator draws phones, not strings of a boundary length.
      if (merged['format'] === 'phone') {
        delete merged['minLength'];
        delete merged['maxLength'];
        if (merged['pattern'] === NO_NUL) delete merged['pattern'];
      }
      Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, merged, proto, meta.propertyName);
    }
  }
}
