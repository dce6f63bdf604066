import * as fs from 'node:fs';
import * as path from 'node:path';
import { allTopics, deadLetterTopicOf, consumerGroupOf, isServiceName } from '@rapport/contracts';
import { loadConfig, env } from '@rapport/platform-config';
import { createMessageBus, replayDeadLetters } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { z } from 'zod';
import { repoRoot } from './paths';
import { killAllSync } from './processes';
import { seedDemoData } from './seed';
import { Stack } from './stack';

const USAGE = `usage: node dist/deploy/stack/src/cli.js <command>
  up [--fresh] [--no-services] [--no-traces] [--profile dev|first-run]
                                 start PostgreSQL, Kafka, MailDev, the SMS and WeChat sink, the trace UI (Zipkin; not with --no-traces)
                                 and the six services, seed demo data on the first start; Ctrl-C
                                 stops everything (first-run: the first-start test's own ports and
                                 data folder)
  create-topics                  create the registry's topics on KAFKA_BROKERS (used by the Helm hook Job)
  dlq-replay <service>           send a service's dead letters back to their original topics`;

const UP_PROFILES = ['dev', 'first-run'] as const;

async function up(args: string[]): Promise<void> {
  const profileArg = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : 'dev';
  const profile = UP_PROFILES.find((p) => p === profileArg);
  if (!profile) throw new Error(`--profile must be one of ${UP_PROFILES.join(', ')}\n${USAGE}`);
  const stack = new Stack({
    profile,
    fresh: args.includes('--fresh'),
    services: !args.includes('--no-services'),
    traces: !args.includes('--no-traces'),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the stack…`);
    await stack.stop().catch((error: Error) => console.error(error.message));
    console.log('stopped; no process of the stack is left.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('exit', () => killAllSync());
  try {
    const info = await stack.start();
    if (!args.includes('--no-services')) {
      const seedMarker = path.join(repoRoot(), '.local', profile, 'seeded');
      if (!fs.existsSync(seedMarker)) {
        const seeded = await seedDemoData(info.gatewayUrl);
        fs.writeFileSync(seedMarker, JSON.stringify({ at: new Date().toISOString(), ...seeded }, null, 2));
        console.log(
          `demo data seeded: ${seeded.customers} customers, ${seeded.purchases} purchases, ${seeded.segments} segment, ${seeded.tickets} tickets, ${seeded.interactions} interactions, ${seeded.followUps} follow-ups, teams north and south`,
        );
      }
    }
    console.log(`
Rapport is running.
  API (gateway)   ${info.gatewayUrl}/api/v1
  API docs        ${info.gatewayUrl}/api/docs   (OpenAPI: ${info.gatewayUrl}/api/openapi.json)
  PostgreSQL      ${info.databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  Kafka           ${info.brokers.join(',')}
  Traces          ${info.traces ? `${info.traces.uiUrl}   (a traceId: ${info.traces.uiUrl}traces/<traceId>)` : `off${args.includes('--no-traces') ? ' (--no-traces)' : ' (did not start: see stack.log)'}`}
  Mail (MailDev)  ${info.mail ? `${info.mail.webUrl}   (SMTP ${info.mail.smtpUrl}; API ${info.mail.webUrl}api/email)` : 'off'}
  SMS sink        ${info.smsUrl ?? 'off'}   (GET lists the SMS received)
  WeChat API      ${info.wechatApiUrl ? `${info.wechatApiUrl}   (a stand-in; GET ${info.wechatApiUrl}/wechat lists the replies sent)` : 'off'}
  Logs            ${info.logDir}
Press Ctrl-C to stop.`);
  } catch (error) {
    console.error(`start failed: ${(error as Error).message}`);
    await stack.stop().catch(() => undefined);
    process.exit(1);
  }
}

function busFromEnv() {
  const config = loadConfig(
    z.object({
      KAFKA_BROKERS: env.list(/^[A-Za-z0-9.-]+:\d+$/, 'a comma-separated list of host:port'),
      KAFKA_SSL: env.bool(false),
      KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
      KAFKA_SASL_USERNAME: z.string().optional(),
      KAFKA_SASL_PASSWORD: z.string().optional(),
    }),
    process.env,
    ['KAFKA_SASL_PASSWORD'],
  );
  return createMessageBus(
    {
      clientId: 'rapport-admin',
      brokers: config.KAFKA_BROKERS,
      ssl: config.KAFKA_SSL,
      ...(config.KAFKA_SASL_MECHANISM
        ? {
            sasl: {
              mechanism: config.KAFKA_SASL_MECHANISM,
              username: config.KAFKA_SASL_USERNAME ?? '',
              password: config.KAFKA_SASL_PASSWORD ?? '',
            },
          }
        : {}),
    },
    createLogger('admin', 'warn'),
  );
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'up':
      return up(args);
    case 'create-topics': {
      const bus = busFromEnv();
      const created = await bus.ensureTopics(allTopics());
      console.log(created.length ? `created: ${created.join(', ')}` : 'all topics exist');
      await bus.close();
      return;
    }
    case 'dlq-replay': {
      // Locally (npm run stack -- dlq-replay <service>) the broker is the dev stack's.
      process.env.KAFKA_BROKERS ??= '127.0.0.1:19092';
      const service = args[0] ?? '';
      if (!isServiceName(service) || service === 'gateway')
        throw new Error(`dlq-replay needs a consuming service name\n${USAGE}`);
      const bus = busFromEnv();
      const replayed = await replayDeadLetters(bus, deadLetterTopicOf(service).name, consumerGroupOf(service));
      console.log(`replayed ${replayed} dead letters of ${service}`);
      await bus.close();
      return;
    }
    default:
      console.error(USAGE);
      process.exit(command ? 2 : 0);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
