import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  handledBy,
  openServiceTestClients,
  publishCustomerEvents,
  type ServiceTestClients,
} from '@rapport/testing';
import {
  csatSubmitted,
  followUp,
  followUpCompleted,
  followUpCreated,
  followUpOverdue,
  followUpSnoozed,
  interactionLogged,
  lifecycleChanged,
  ownershipChanged,
  pointsEarned,
  pointsRedeemed,
  publishOn,
  slaBreached,
  surveyResponded,
  ticket,
  ticketCreated,
  ticketReplied,
  ticketTransitioned,
  ticketUpdated,
} from '../../test/factories/activity-events';
import { customerCreated, customerErased, customerMerged } from '../../test/factories/customer-events';

const HOUR = 3_600_000;

/**
 * The stack's analytics building its activity facts from interaction's, service-desk's, loyalty's and
 * customer-profile's events on the real broker: what each event leaves in the tables the KPIs, the
 * dashboards and the churn model read, a redelivered event counted once, merges and erasures followed.
 */
describe('analytics activity facts', () => {
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
  });
  afterAll(async () => {
    await closeServiceTestClients(clients);
  });

  const handled = (event: Parameters<typeof handledBy>[2]) => handledBy(clients.db, 'analytics', event);
  const one = async (sql: string, params: unknown[]) => (await clients.db.query(sql, params)).rows[0];
  const activityOf = (customerId: string) =>
    one(
      `SELECT last_contact_at, open_complaints, last_survey_score, last_survey_kind, last_survey_at
       FROM analytics.customer_activity WHERE customer_id = $1`,
      [customerId],
    );

  it('keeps each contact once and the customer’s last contact, even when a contact is logged late', async () => {
    const customerId = randomUUID();
    const latest = new Date(Date.now() - HOUR);
    const contact = interactionLogged(customerId, 'agent1', latest);
    const earlier = interactionLogged(customerId, 'agent2', new Date(Date.now() - 5 * HOUR));
    await publishOn(clients.producer, 'interactions', contact);
    await publishOn(clients.producer, 'interactions', contact); // redelivered
    await publishOn(clients.producer, 'interactions', earlier); // behind the redelivery (same key)
    await handled(earlier);

    const facts = await clients.db.query(
      `SELECT agent FROM analytics.interaction_facts WHERE customer_id = $1 ORDER BY occurred_at`,
      [customerId],
    );
    expect(facts.rows.map((r) => r.agent)).toEqual(['agent2', 'agent1']);
    expect(await activityOf(customerId)).toMatchObject({ last_contact_at: latest, open_complaints: 0 });
  });

  it('follows a follow-up from planned to done: overdue, put off, completed', async () => {
    const customerId = randomUUID();
    const due = new Date(Date.now() - 2 * HOUR);
    const later = new Date(Date.now() + HOUR);
    const f = followUp(customerId, 'agent1', 'north', due);
    const events = [
      followUpCreated(f, new Date(Date.now() - 3 * HOUR)),
      followUpOverdue(f),
      followUpSnoozed(f, later),
      followUpCompleted({ ...f, dueAt: later }, new Date()),
    ];
    await publishOn(clients.producer, 'interactions', ...events);
    await handled(events[3]!);
    expect(
      await one(
        `SELECT assignee, team, original_due_at, due_at, overdue_at, snoozed, completed_at IS NOT NULL AS done
         FROM analytics.follow_up_facts WHERE follow_up_id = $1`,
        [f.followUpId],
      ),
    ).toEqual({
      assignee: 'agent1',
      team: 'north',
      original_due_at: due,
      due_at: later,
      overdue_at: due,
      snoozed: 1,
      done: true,
    });
  });

  it('counts a customer’s open complaints from their tickets, with first response, SLA breach and rating as service-desk reported them', async () => {
    const customerId = randomUUID();
    const received = new Date(Date.now() - 10 * HOUR);
    const complaint = ticket(customerId, 'north', 'agent1', received);
    const inquiry = ticket(customerId, 'north', null, received, 'inquiry');
    const opened = [ticketCreated(complaint), ticketCreated(inquiry)];
    await publishOn(clients.producer, 'tickets', ...opened);
    await handled(opened[1]!);
    expect(await activityOf(customerId)).toMatchObject({ open_complaints: 1 });

    const resolvedAt = new Date(Date.now() - HOUR);
    const rest = [
      ticketUpdated(complaint, 'agent2', 1),
      ticketReplied({ ...complaint, assignee: 'agent2' }, new Date(received.getTime() + 30 * 60_000), 2),
      slaBreached(complaint, 'resolution', new Date(Date.now() - 2 * HOUR)),
      ticketTransitioned(complaint, 'received', 'resolved', resolvedAt, 3, 'agent2'),
      csatSubmitted(complaint, 2, new Date()),
    ];
    await publishOn(clients.producer, 'tickets', ...rest);
    await handled(rest[4]!);

    expect(
      await one(
        `SELECT assignee, status, open, first_response_at, resolved_at, resolved_by,
                first_response_breached, resolution_breached
         FROM analytics.ticket_facts WHERE ticket_id = $1`,
        [complaint.ticketId],
      ),
    ).toEqual({
      assignee: 'agent2',
      status: 'resolved',
      open: false,
      first_response_at: new Date(received.getTime() + 30 * 60_000),
      resolved_at: resolvedAt,
      resolved_by: 'agent2',
      first_response_breached: false,
      resolution_breached: true,
    });
    expect(
      await one(`SELECT rating, team, assignee FROM analytics.csat_ratings WHERE ticket_id = $1`, [complaint.ticketId]),
    ).toEqual({ rating: 2, team: 'north', assignee: 'agent2' });
    expect(await activityOf(customerId)).toMatchObject({
      open_complaints: 0,
      last_survey_score: 2,
      last_survey_kind: 'ticket-csat',
    });

    // reopened: a complaint again
    const reopen = ticketTransitioned(complaint, 'resolved', 'reopened', new Date(), 4, 'manager');
    await publishOn(clients.producer, 'tickets', reopen);
    await handled(reopen);
    expect(await activityOf(customerId)).toMatchObject({ open_complaints: 1 });
    expect(
      await one(`SELECT resolved_at, open FROM analytics.ticket_facts WHERE ticket_id = $1`, [complaint.ticketId]),
    ).toEqual({ resolved_at: null, open: true });
  });

  it('keeps every survey score, and the newest response as the customer’s last survey', async () => {
    const customerId = randomUUID();
    const newer = surveyResponded(
      customerId,
      [
        { type: 'csat', value: 4 },
        { type: 'nps', value: 9 },
      ],
      new Date(Date.now() - HOUR),
    );
    const older = surveyResponded(customerId, [{ type: 'nps', value: 3 }], new Date(Date.now() - 48 * HOUR));
    await publishOn(clients.producer, 'interactions', newer, older);
    await handled(older);
    const scores = await clients.db.query(
      `SELECT kind, value FROM analytics.survey_scores WHERE customer_id = $1 ORDER BY responded_at, kind`,
      [customerId],
    );
    expect(scores.rows).toEqual([
      { kind: 'nps', value: 3 },
      { kind: 'csat', value: 4 },
      { kind: 'nps', value: 9 },
    ]);
    expect(await activityOf(customerId)).toMatchObject({
      last_survey_score: 9,
      last_survey_kind: 'nps',
    });
    expect((await activityOf(customerId)).last_survey_at.toISOString()).toBe(newer.data.respondedAt);
  });

  it('records points movements once each', async () => {
    const customerId = randomUUID();
    const earned = pointsEarned(customerId, 500, 500);
    const redeemed = pointsRedeemed(customerId, 200, 300);
    await publishOn(clients.producer, 'loyalty', earned, earned, redeemed);
    await handled(redeemed);
    const rows = await clients.db.query(
      `SELECT kind, points::int FROM analytics.points_movements WHERE customer_id = $1 ORDER BY kind`,
      [customerId],
    );
    expect(rows.rows).toEqual([
      { kind: 'earned', points: 500 },
      { kind: 'redeemed', points: 200 },
    ]);
  });

  it('keeps the owner, team and lifecycle stage, and each stage move with the owner at the time', async () => {
    const customerId = randomUUID();
    const events = [
      customerCreated(customerId, 'person', { ownerId: 'agent1', team: 'north' }),
      lifecycleChanged(customerId, null, 'prospect', new Date(Date.now() - 3 * HOUR)),
      ownershipChanged(customerId, 'agent2', 'south', new Date(Date.now() - 2 * HOUR)),
      lifecycleChanged(customerId, 'prospect', 'new', new Date(Date.now() - HOUR)),
      lifecycleChanged(customerId, 'new', 'at_risk'),
    ];
    await publishCustomerEvents(clients.producer, ...events);
    await handled(events[4]!);
    expect(
      await one(`SELECT owner_id, team, lifecycle_stage FROM analytics.customer_facts WHERE customer_id = $1`, [
        customerId,
      ]),
    ).toEqual({ owner_id: 'agent2', team: 'south', lifecycle_stage: 'at_risk' });
    const moves = await clients.db.query(
      `SELECT from_stage, to_stage, owner_id FROM analytics.lifecycle_changes WHERE customer_id = $1 ORDER BY changed_at`,
      [customerId],
    );
    expect(moves.rows).toEqual([
      { from_stage: null, to_stage: 'prospect', owner_id: 'agent1' },
      { from_stage: 'prospect', to_stage: 'new', owner_id: 'agent2' },
      { from_stage: 'new', to_stage: 'at_risk', owner_id: 'agent2' },
    ]);
  });

  it('gives a merged customer’s activity to the survivor, and on erasure keeps the facts without the customer', async () => {
    const [mergedId, survivorId] = [randomUUID(), randomUUID()];
    const complaint = ticket(mergedId, 'north', 'agent1');
    const contact = interactionLogged(survivorId, 'agent1', new Date(Date.now() - 5 * HOUR));
    const lastContact = new Date(Date.now() - HOUR);
    await publishCustomerEvents(clients.producer, customerCreated(mergedId), customerCreated(survivorId));
    const activity = [ticketCreated(complaint)];
    await publishOn(clients.producer, 'tickets', ...activity);
    const contacts = [contact, interactionLogged(mergedId, 'agent2', lastContact)];
    await publishOn(clients.producer, 'interactions', ...contacts);
    await handled(activity[0]!);
    for (const c of contacts) await handled(c);

    const merge = customerMerged(mergedId, survivorId);
    await publishCustomerEvents(clients.producer, merge);
    await handled(merge);
    expect(await activityOf(survivorId)).toMatchObject({ last_contact_at: lastContact, open_complaints: 1 });
    expect(await activityOf(mergedId)).toBeUndefined();
    expect(
      (await clients.db.query(`SELECT 1 FROM analytics.interaction_facts WHERE customer_id = $1`, [survivorId]))
        .rowCount,
    ).toBe(2);

    // a late event of the merged id lands under the survivor
    const late = interactionLogged(mergedId, 'agent1');
    await publishOn(clients.producer, 'interactions', late);
    await handled(late);
    expect(
      await one(`SELECT customer_id FROM analytics.interaction_facts WHERE interaction_id = $1`, [
        late.data.interactionId,
      ]),
    ).toEqual({ customer_id: survivorId });

    const erase = customerErased(survivorId);
    await publishCustomerEvents(clients.producer, erase);
    await handled(erase);
    expect(await activityOf(survivorId)).toBeUndefined();
    // the facts still count, anonymously
    expect(
      await one(`SELECT customer_id, type FROM analytics.ticket_facts WHERE ticket_id = $1`, [complaint.ticketId]),
    ).toEqual({ customer_id: null, type: 'complaint' });
    expect(
      await one(`SELECT customer_id FROM analytics.interaction_facts WHERE interaction_id = $1`, [
        contact.data.interactionId,
      ]),
    ).toEqual({ customer_id: null });

    // late contacts of the erased customer and of the id merged into them (a replay applies the
    // interactions topic after the customers topic): counted, without the customer, and no activity row
    const lateContacts = [interactionLogged(survivorId, 'agent1'), interactionLogged(mergedId, 'agent2')];
    await publishOn(clients.producer, 'interactions', ...lateContacts);
    for (const c of lateContacts) await handled(c);
    for (const c of lateContacts)
      expect(
        await one(`SELECT customer_id FROM analytics.interaction_facts WHERE interaction_id = $1`, [
          c.data.interactionId,
        ]),
      ).toEqual({ customer_id: null });
    expect(await activityOf(survivorId)).toBeUndefined();
    expect(await activityOf(mergedId)).toBeUndefined();
  });
});
