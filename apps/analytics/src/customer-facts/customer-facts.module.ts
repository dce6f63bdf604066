import { Module } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerFactsConsumer } from './customer-facts.consumer';
import { CustomerFactsController } from './customer-facts.controller';
import { CustomerFactsRepository } from './customer-facts.repository';
import { CustomerFactsService } from './customer-facts.service';

@Module({
  controllers: [CustomerFactsController, CustomerFactsConsumer],
  providers: [CustomerFactsRepository, CustomerFactsService, MergedCustomers],
  // for the subject-rights participant (CustomerFactsSubjectRights), which the app module registers
  exports: [CustomerFactsRepository],
})
export class CustomerFactsModule {}
