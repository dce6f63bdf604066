import type { FieldError } from '@rapport/platform-http';

export type CustomFieldType = 'string' | 'number' | 'boolean' | 'date' | 'enum';

export interface CustomFieldDefinition {
  key: string;
  label: string | null;
  type: CustomFieldType;
  required: boolean;
  allowedValues: string[];
  createdAt: Date;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Checks a customer's custom field values against the admin's definitions. */
export class CustomFieldValidator {
  private readonly byKey: Map<string, CustomFieldDefinition>;

  constructor(definitions: readonly CustomFieldDefinition[]) {
    this.byKey = new Map(definitions.map((d) => [d.key, d]));
  }

  /** The complete set of values a customer will carry; every problem is named by its field path. */
  validate(values: Record<string, unknown>): FieldError[] {
    const errors: FieldError[] = [];
    for (const [key, value] of Object.entries(values)) {
      const field = `customFields.${key}`;
      const definition = this.byKey.get(key);
      if (!definition) errors.push({ field, message: `${field} is not a defined custom field` });
      else {
        const problem = this.check(definition, value);
        if (problem) errors.push({ field, message: `${field} ${problem}` });
      }
    }
    for (const definition of this.byKey.values()) {
      if (definition.required && (values[definition.key] === undefined || values[definition.key] === null)) {
        errors.push({ field: `customFields.${definition.key}`, message: `customFields.${definition.key} is required` });
      }
    }
    return errors;
  }

  /** A `cf=key:value` list filter as the JSON value stored, or an error naming the key. */
  filterValue(key: string, raw: string): { value: unknown } | { error: FieldError } {
    const definition = this.byKey.get(key);
    if (!definition) return { error: { field: 'cf', message: `cf: ${key} is not a defined custom field` } };
    let value: unknown = raw;
    if (definition.type === 'number') value = Number(raw);
    if (definition.type === 'boolean') value = raw === 'true' ? true : raw === 'false' ? false : raw;
    const problem = this.check(definition, value);
    return problem ? { error: { field: 'cf', message: `cf: ${key} ${problem}` } } : { value };
  }

  private check(definition: CustomFieldDefinition, value: unknown): string | undefined {
    if (value === null) return undefined;
    switch (definition.type) {
      case 'string':
        return typeof value === 'string' && value.length <= 1000
          ? undefined
          : 'must be a string of at most 1000 characters';
      case 'number':
        return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
      case 'boolean':
        return typeof value === 'boolean' ? undefined : 'must be true or false';
      case 'date':
        return typeof value === 'string' && DATE.test(value) ? undefined : 'must be a date such as 2026-11-20';
      case 'enum':
        return typeof value === 'string' && definition.allowedValues.includes(value)
          ? undefined
          : `must be one of ${definition.allowedValues.join(', ')}`;
    }
  }
}
