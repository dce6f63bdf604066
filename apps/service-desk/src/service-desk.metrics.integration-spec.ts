import { randomUUID } from 'node:crypto';
import {
  closeServiceTestClients,
  eventually,
  openServiceTestClients,
  publishCustomerEvents,
  startServiceInProcess,
  TEST_CALLERS,
  type InProcessService,
  type ServiceTestClients,
} from '@rapport/testing';
import { AppModule } from './app.module';
import { customerCreated } from '../test/factories/customer-events';
import { ticketRequest } from '../test/factories/tickets';
import { SlaScheduler } from './sla/sla.scheduler';

/** One sample of a scrape: `name{labels} value`, 0 when the series is absent. */
function sample(text: string, name: string, label: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return Number(line?.split(' ').pop() ?? 0);
}

/**
 * Service-desk's SLA metrics (rapport_sla_breaches_total, rapport_sla_warnings_total,
 * rapport_sla_escalations_total) as an SRE reads them from /metrics: they count exactly the
 * warnings, breaches and escalations the scheduler fired, i.e. the events it wrote to the outbox.
 */
describe('service-desk SLA metrics (in process)', () => {
  let sut: InProcessService;
  let clients: ServiceTestClients;

  beforeAll(async () => {
    clients = await openServiceTestClients();
    sut = await startServiceInProcess('service-desk', AppModule);
    // only the tick below fires timers in this process (the stack's own service-desk has its own counters)
    await sut.app.get(SlaScheduler).onApplicationShutdown();
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
    await closeServiceTestClients(clients);
  });

  const scrape = async () => (await sut.http().get('/metrics').expect(200)).text;

  it('exports every target and escalation action from the start, at 0 before anything fired', async () => {
    const text = await scrape();
    for (const target of ['first-response', 'resolution']) {
      expect(text).toMatch(new RegExp(`^rapport_sla_breaches_total\\{target="${target}"\\} 0$`, 'm'));
      expect(text).toMatch(new RegExp(`^rapport_sla_warnings_total\\{target="${target}"\\} 0$`, 'm'));
    }
    for (const action of ['raise-priority', 'reassign-to-lead', 'reassign-to-manager'])
      expect(text).toMatch(new RegExp(`^rapport_sla_escalations_total\\{action="${action}"\\} 0$`, 'm'));
  });

  it('counts the breaches, warnings and escalations of a tick by target and action, as many as its events', async () => {
    const customerId = randomUUID();
    await publishCustomerEvents(clients.producer, customerCreated(customerId));
    await eventually(
      async () =>
        ((await clients.db.query('SELECT 1 FROM service_desk.customer_refs WHERE customer_id = $1', [customerId]))
          .rowCount ?? 0) === 1,
      20_000,
      'service-desk to know the customer',
    );
    const ticket = (
      await sut
        .http()
        .post('/internal/v1/tickets')
        .set(await sut.as(TEST_CALLERS.admin))
        .send(ticketRequest(customerId, { team: 'north' }))
        .expect(201)
    ).body as { id: string };
    const sla = (
      await sut
        .http()
        .get(`/internal/v1/tickets/${ticket.id}/sla`)
        .set(await sut.as(TEST_CALLERS.admin))
        .expect(200)
    ).body as { targets: Array<{ target: string; due: string }> };
    const resolutionDue = new Date(sla.targets.find((t) => t.target === 'resolution')!.due);
    // a unique instant: every event this tick writes carries it as firedAt
    const later = new Date(resolutionDue.getTime() + 60_000 + Math.floor(Math.random() * 1000));

    const before = await scrape();
    await sut.app.get(SlaScheduler).tick(later);
    const after = await scrape();

    const fired = await clients.db.query<{ kind: string; n: string }>(
      `SELECT replace(event_type, 'rapport.service-desk.', '') || ' ' || coalesce(payload::jsonb->>'action', payload::jsonb->>'target') AS kind,
              count(*) AS n
         FROM service_desk.outbox
        WHERE payload::jsonb->>'firedAt' = $1 AND event_type ~ '\\.(sla\\.(warning|breached)|ticket\\.escalated)\\.v1$'
        GROUP BY 1`,
      [later.toISOString()],
    );
    const events = Object.fromEntries(fired.rows.map((r) => [r.kind, Number(r.n)]));
    // the default policy: 75 % warnings on both targets, the lead on a first-response breach, a raised
    // priority on a resolution breach; this ticket fired them all
    expect(events).toMatchObject({
      'sla.warning.v1 first-response': expect.any(Number),
      'sla.warning.v1 resolution': expect.any(Number),
      'sla.breached.v1 first-response': expect.any(Number),
      'sla.breached.v1 resolution': expect.any(Number),
      'ticket.escalated.v1 reassign-to-lead': expect.any(Number),
      'ticket.escalated.v1 raise-priority': expect.any(Number),
    });
    const delta = (name: string, label: string) => sample(after, name, label) - sample(before, name, label);
    expect({
      breachedFirstResponse: delta('rapport_sla_breaches_total', 'target="first-response"'),
      breachedResolution: delta('rapport_sla_breaches_total', 'target="resolution"'),
      warnedFirstResponse: delta('rapport_sla_warnings_total', 'target="first-response"'),
      warnedResolution: delta('rapport_sla_warnings_total', 'target="resolution"'),
      toLead: delta('rapport_sla_escalations_total', 'action="reassign-to-lead"'),
      raised: delta('rapport_sla_escalations_total', 'action="raise-priority"'),
      toManager: delta('rapport_sla_escalations_total', 'action="reassign-to-manager"'),
    }).toEqual({
      breachedFirstResponse: events['sla.breached.v1 first-response'],
      breachedResolution: events['sla.breached.v1 resolution'],
      warnedFirstResponse: events['sla.warning.v1 first-response'],
      warnedResolution: events['sla.warning.v1 resolution'],
      toLead: events['ticket.escalated.v1 reassign-to-lead'],
      raised: events['ticket.escalated.v1 raise-priority'],
      toManager: events['ticket.escalated.v1 reassign-to-manager'] ?? 0,
    });
  });
});
