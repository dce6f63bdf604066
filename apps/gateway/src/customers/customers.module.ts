import { Module } from '@nestjs/common';
import { ConsentsController } from './consents.controller';
import { CustomFieldsController } from './custom-fields.controller';
import { CustomerExportService } from './customer-export.service';
import { CustomersController } from './customers.controller';

@Module({
  controllers: [CustomersController, ConsentsController, CustomFieldsController],
  providers: [CustomerExportService],
})
export class CustomersModule {}
