import { randomUUID } from 'node:crypto';
import { stackInfo } from '@rapport/testing';
import { DataSource, type Logger } from 'typeorm';
import { cnMobile, uniqueTag } from '@rapport/testing';
import { SEARCH_WORD_FUNCTION } from '../database/migrations/1764000100000-RichCustomerRecords';
import { encodeSearchText } from '../search/search-key';
import { CustomerFieldsBuilder } from './customer-fields';
import { CustomersRepository } from './customers.repository';

/** Counts every statement TypeORM sends to PostgreSQL through this DataSource. */
class StatementCounter implements Logger {
  statements: string[] = [];
  logQuery(query: string): void {
    this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * The customers repository against the stack's real PostgreSQL (schema migrated by the running
 * customer-profile): a page of customers with their contact persons, identifiers and tags costs
 * the same three statements whatever the page size — no N+1.
 */
describe('CustomersRepository statements per page', () => {
  const counter = new StatementCounter();
  let dataSource: DataSource;
  let sut: CustomersRepository;
  const tag = uniqueTag('n1');

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'postgres',
      url: stackInfo().databaseUrl,
      logger: counter,
      logging: ['query'],
    });
    await dataSource.initialize();
    sut = new CustomersRepository(dataSource);
    const builder = new CustomerFieldsBuilder();
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < 60; i++) {
        const { fields, errors } = builder.fromCreate({
          name: `测试公司${i}`,
          kind: 'organisation',
          phone: cnMobile().typed,
          tags: [tag, `n${i % 3}`],
          identifiers: [{ type: 'external', value: `N1-${randomUUID()}` }],
          contacts: [
            { name: `联系人${i}甲`, phone: cnMobile().typed },
            { name: `联系人${i}乙`, title: '经理' },
          ],
        });
        expect(errors).toEqual([]);
        await sut.insert(manager, randomUUID(), fields, { ownerId: 'n1-owner', team: 'n1-team' });
      }
    });
  });

  afterAll(async () => {
    await dataSource.query(`DELETE FROM customer_profile.customers WHERE owner_id = 'n1-owner'`);
    await dataSource.destroy();
  });

  it.each([50, 10, 1])('lists %i customers with contacts, identifiers and tags in 3 statements', async (limit) => {
    counter.statements = [];
    const page = await sut.list({ sort: 'name', limit, tag, customFields: [] }, { kind: 'team', team: 'n1-team' });
    expect(page).toHaveLength(limit);
    expect(counter.statements).toHaveLength(3);
    for (const customer of page) {
      expect(customer.contacts).toHaveLength(2);
      expect(customer.identifiers).toHaveLength(1);
      expect(customer.tags).toContain(tag);
    }
  });

  it('applies row-level visibility in the same statement (a different team gets nothing)', async () => {
    counter.statements = [];
    expect(
      await sut.list({ sort: 'createdAt', limit: 50, tag, customFields: [] }, { kind: 'team', team: 'someone-else' }),
    ).toEqual([]);
    expect(counter.statements).toHaveLength(1);
  });

  it('spells search words in SQL (the migration backfill of existing rows) exactly as the service does', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(SEARCH_WORD_FUNCTION);
      for (const sample of ['王小明', 'Wang XiaoMing', 'café ①', 'A.b+C@Example.com', '  欧阳 娜娜 ', '㐀鿿']) {
        const [{ word }] = (await runner.query('SELECT pg_temp.search_word($1) AS word', [sample])) as [
          { word: string },
        ];
        expect(word).toBe(encodeSearchText(sample));
      }
    } finally {
      await runner.query('DROP FUNCTION pg_temp.search_word(text)');
      await runner.release();
    }
  });
});
