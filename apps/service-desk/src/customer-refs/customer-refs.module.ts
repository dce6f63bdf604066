import { Module } from '@nestjs/common';
import { CustomerRefsConsumer } from './customer-refs.consumer';
import { CustomerRefsController } from './customer-refs.controller';
import { CustomerRefsRepository } from './customer-refs.repository';
import { CustomerRefsService } from './customer-refs.service';
import { CustomerRefsSubjectRights } from './customer-refs.subject-rights';

@Module({
  controllers: [CustomerRefsController, CustomerRefsConsumer],
  providers: [CustomerRefsRepository, CustomerRefsService, CustomerRefsSubjectRights],
  exports: [CustomerRefsSubjectRights],
})
export class CustomerRefsModule {}
