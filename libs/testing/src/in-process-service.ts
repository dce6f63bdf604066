import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ServiceName } from '@rapport/contracts';
import { effectiveScopes } from '@rapport/platform-auth';
import { KafkaEventsServer } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import {
  IDENTITY_HEADER,
  loadServiceConfig,
  prepareServiceHttp,
  signIdentity,
  type CallerIdentity,
} from '@rapport/platform-runtime';
import request from 'supertest';
import { stackInfo } from './stack-file';

/** A caller as the gateway would present it: a subject with roles (scopes follow from the roles) and a team. */
export interface TestCaller {
  sub: string;
  roles: string[];
  team?: string;
  /** Scopes beyond the roles' own (a client's), as a token may carry. */
  scopes?: string[];
}

/** The demo users of the local stack, as the gateway's embedded OpenID provider knows them. */
export const TEST_CALLERS = {
  admin: { sub: 'admin', roles: ['admin'] },
  manager: { sub: 'manager', roles: ['manager'], team: 'north' },
  agent1: { sub: 'agent1', roles: ['agent'], team: 'north' },
  agent2: { sub: 'agent2', roles: ['agent'], team: 'south' },
  analyst: { sub: 'analyst', roles: ['analyst'] },
} satisfies Record<string, TestCaller>;

export interface InProcessService {
  app: INestApplication;
  /** supertest on the in-process HTTP server (no port, no gateway, no rate limit). */
  http(): ReturnType<typeof request>;
  /** The signed caller-identity header the gateway would send for this caller. */
  as(caller: TestCaller): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The medium test tier (docs/conventions.md): one service's root module booted in this process
 * against the test stack's real PostgreSQL and Kafka, with the environment the stack gives that
 * service and the same HTTP pipeline as in production, but without the gateway in front. It tests a
 * service's rules through its internal API at the speed of a function call. It joins the stack's own
 * instance of the service as a second replica: its outbox relay shares the outbox (rows are claimed,
 * so each is sent once), and it does not consume (the stack's instance does), unless asked to.
 */
export async function startServiceInProcess(
  name: ServiceName,
  rootModule: Type<unknown>,
  options: { consume?: boolean } = {},
): Promise<InProcessService> {
  const env = stackInfo().serviceEnvs[name];
  const saved = { ...process.env };
  // The platform reads its configuration from process.env while the module boots.
  Object.assign(process.env, env, { LOG_LEVEL: process.env.RAPPORT_IN_PROCESS_LOG_LEVEL ?? 'warn' });
  let app: INestApplication;
  try {
    const config = loadServiceConfig(name);
    // abortOnError false: a failure while the module boots is thrown to the test, with its message. Nest's
    // default calls process.exit(1), which with the logger off ended a whole jest worker without a word.
    app = await NestFactory.create(rootModule, { bodyParser: false, logger: false, abortOnError: false });
    prepareServiceHttp(app, config, createLogger(name, config.LOG_LEVEL));
    if (options.consume) {
      app.connectMicroservice({ strategy: app.get(KafkaEventsServer) }, { inheritAppConfig: true });
      await app.startAllMicroservices();
    }
    await app.init();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const secret = env['INTERNAL_AUTH_SECRET']!;
  return {
    app,
    http: () => request(app.getHttpServer()),
    as: async (caller) => {
      const identity: CallerIdentity = {
        sub: caller.sub,
        roles: caller.roles,
        scopes: effectiveScopes(caller.roles, caller.scopes ?? []),
        ...(caller.team ? { team: caller.team } : {}),
      };
      return { [IDENTITY_HEADER]: await signIdentity(identity, secret, 600) };
    },
    stop: () => app.close(),
  };
}
