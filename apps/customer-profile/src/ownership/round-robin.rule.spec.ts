import { RoundRobinRule } from './round-robin.rule';

describe(RoundRobinRule.name, () => {
  const sut = new RoundRobinRule();
  const none = new Map<string, number>();

  it('deals in member order and wraps around: six over three go 2-2-2', () => {
    let nextPosition = 0;
    const owners: string[] = [];
    for (let i = 0; i < 6; i++) {
      const pick = sut.next({ members: ['a', 'b', 'c'], nextPosition }, none, 50);
      if (!pick.ok) throw new Error('expected a pick');
      owners.push(pick.ownerId);
      nextPosition = pick.nextPosition;
    }
    expect(owners).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('starts at the stored position, even one beyond a shortened member list', () => {
    expect(sut.next({ members: ['a', 'b', 'c'], nextPosition: 2 }, none, 50)).toEqual({
      ok: true,
      ownerId: 'c',
      nextPosition: 0,
      skipped: [],
    });
    expect(sut.next({ members: ['a', 'b'], nextPosition: 5 }, none, 50)).toMatchObject({
      ok: true,
      ownerId: 'b',
      nextPosition: 0,
    });
  });

  it('skips members at the holding cap and moves the cursor past the member picked', () => {
    const holdings = new Map([['b', 3]]);
    expect(sut.next({ members: ['a', 'b', 'c'], nextPosition: 1 }, holdings, 3)).toEqual({
      ok: true,
      ownerId: 'c',
      nextPosition: 0,
      skipped: ['b'],
    });
    expect(sut.next({ members: ['a', 'b', 'c'], nextPosition: 1 }, new Map([['b', 2]]), 3)).toMatchObject({
      ownerId: 'b',
    });
  });

  it('skips the current owner (assigning them again would change nothing)', () => {
    expect(sut.next({ members: ['a', 'b'], nextPosition: 0 }, none, 50, 'a')).toMatchObject({
      ok: true,
      ownerId: 'b',
      nextPosition: 0,
    });
  });

  it('finds nobody in an empty team or when everyone is at the cap', () => {
    expect(sut.next({ members: [], nextPosition: 0 }, none, 50)).toEqual({ ok: false, reason: 'no-members' });
    expect(
      sut.next(
        { members: ['a', 'b'], nextPosition: 0 },
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
        1,
      ),
    ).toEqual({ ok: false, reason: 'all-at-cap' });
  });
});
