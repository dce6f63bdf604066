import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ConsentChangedV1,
  type ConsentOverview,
  type ConsentView,
  type RecordConsentRequest,
} from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerDataRegistry } from '../customers/customer-data.registry';
import { CustomerNotFoundException } from '../customers/customers.exception';
import { CustomersRepository } from '../customers/customers.repository';
import { ConsentRepository, type ConsentRecord } from './consent.repository';

@Injectable()
export class ConsentService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly consents: ConsentRepository,
    private readonly outbox: OutboxWriter,
    private readonly dataSections: CustomerDataRegistry,
  ) {}

  onModuleInit(): void {
    this.dataSections.register({
      name: 'consents',
      export: async (manager, customerId) => (await this.consents.history(manager, customerId)).map(toConsentView),
      erase: (manager, customerId) => this.consents.anonymise(manager, customerId),
      merge: (manager, mergedId, survivorId) => this.consents.reassign(manager, mergedId, survivorId),
    });
  }

  /**
   * Records a grant or a withdrawal. consent.changed is published only when the effective state
   * changes (a second identical grant is kept in the history but tells nobody anything new).
   */
  async record(
    requestedId: string,
    input: RecordConsentRequest,
    caller: CallerIdentity,
  ): Promise<{ record: ConsentView; changed: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.findVisible(requestedId, customerVisibility(caller), manager, true);
      if (!customer) throw new CustomerNotFoundException(requestedId);
      const customerId = customer.id; // the survivor when requestedId was merged
      const before = (await this.consents.current(manager, customerId)).find(
        (c) => c.channel === input.channel && c.purpose === input.purpose,
      );
      const record = await this.consents.append(manager, customerId, {
        channel: input.channel,
        purpose: input.purpose,
        granted: input.granted,
        source: input.source,
        legalBasis: input.legalBasis ?? 'consent',
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : new Date(),
        recordedBy: caller.sub,
      });
      const after = (await this.consents.current(manager, customerId)).find(
        (c) => c.channel === input.channel && c.purpose === input.purpose,
      )!;
      const changed = before?.granted !== after.granted;
      if (changed) {
        await this.outbox.add(manager, ConsentChangedV1, customerId, {
          customerId,
          channel: after.channel,
          purpose: after.purpose,
          granted: after.granted,
          changedAt: after.occurredAt.toISOString(),
        });
      }
      return { record: toConsentView(record), changed };
    });
  }

  /**
   * A withdrawal the customer made elsewhere (interaction's one-click unsubscribe or SMS reply T), in the
   * inbox transaction of its event: appended to the log as it happened, and consent.changed published
   * when it changed the current state, as for one recorded through the API. An unknown or erased
   * customer's is dropped (false).
   */
  async recordWithdrawal(
    manager: EntityManager,
    withdrawal: {
      customerId: string;
      channel: 'email' | 'sms';
      purpose: 'marketing' | 'service';
      source: string;
      at: Date;
    },
  ): Promise<boolean> {
    const customer = await this.customers.findVisible(withdrawal.customerId, { kind: 'all' }, manager, true);
    if (!customer) return false;
    const customerId = customer.id; // the survivor when the id was merged
    const before = (await this.consents.current(manager, customerId)).find(
      (c) => c.channel === withdrawal.channel && c.purpose === withdrawal.purpose,
    );
    await this.consents.append(manager, customerId, {
      channel: withdrawal.channel,
      purpose: withdrawal.purpose,
      granted: false,
      source: withdrawal.source,
      legalBasis: 'consent',
      occurredAt: withdrawal.at,
      recordedBy: 'interaction',
    });
    const after = (await this.consents.current(manager, customerId)).find(
      (c) => c.channel === withdrawal.channel && c.purpose === withdrawal.purpose,
    )!;
    if (before?.granted !== after.granted)
      await this.outbox.add(manager, ConsentChangedV1, customerId, {
        customerId,
        channel: after.channel,
        purpose: after.purpose,
        granted: after.granted,
        changedAt: after.occurredAt.toISOString(),
      });
    return true;
  }

  async overview(requestedId: string, caller: CallerIdentity): Promise<ConsentOverview> {
    const manager = this.dataSource.manager;
    const customer = await this.customers.findVisible(requestedId, customerVisibility(caller), manager);
    if (!customer) throw new CustomerNotFoundException(requestedId);
    const customerId = customer.id;
    const [current, history] = [
      await this.consents.current(manager, customerId),
      await this.consents.history(manager, customerId),
    ];
    return { current: current.map(toConsentView), history: history.map(toConsentView) };
  }
}

function toConsentView(r: ConsentRecord): ConsentView {
  return {
    id: r.id,
    channel: r.channel,
    purpose: r.purpose,
    granted: r.granted,
    source: r.source,
    legalBasis: r.legalBasis,
    occurredAt: r.occurredAt.toISOString(),
    recordedAt: r.recordedAt.toISOString(),
    recordedBy: r.recordedBy,
  };
}
