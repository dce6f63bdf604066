import { EventPattern } from '@nestjs/microservices';
import type { Logger } from '@rapport/platform-observability';
import type { DataSource } from 'typeorm';
import type { ConsumeOptions, MessageBus, RecordConsumer, RecordProducer } from './bus';
import { KafkaEventsServer } from './events-server';

/** A bus whose consumers only record starts and stops: what pause and resume do to the group. */
function fakeBus() {
  const log: string[] = [];
  let n = 0;
  const bus = {
    consumer: (group: string): RecordConsumer => {
      const id = ++n;
      return {
        start: async (options: ConsumeOptions) => {
          log.push(`start ${id} ${group} ${options.topics.join(',')}`);
        },
        stop: async () => {
          log.push(`stop ${id}`);
        },
      };
    },
  } as unknown as MessageBus;
  return { bus, log };
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const options = {
  consumerGroup: 'rapport.test',
  deadLetterTopic: 'rapport.test.dlq',
  maxAttempts: 3,
  retryBaseMs: 10,
  retryMaxMs: 10,
  partitionConcurrency: 1,
  batchSize: 1,
};

function serverWith(bus: MessageBus, withHandler = true): KafkaEventsServer {
  const sut = new KafkaEventsServer(bus, {} as RecordProducer, {} as DataSource, 'test', silent, options);
  if (withHandler) {
    const handler = Object.assign(async () => undefined, { extras: {} });
    // What Nest registers for an @OnEvent(CustomerCreatedV1) method.
    EventPattern('rapport.customer-profile.customer.created.v1');
    sut.addHandler('rapport.customer-profile.customer.created.v1', handler);
  }
  return sut;
}

const listen = (sut: KafkaEventsServer) =>
  new Promise<void>((resolve, reject) => void sut.listen((error) => (error ? reject(error) : resolve())));

describe(KafkaEventsServer.name, () => {
  it('pause stops the consumer (it leaves the group) and resume starts a new one on the same topics', async () => {
    const { bus, log } = fakeBus();
    const sut = serverWith(bus);
    await listen(sut);
    await sut.pause();
    expect(sut.isPaused).toBe(true);
    await sut.resume();
    expect(sut.isPaused).toBe(false);
    expect(log).toEqual([
      'start 1 rapport.test rapport.customer-profile.customers',
      'stop 1',
      'start 2 rapport.test rapport.customer-profile.customers',
    ]);
  });

  it('pausing twice stops once, resuming twice starts once, and calls made at once run one after the other', async () => {
    const { bus, log } = fakeBus();
    const sut = serverWith(bus);
    await listen(sut);
    await Promise.all([sut.pause(), sut.pause(), sut.resume(), sut.resume()]);
    expect(log).toEqual([
      'start 1 rapport.test rapport.customer-profile.customers',
      'stop 1',
      'start 2 rapport.test rapport.customer-profile.customers',
    ]);
  });

  it('leaves a server that does not consume alone: not listening, or closed', async () => {
    const { bus, log } = fakeBus();
    const idle = serverWith(bus);
    await idle.pause();
    await idle.resume();
    expect(idle.isPaused).toBe(false);

    const closed = serverWith(bus);
    await listen(closed);
    await closed.pause();
    await closed.close();
    await closed.resume();
    expect(log).toEqual(['start 1 rapport.test rapport.customer-profile.customers', 'stop 1']);
  });
});
