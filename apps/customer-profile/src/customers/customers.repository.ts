import { Injectable } from '@nestjs/common';
import type { CustomerVisibility } from '@rapport/platform-auth';
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

  /** Row-level protection lives in the query: a customer the caller may not see is simply not found. */
  async findVisible(id: string, visibility: CustomerVisibility): Promise<CustomerEntity | null> {
    const query = this.dataSource.getRepository(CustomerEntity).createQueryBuilder('c').where('c.id = :id', { id });
    switch (visibility.kind) {
      case 'all':
        break;
      case 'team':
        query.andWhere('c.team = :team', { team: visibility.team });
        break;
      case 'own-and-pool':
        query.andWhere('(c.owner_id = :owner OR c.owner_id IS NULL)', { owner: visibility.ownerId });
        break;
      case 'none':
        return null;
    }
    return query.getOne();
  }
}
