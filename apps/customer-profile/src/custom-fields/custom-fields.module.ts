import { Module } from '@nestjs/common';
import { CustomFieldsController } from './custom-fields.controller';
import { CustomFieldsRepository } from './custom-fields.repository';

@Module({ controllers: [CustomFieldsController], providers: [CustomFieldsRepository], exports: [CustomFieldsRepository] })
export class CustomFieldsModule {}
