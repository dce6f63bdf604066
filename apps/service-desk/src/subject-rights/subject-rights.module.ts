import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { MergedCustomersRepository } from './merged-customers.repository';
import { SubjectRightsConsumer } from './subject-rights.consumer';
import { SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './subject-rights.port';

@Module({})
export class SubjectRightsModule {
  /** `imports` are the modules that export the participant. */
  static register(options: { imports: ModuleMetadata['imports']; participant: Type<SubjectRightsParticipant> }): DynamicModule {
    return {
      module: SubjectRightsModule,
      imports: options.imports,
      controllers: [SubjectRightsConsumer],
      providers: [MergedCustomersRepository, { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: options.participant }],
    };
  }
}
