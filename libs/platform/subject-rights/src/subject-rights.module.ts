import { subjectRightsRegistration } from '@rapport/contracts';
import { Module, type DynamicModule, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './participant';
import { SubjectRightsController } from './subject-rights.controller';

export interface SubjectRightsModuleOptions {
  /** The service's name in SUBJECT_RIGHTS_PARTICIPANTS. */
  service: string;
  participant: Type<SubjectRightsParticipant>;
  /** Modules that export what the participant injects. */
  imports?: ModuleMetadata['imports'];
  /** Its own helpers (a read-only repository). */
  providers?: Provider[];
}

@Module({})
export class SubjectRightsModule {
  /**
   * Mounts the internal export route of a service over its participant. Refuses to start a service
   * that is not in SUBJECT_RIGHTS_PARTICIPANTS: the gateway would never ask it.
   */
  static forParticipant(options: SubjectRightsModuleOptions): DynamicModule {
    if (!subjectRightsRegistration(options.service)) throw new Error(`${options.service} takes part in subject rights but is not in SUBJECT_RIGHTS_PARTICIPANTS`);
    return {
      module: SubjectRightsModule,
      imports: options.imports ?? [],
      controllers: [SubjectRightsController],
      providers: [...(options.providers ?? []), options.participant, { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: options.participant }],
    };
  }
}
