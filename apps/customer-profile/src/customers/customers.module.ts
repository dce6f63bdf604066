import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { DuplicatesRepository } from '../duplicates/duplicates.repository';
import { ErasuresModule } from '../erasures/erasures.module';
import { OwnershipModule } from '../ownership/ownership.module';
import { CONTACTS_CONFIG, loadContactsConfig } from './contacts.config';
import { CustomerDataRegistry } from './customer-data.registry';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';

@Module({
  imports: [CustomFieldsModule, OwnershipModule, ErasuresModule],
  controllers: [CustomersController],
  providers: [
    { provide: CONTACTS_CONFIG, useFactory: () => loadContactsConfig() },
    CustomersService,
    CustomersRepository,
    CustomerDataRegistry,
    DuplicatesRepository,
  ],
  exports: [CONTACTS_CONFIG, CustomersService, CustomersRepository, CustomerDataRegistry, DuplicatesRepository],
})
export class CustomersModule {}
