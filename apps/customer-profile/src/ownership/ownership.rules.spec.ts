import { OwnershipErrorCode } from './ownership.exception';
import { OwnershipRules } from './ownership.rules';

describe(OwnershipRules.name, () => {
  const sut = new OwnershipRules();
  const owned = { ownerId: 'u1', team: 'north' };
  const pooled = { ownerId: null, team: 'north' };

  it('lets managers assign within their team and admins anywhere', () => {
    expect(sut.assign(pooled, { roles: ['manager'], team: 'north' }, { ownerId: 'u2', team: 'north' })).toEqual({
      ok: true,
      change: 'assigned',
    });
    expect(sut.assign(owned, { roles: ['manager'], team: 'north' }, { ownerId: 'u2', team: 'north' })).toEqual({
      ok: true,
      change: 'transferred',
    });
    expect(sut.assign(owned, { roles: ['manager'], team: 'north' }, { ownerId: 'u2', team: 'south' })).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.NotAllowed,
      field: 'team',
    });
    expect(sut.assign(owned, { roles: ['admin'] }, { ownerId: 'u2', team: 'south' })).toEqual({
      ok: true,
      change: 'transferred',
    });
    expect(sut.assign(owned, { roles: ['agent'], team: 'north' }, { ownerId: 'u2', team: 'north' })).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.NotAllowed,
    });
    expect(sut.assign(owned, { roles: ['admin'] }, { ownerId: 'u1', team: 'north' })).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.AlreadyOwner,
    });
  });

  it('lets the owner release, not another agent, and not twice', () => {
    expect(sut.release(owned, { sub: 'u1', roles: ['agent'] })).toEqual({ ok: true, change: 'released' });
    expect(sut.release(owned, { sub: 'u2', roles: ['agent'] })).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.NotAllowed,
    });
    expect(sut.release(pooled, { sub: 'u1', roles: ['agent'] })).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.AlreadyInPool,
    });
  });

  it('claims from the pool only, under the cap, and only for people', () => {
    expect(sut.claim(pooled, { roles: ['agent'] }, 49, 50)).toEqual({ ok: true, change: 'claimed' });
    expect(sut.claim(pooled, { roles: ['agent'] }, 50, 50)).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.HoldingCapReached,
    });
    expect(sut.claim(owned, { roles: ['agent'] }, 0, 50)).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.NotInPool,
    });
    expect(sut.claim(pooled, { roles: ['integration'] }, 0, 50)).toMatchObject({
      ok: false,
      code: OwnershipErrorCode.NotAllowed,
    });
  });
});
