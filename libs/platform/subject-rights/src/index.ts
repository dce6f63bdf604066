/**
 * Subject rights (access, erasure, merge) across services: the participant every service that holds
 * customer-linked data implements and the internal route the gateway composes the export from. The
 * registry of participants and the section envelope are in @rapport/contracts (subject-rights.ts).
 * How a service joins (registry entry, participant, conformance suite): this library's README.md.
 */
export * from './participant';
export { keysetPages, writeSection } from './section-writer';
export { SubjectRightsModule } from './subject-rights.module';
export { SubjectRightsController } from './subject-rights.controller';
