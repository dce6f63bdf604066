import { ErasureAcknowledgedV1 } from './events/subject-rights.events';
import { schemaOf, SERVICE_NAMES } from './services';
import { SUBJECT_RIGHTS_PARTICIPANTS, SUBJECT_RIGHTS_PENDING } from './subject-rights';

describe('SUBJECT_RIGHTS_PARTICIPANTS', () => {
  it('gives every section key to one service only, so sections never overwrite each other in the export', () => {
    const owners = new Map<string, string[]>();
    for (const p of SUBJECT_RIGHTS_PARTICIPANTS)
      for (const s of p.sections) owners.set(s, [...(owners.get(s) ?? []), p.service]);
    expect([...owners].filter(([, services]) => services.length > 1)).toEqual([]);
  });

  it('names each service once, by its schema, and never the gateway (it holds no customer data of its own)', () => {
    const services = SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service);
    expect(new Set(services).size).toBe(services.length);
    expect(services).not.toContain('gateway');
    for (const p of SUBJECT_RIGHTS_PARTICIPANTS) expect(p.schema).toBe(schemaOf(p.service));
  });

  it('has customer-profile first among its members: it decides visibility and the survivor of a merge', () => {
    expect(SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service)).toContain('customer-profile');
  });

  it('keeps the pending list to services that exist and have not joined', () => {
    for (const service of SUBJECT_RIGHTS_PENDING) {
      expect(SERVICE_NAMES).toContain(service);
      expect(SUBJECT_RIGHTS_PARTICIPANTS.map((p) => p.service)).not.toContain(service);
    }
  });

  it('gives every participant an acknowledgement event on its own stream, so each erasure can be answered', () => {
    for (const p of SUBJECT_RIGHTS_PARTICIPANTS) {
      const definition = ErasureAcknowledgedV1[p.service as keyof typeof ErasureAcknowledgedV1];
      expect({ service: p.service, type: definition?.type, source: definition?.source }).toEqual({
        service: p.service,
        type: `rapport.${p.service}.erasure.acknowledged.v1`,
        source: p.service,
      });
    }
  });
});
