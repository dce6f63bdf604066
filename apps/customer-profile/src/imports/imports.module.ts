import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { PurchasesRepository } from '../purchases/purchases.repository';
import { ContactFingerprinter, contactFingerprinter } from '../customers/contact-fingerprint';
import { CustomerImportRepository } from './customer-import.repository';
import { CustomerImporter } from './customer-importer';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { PurchaseImportRepository } from './purchase-import.repository';
import { PurchaseImporter } from './purchase-importer';

@Module({
  imports: [LifecycleModule],
  controllers: [ImportsController],
  providers: [
    CustomerImporter,
    PurchaseImporter,
    ImportsService,
    ImportsRepository,
    CustomerImportRepository,
    PurchaseImportRepository,
    PurchasesRepository,
    { provide: ContactFingerprinter, useFactory: () => contactFingerprinter() },
  ],
})
export class ImportsModule {}
