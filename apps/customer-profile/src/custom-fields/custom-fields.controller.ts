import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CustomFieldDefinitionRequest, type CustomFieldDefinitionList, type CustomFieldDefinitionView } from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { CustomFieldDefinition } from './custom-field-validator';
import { CustomFieldsRepository } from './custom-fields.repository';

/** Admins define the custom fields customers may carry; everyone who reads customers may read the definitions. */
@Controller('internal/v1/custom-fields')
export class CustomFieldsController {
  constructor(private readonly definitions: CustomFieldsRepository) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('admin')
  async define(@Body() body: CustomFieldDefinitionRequest, @Caller() caller: CallerIdentity): Promise<CustomFieldDefinitionView> {
    const allowedValues = [...new Set(body.allowedValues ?? [])];
    if (body.type === 'enum' && allowedValues.length === 0) {
      throw new ProblemException('validation', 'allowedValues: an enum field needs allowed values', {
        errors: [{ field: 'allowedValues', message: 'allowedValues must list the values of an enum field' }],
      });
    }
    if (body.type !== 'enum' && allowedValues.length > 0) {
      throw new ProblemException('validation', 'allowedValues: only enum fields have allowed values', {
        errors: [{ field: 'allowedValues', message: 'allowedValues is only for fields of type enum' }],
      });
    }
    const created = await this.definitions.insert(
      { key: body.key, label: body.label ?? null, type: body.type, required: body.required ?? false, allowedValues },
      caller.sub,
    );
    if (!created) {
      throw new ProblemException('conflict', `A custom field ${body.key} exists already`, {
        errors: [{ field: 'key', message: `key ${body.key} is already defined` }],
      });
    }
    return toView(created);
  }

  @Get()
  @CallerScopes('customers:read')
  async list(): Promise<CustomFieldDefinitionList> {
    return { items: (await this.definitions.all()).map(toView) };
  }
}

function toView(d: CustomFieldDefinition): CustomFieldDefinitionView {
  return { key: d.key, label: d.label, type: d.type, required: d.required, allowedValues: d.allowedValues, createdAt: d.createdAt.toISOString() };
}
