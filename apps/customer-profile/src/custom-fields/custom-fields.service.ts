import { Injectable } from '@nestjs/common';
import type { CustomFieldDefinitionRequest } from '@rapport/contracts';
import type { CallerIdentity } from '@rapport/platform-runtime';
import type { CustomFieldDefinition } from './custom-field-validator';
import { CustomFieldErrorCode, CustomFieldException } from './custom-fields.exception';
import { CustomFieldsRepository } from './custom-fields.repository';

/** The custom fields customers may carry: an enum field lists its values, other types list none; keys are unique. */
@Injectable()
export class CustomFieldsService {
  constructor(private readonly definitions: CustomFieldsRepository) {}

  async define(body: CustomFieldDefinitionRequest, caller: CallerIdentity): Promise<CustomFieldDefinition> {
    const allowedValues = [...new Set(body.allowedValues ?? [])];
    if (body.type === 'enum' && allowedValues.length === 0) {
      throw new CustomFieldException(
        CustomFieldErrorCode.EnumWithoutValues,
        'allowedValues: an enum field needs allowed values',
        [{ field: 'allowedValues', message: 'allowedValues must list the values of an enum field' }],
      );
    }
    if (body.type !== 'enum' && allowedValues.length > 0) {
      throw new CustomFieldException(
        CustomFieldErrorCode.ValuesOnNonEnum,
        'allowedValues: only enum fields have allowed values',
        [{ field: 'allowedValues', message: 'allowedValues is only for fields of type enum' }],
      );
    }
    const created = await this.definitions.insert(
      { key: body.key, label: body.label ?? null, type: body.type, required: body.required ?? false, allowedValues },
      caller.sub,
    );
    if (!created) {
      throw new CustomFieldException(CustomFieldErrorCode.KeyTaken, `A custom field ${body.key} exists already`, [
        { field: 'key', message: `key ${body.key} is already defined` },
      ]);
    }
    return created;
  }

  list(): Promise<CustomFieldDefinition[]> {
    return this.definitions.all();
  }
}
