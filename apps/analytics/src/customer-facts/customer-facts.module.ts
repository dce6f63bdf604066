import { Module } from '@nestjs/common';
import { CustomerFactsConsumer } from './customer-facts.consumer';
import { CustomerFactsController } from './customer-facts.controller';
import { CustomerFactsRepository } from './customer-facts.repository';
import { CustomerFactsService } from './customer-facts.service';
import { CustomerFactsSubjectRights } from './customer-facts.subject-rights';

@Module({
  controllers: [CustomerFactsController, CustomerFactsConsumer],
  providers: [CustomerFactsRepository, CustomerFactsService, CustomerFactsSubjectRights],
  exports: [CustomerFactsSubjectRights],
})
export class CustomerFactsModule {}
