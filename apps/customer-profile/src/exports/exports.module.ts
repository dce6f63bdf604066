import { Module } from '@nestjs/common';
import { CustomFieldsModule } from '../custom-fields/custom-fields.module';
import { CustomerCsvWriter } from './customer-csv';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';

@Module({ imports: [CustomFieldsModule], controllers: [ExportsController], providers: [ExportsRepository, CustomerCsvWriter], exports: [CustomerCsvWriter] })
export class ExportsModule {}
