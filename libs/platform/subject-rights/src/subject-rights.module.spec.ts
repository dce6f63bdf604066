import { Injectable } from '@nestjs/common';
import type { SectionData, SubjectRightsParticipant } from './participant';
import { SUBJECT_RIGHTS_PARTICIPANT } from './participant';
import { SubjectRightsController } from './subject-rights.controller';
import { SubjectRightsModule } from './subject-rights.module';

@Injectable()
class EmptyParticipant implements SubjectRightsParticipant {
  async exportSection(): Promise<SectionData> {
    return {};
  }
}

describe(SubjectRightsModule.name, () => {
  it('mounts the export route over the participant of a registered service', () => {
    const sut = SubjectRightsModule.forParticipant({ service: 'loyalty', participant: EmptyParticipant });
    expect(sut.controllers).toEqual([SubjectRightsController]);
    expect(sut.providers).toEqual(expect.arrayContaining([EmptyParticipant, { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: EmptyParticipant }]));
  });

  it('refuses a service that is not in SUBJECT_RIGHTS_PARTICIPANTS: the gateway would never ask it', () => {
    expect(() => SubjectRightsModule.forParticipant({ service: 'gateway', participant: EmptyParticipant })).toThrow(/gateway .* not in SUBJECT_RIGHTS_PARTICIPANTS/);
  });
});
