import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CustomerCreatedV1 } from '@rapport/contracts';
import { OutboxWriter } from '@rapport/platform-messaging';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import type { CustomerEntity } from './customer.entity';
import { CustomersRepository } from './customers.repository';
import type { CreateCustomerRequest } from '@rapport/contracts';
import { CustomerNotFoundException } from './customers.exception';

@Injectable()
export class CustomersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** The row and its customer.created event commit together (transactional outbox). */
  async create(input: CreateCustomerRequest, caller: CallerIdentity): Promise<CustomerEntity> {
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.insert(manager, {
        id: randomUUID(),
        kind: input.kind ?? 'person',
        name: input.name.trim(),
        email: input.email?.trim().toLowerCase() ?? null,
        phone: input.phone ?? null,
        sourceChannel: input.sourceChannel ?? null,
        ownerId: caller.sub,
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

  async get(id: string): Promise<CustomerEntity> {
    const customer = await this.customers.findById(id);
    if (!customer) throw new CustomerNotFoundException(id);
    return customer;
  }
}
