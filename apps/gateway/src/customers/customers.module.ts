import { Module } from '@nestjs/common';
import { ConsentsController } from './consents.controller';
import { CustomFieldsController } from './custom-fields.controller';
import { CustomersController } from './customers.controller';

@Module({ controllers: [CustomersController, ConsentsController, CustomFieldsController] })
export class CustomersModule {}
