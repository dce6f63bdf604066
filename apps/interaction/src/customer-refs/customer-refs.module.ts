import { Module } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { CustomerRefsConsumer } from './customer-refs.consumer';
import { CustomerRefsController } from './customer-refs.controller';
import { CustomerRefsRepository } from './customer-refs.repository';
import { CustomerRefsService } from './customer-refs.service';

@Module({
  controllers: [CustomerRefsController, CustomerRefsConsumer],
  providers: [CustomerRefsRepository, CustomerRefsService, MergedCustomers],
  // for the subject-rights participant (InteractionSubjectRights), which the app module registers
  exports: [CustomerRefsRepository],
})
export class CustomerRefsModule {}
