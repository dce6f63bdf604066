import { Module } from '@nestjs/common';
import { MergedCustomers } from '@rapport/platform-subject-rights';
import { SlaModule } from '../sla/sla.module';
import { CUSTOMER_REFS_CONFIG, loadCustomerRefsConfig } from './customer-refs.config';
import { CustomerRefsConsumer } from './customer-refs.consumer';
import { CustomerRefsController } from './customer-refs.controller';
import { CustomerRefsRepository } from './customer-refs.repository';
import { CustomerRefsService } from './customer-refs.service';

@Module({
  // a change of a customer's tier recomputes the SLA of their open tickets
  imports: [SlaModule],
  controllers: [CustomerRefsController, CustomerRefsConsumer],
  providers: [
    CustomerRefsRepository,
    CustomerRefsService,
    MergedCustomers,
    { provide: CUSTOMER_REFS_CONFIG, useFactory: () => loadCustomerRefsConfig() },
  ],
  // for the tickets feature (a ticket needs a known customer) and the subject-rights participant (ServiceDeskSubjectRights)
  exports: [CustomerRefsRepository],
})
export class CustomerRefsModule {}
