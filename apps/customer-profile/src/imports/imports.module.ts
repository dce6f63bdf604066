import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { PurchasesRepository } from '../purchases/purchases.repository';
import { ContactFingerprinter, contactFingerprinter } from '../customers/contact-fingerprint';
import { CustomerImporter } from './customer-importer';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { PurchaseImporter } from './purchase-importer';

@Module({ imports: [LifecycleModule], controllers: [ImportsController], providers: [CustomerImporter, PurchaseImporter, ImportsRepository, PurchasesRepository, { provide: ContactFingerprinter, useFactory: () => contactFingerprinter() }] })
export class ImportsModule {}
