import { chooseAssignee, chooseQueue, matches, type RoutableQueue } from './queue-routing';

describe('routing a new ticket', () => {
  const queues: RoutableQueue[] = [
    { name: 'general', match: {}, priority: 1_000_000, vip: false },
    { name: 'vip', match: {}, priority: 0, vip: true },
    { name: 'social', match: { channels: ['wechat', 'weibo'] }, priority: 20, vip: false },
    { name: 'billing', match: { types: ['complaint'], categories: ['billing'] }, priority: 10, vip: false },
    { name: 'complaints', match: { types: ['complaint'] }, priority: 50, vip: false },
  ];
  const ticket = { type: 'inquiry' as const, category: null, channel: 'phone' as const, vip: false };

  it('sends a VIP customer’s ticket to the VIP queue whatever else matches', () => {
    expect(chooseQueue(queues, { ...ticket, type: 'complaint', category: 'billing', vip: true })).toEqual({
      queue: 'vip',
      reason: 'vip',
    });
  });

  it('takes the first matching queue by priority; every given list must hold the ticket’s value', () => {
    expect(chooseQueue(queues, { ...ticket, type: 'complaint', category: 'billing' })).toEqual({
      queue: 'billing',
      reason: 'match',
    });
    expect(chooseQueue(queues, { ...ticket, type: 'complaint', category: 'billing', channel: 'weibo' }).queue).toBe(
      'billing',
    );
    expect(chooseQueue(queues, { ...ticket, type: 'complaint', channel: 'weibo' }).queue).toBe('social');
    expect(chooseQueue(queues, { ...ticket, type: 'complaint' }).queue).toBe('complaints');
  });

  it('falls back to general; a queue without any list matches nothing by itself', () => {
    expect(chooseQueue(queues, ticket)).toEqual({ queue: 'general', reason: 'fallback' });
    expect(matches({}, ticket)).toBe(false);
    expect(matches({ categories: ['billing'] }, ticket)).toBe(false);
  });

  it('without a VIP queue, a VIP customer’s ticket is routed like any other', () => {
    expect(
      chooseQueue(
        queues.filter((q) => !q.vip),
        { ...ticket, vip: true, channel: 'wechat' },
      ),
    ).toEqual({
      queue: 'social',
      reason: 'match',
    });
  });
});

describe('assigning within a queue', () => {
  const members = ['ann', 'bob', 'cho'];

  it('round-robin: deals tickets out in turn, fair within one over any run', () => {
    let cursor = -1;
    const counts = new Map<string, number>();
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      const next = chooseAssignee({ members, available: null, assignment: 'round-robin', cursor });
      cursor = next.cursor;
      order.push(next.assignee!);
      counts.set(next.assignee!, (counts.get(next.assignee!) ?? 0) + 1);
    }
    expect(order.slice(0, 4)).toEqual(['ann', 'bob', 'cho', 'ann']);
    const values = [...counts.values()];
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
  });

  it('round-robin: skips who is not available and carries on after the last one assigned', () => {
    expect(chooseAssignee({ members, available: ['ann', 'cho'], assignment: 'round-robin', cursor: 0 })).toEqual({
      assignee: 'cho',
      cursor: 2,
    });
    expect(chooseAssignee({ members, available: ['ann', 'cho'], assignment: 'round-robin', cursor: 2 })).toEqual({
      assignee: 'ann',
      cursor: 0,
    });
  });

  it('least-loaded: the available member with the fewest open tickets, ties in members’ order', () => {
    const loads = new Map([
      ['ann', 3],
      ['bob', 1],
      ['cho', 1],
    ]);
    expect(chooseAssignee({ members, available: null, assignment: 'least-loaded', cursor: -1 }, loads).assignee).toBe(
      'bob',
    );
    expect(
      chooseAssignee({ members, available: ['ann', 'cho'], assignment: 'least-loaded', cursor: -1 }, loads).assignee,
    ).toBe('cho');
    expect(chooseAssignee({ members, available: null, assignment: 'least-loaded', cursor: -1 }).assignee).toBe('ann');
  });

  it('manual, or nobody available: nobody (the queue’s pool)', () => {
    expect(chooseAssignee({ members, available: null, assignment: 'manual', cursor: 1 })).toEqual({
      assignee: null,
      cursor: 1,
    });
    expect(chooseAssignee({ members, available: [], assignment: 'round-robin', cursor: 1 }).assignee).toBeNull();
    expect(
      chooseAssignee({ members: [], available: null, assignment: 'least-loaded', cursor: -1 }).assignee,
    ).toBeNull();
  });
});
