import { Module } from '@nestjs/common';
import { CustomerImporter } from './customer-importer';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';

@Module({ controllers: [ImportsController], providers: [CustomerImporter, ImportsRepository] })
export class ImportsModule {}
