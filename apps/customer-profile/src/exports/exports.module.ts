import { Module } from '@nestjs/common';
import { SubjectRightsModule } from '@rapport/platform-subject-rights';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { CustomersModule } from '../customers/customers.module';
import { CustomerProfileParticipant } from '../subject-rights/customer-profile.participant';
import { SubjectRightsRepository } from '../subject-rights/subject-rights.repository';
import { CustomerCsvWriter } from './customer-csv';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

@Module({
  imports: [
    CustomFieldsModule,
    // The subject access export (one section of the gateway's document); see @rapport/platform-subject-rights.
    SubjectRightsModule.forParticipant({
      service: 'customer-profile',
      participant: CustomerProfileParticipant,
      imports: [CustomersModule],
      providers: [SubjectRightsRepository],
    }),
  ],
  controllers: [ExportsController],
  providers: [ExportsRepository, ExportsService, CustomerCsvWriter],
  exports: [CustomerCsvWriter],
})
export class ExportsModule {}
