import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CustomerCreatedV1, type CreateCustomerRequest } from '@rapport/contracts';
import { customerVisibility } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import type { CustomerEntity } from './customer.entity';
import { CustomerNotFoundException } from './customers.exception';
import { CustomersRepository } from './customers.repository';

@Injectable()
export class CustomersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * The row and its customer.created event commit together (transactional outbox). A person who
   * creates a customer owns it; a department system's records land in the public pool.
   */
  async create(input: CreateCustomerRequest, caller: CallerIdentity): Promise<CustomerEntity> {
    const ownedByCaller = !caller.roles.includes('integration');
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.insert(manager, {
        id: randomUUID(),
        kind: input.kind ?? 'person',
        name: input.name,
        email: input.email?.toLowerCase() ?? null,
        phone: input.phone ?? null,
        sourceChannel: input.sourceChannel ?? null,
        ownerId: ownedByCaller ? caller.sub : null,
        team: ownedByCaller ? (caller.team ?? null) : null,
      });
      await this.outbox.add(manager, CustomerCreatedV1, customer.id, {
        customerId: customer.id,
        kind: customer.kind,
        ...(customer.sourceChannel ? { sourceChannel: customer.sourceChannel } : {}),
        createdAt: customer.createdAt.toISOString(),
      });
      return customer;
    });
  }

  async get(id: string, caller: CallerIdentity): Promise<CustomerEntity> {
    const customer = await this.customers.findVisible(id, customerVisibility(caller));
    if (!customer) throw new CustomerNotFoundException(id);
    return customer;
  }
}
