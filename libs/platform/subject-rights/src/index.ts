/**
 * Subject rights (access, erasure, merge) across services: the participant every service that holds
 * customer-linked data implements, the internal route the gateway composes the export from, and the
 * consumer that drives erase and merge on customer.erased / customer.merged and acknowledges each
 * erasure. The registry of participants and the section envelope are in @rapport/contracts
 * (subject-rights.ts). How a service joins (registry entry, participant, conformance suite): this
 * library's README.md.
 */
export * from './participant';
export { keysetPages, writeSection } from './section-writer';
export { MergedCustomers, mergedCustomersMigration } from './merged-customers';
export { SubjectRightsModule, type SubjectRightsModuleOptions } from './subject-rights.module';
export { SubjectRightsController } from './subject-rights.controller';
export { SubjectRightsConsumer } from './subject-rights.consumer';
