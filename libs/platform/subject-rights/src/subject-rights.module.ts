import { ErasureAcknowledgedV1, subjectRightsRegistration } from '@rapport/contracts';
import { Module, type DynamicModule, type ModuleMetadata, type Provider, type Type } from '@nestjs/common';
import { MergedCustomers } from './merged-customers';
import { erasureSupport, SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './participant';
import { SubjectRightsConsumer } from './subject-rights.consumer';
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
   * Mounts the internal export route of a service over its participant and, when the participant
   * erases and merges, the consumer of customer.erased / customer.merged that drives them and
   * acknowledges each erasure. Refuses to start a service that is not in SUBJECT_RIGHTS_PARTICIPANTS
   * (the gateway would never ask it), a participant with only one of erase and merge (a merge would
   * leave rows an erasure then misses, or the other way round), and an erasing service that has no
   * acknowledgement event (customer-profile could never complete its erasures).
   */
  static forParticipant(options: SubjectRightsModuleOptions): DynamicModule {
    if (!subjectRightsRegistration(options.service))
      throw new Error(`${options.service} takes part in subject rights but is not in SUBJECT_RIGHTS_PARTICIPANTS`);
    const support = erasureSupport(options.participant);
    if (support === 'partial')
      throw new Error(
        `${options.participant.name} of ${options.service} implements one of erase and merge: implement both, or neither`,
      );
    const erasing = support === 'both';
    if (erasing && !Object.hasOwn(ErasureAcknowledgedV1, options.service)) {
      throw new Error(`${options.service} erases but has no ErasureAcknowledgedV1 event to acknowledge with`);
    }
    return {
      module: SubjectRightsModule,
      imports: options.imports ?? [],
      controllers: erasing ? [SubjectRightsController, SubjectRightsConsumer] : [SubjectRightsController],
      providers: [
        ...(options.providers ?? []),
        options.participant,
        { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: options.participant },
        ...(erasing ? [MergedCustomers] : []),
      ],
    };
  }
}
