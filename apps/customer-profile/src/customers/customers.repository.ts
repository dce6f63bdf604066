import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CustomerEntity } from './customer.entity';

@Injectable()
export class CustomersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, customer: Omit<CustomerEntity, 'createdAt' | 'updatedAt' | 'version'>): Promise<CustomerEntity> {
    const repository = manager.getRepository(CustomerEntity);
    await repository.insert(customer);
    return repository.findOneByOrFail({ id: customer.id });
  }

  findById(id: string): Promise<CustomerEntity | null> {
    return this.dataSource.getRepository(CustomerEntity).findOneBy({ id });
  }
}
