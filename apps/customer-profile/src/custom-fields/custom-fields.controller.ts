import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  CustomFieldDefinitionRequest,
  type CustomFieldDefinitionList,
  type CustomFieldDefinitionView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { CustomFieldDefinition } from './custom-field-validator';
import { CustomFieldsService } from './custom-fields.service';

/** Admins define the custom fields customers may carry; everyone who reads customers may read the definitions. */
@Controller('internal/v1/custom-fields')
export class CustomFieldsController {
  constructor(private readonly definitions: CustomFieldsService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('admin')
  async define(
    @Body() body: CustomFieldDefinitionRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<CustomFieldDefinitionView> {
    return toView(await this.definitions.define(body, caller));
  }

  @Get()
  @CallerScopes('customers:read')
  async list(): Promise<CustomFieldDefinitionList> {
    return { items: (await this.definitions.list()).map(toView) };
  }
}

function toView(d: CustomFieldDefinition): CustomFieldDefinitionView {
  return {
    key: d.key,
    label: d.label,
    type: d.type,
    required: d.required,
    allowedValues: d.allowedValues,
    createdAt: d.createdAt.toISOString(),
  };
}
