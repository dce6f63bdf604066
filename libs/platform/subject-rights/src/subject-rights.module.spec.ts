import { Injectable } from '@nestjs/common';
import type { ErasureOutcome, SectionData, SubjectRightsParticipant } from './participant';
import { SUBJECT_RIGHTS_PARTICIPANT } from './participant';
import { MergedCustomers, mergedCustomersMigration } from './merged-customers';
import { SubjectRightsConsumer } from './subject-rights.consumer';
import { SubjectRightsController } from './subject-rights.controller';
import { SubjectRightsModule } from './subject-rights.module';

@Injectable()
class EmptyParticipant implements SubjectRightsParticipant {
  async exportSection(): Promise<SectionData> {
    return {};
  }
}

@Injectable()
class ErasingParticipant extends EmptyParticipant {
  async erase(): Promise<ErasureOutcome> {
    return { removed: {}, kept: [] };
  }
  async merge(): Promise<void> {}
}

@Injectable()
class EraseOnlyParticipant extends EmptyParticipant {
  async erase(): Promise<ErasureOutcome> {
    return { removed: {}, kept: [] };
  }
}

describe(SubjectRightsModule.name, () => {
  it('mounts only the export route over a participant that neither erases nor merges', () => {
    const sut = SubjectRightsModule.forParticipant({ service: 'loyalty', participant: EmptyParticipant });
    expect(sut.controllers).toEqual([SubjectRightsController]);
    expect(sut.providers).toEqual(
      expect.arrayContaining([
        EmptyParticipant,
        { provide: SUBJECT_RIGHTS_PARTICIPANT, useExisting: EmptyParticipant },
      ]),
    );
    expect(sut.providers).not.toContain(MergedCustomers);
  });

  it('also consumes customer.erased and customer.merged for a participant that erases and merges', () => {
    const sut = SubjectRightsModule.forParticipant({ service: 'interaction', participant: ErasingParticipant });
    expect(sut.controllers).toEqual([SubjectRightsController, SubjectRightsConsumer]);
    expect(sut.providers).toEqual(expect.arrayContaining([ErasingParticipant, MergedCustomers]));
  });

  it('refuses a participant with erase but no merge', () => {
    expect(() =>
      SubjectRightsModule.forParticipant({ service: 'interaction', participant: EraseOnlyParticipant }),
    ).toThrow(/EraseOnlyParticipant of interaction implements one of erase and merge/);
  });

  it('refuses a service that is not in SUBJECT_RIGHTS_PARTICIPANTS: the gateway would never ask it', () => {
    expect(() => SubjectRightsModule.forParticipant({ service: 'gateway', participant: EmptyParticipant })).toThrow(
      /gateway .* not in SUBJECT_RIGHTS_PARTICIPANTS/,
    );
  });
});

describe(mergedCustomersMigration.name, () => {
  it('is named with the timestamp the service gives, so a schema that ran its own copy does not run it again', () => {
    const Migration = mergedCustomersMigration('interaction', 1764001000000);
    expect(Migration.name).toBe('CreateMergedCustomers1764001000000');
    expect(new Migration().name).toBe('CreateMergedCustomers1764001000000');
  });

  it('refuses a schema name that is not a plain SQL identifier', () => {
    expect(() => mergedCustomersMigration('x"; DROP SCHEMA y', 1)).toThrow(/unsafe SQL identifier/);
  });
});
