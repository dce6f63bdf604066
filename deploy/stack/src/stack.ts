import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allTopics, schemaOf, SERVICE_NAMES, type ServiceName } from '@rapport/contracts';
import { createMessageBus } from '@rapport/platform-messaging';
import { createLogger } from '@rapport/platform-observability';
import { Client } from 'pg';
import { startKafka, type KafkaHandle } from './kafka';
import { startChannelSink, startMail, type ChannelSinkHandle, type MailHandle } from './mail';
import { repoRoot } from './paths';
import { startPostgres, type PostgresHandle } from './postgres';
import { appendToLog, sleep, spawnLogged, stopChild, tailFile, type ManagedChild } from './processes';
import { Supervisor } from './supervision';
import { startTraces, type TracesHandle } from './zipkin';

/**
 * The local stack: PostgreSQL, Kafka and the six services, started the same way for `npm start`
 * (profile "dev") and for the integration and e2e tests (profile "test", its own ports and data).
 */
/** V8's young-generation semi-space, in MB, for every service (see launchService; the Helm chart sets the same). */
export const SEMI_SPACE_MB = 16;

export type StackProfile =
  'dev' | 'test' | 'test2' | 'test3' | 'test4' | 'test5' | 'test6' | 'test7' | 'bench' | 'first-run';

// traces: the trace backend's UI, API and span intake (Zipkin, deploy/stack/src/zipkin.ts).
// smtp, mailWeb: MailDev's SMTP server and its web UI and API; sms: the SMS and WeChat sink (deploy/stack/src/mail.ts).
const PORTS: Record<
  StackProfile,
  {
    postgres: number;
    kafka: number;
    controller: number;
    services: number;
    traces: number;
    smtp: number;
    mailWeb: number;
    sms: number;
  }
> = {
  dev: {
    postgres: 54329,
    kafka: 19092,
    controller: 19093,
    services: 3000,
    traces: 9411,
    smtp: 1025,
    mailWeb: 1080,
    sms: 1081,
  },
  test: {
    postgres: 54339,
    kafka: 19192,
    controller: 19193,
    services: 3100,
    traces: 9421,
    smtp: 1125,
    mailWeb: 1180,
    sms: 1181,
  },
  bench: {
    postgres: 54349,
    kafka: 19292,
    controller: 19293,
    services: 3200,
    traces: 9431,
    smtp: 1225,
    mailWeb: 1280,
    sms: 1281,
  },
  // Extra test stacks, so that several test runs can share a machine (RAPPORT_TEST_PROFILE=test2).
  test2: {
    postgres: 54359,
    kafka: 19392,
    controller: 19393,
    services: 3300,
    traces: 9441,
    smtp: 1325,
    mailWeb: 1380,
    sms: 1381,
  },
  test3: {
    postgres: 54369,
    kafka: 19492,
    controller: 19493,
    services: 3400,
    traces: 9451,
    smtp: 1425,
    mailWeb: 1480,
    sms: 1481,
  },
  test4: {
    postgres: 54379,
    kafka: 19592,
    controller: 19593,
    services: 3500,
    traces: 9461,
    smtp: 1525,
    mailWeb: 1580,
    sms: 1581,
  },
  test5: {
    postgres: 54409,
    kafka: 19792,
    controller: 19793,
    services: 3700,
    traces: 9481,
    smtp: 1725,
    mailWeb: 1780,
    sms: 1781,
  },
  test6: {
    postgres: 54419,
    kafka: 19892,
    controller: 19893,
    services: 3800,
    traces: 9491,
    smtp: 1825,
    mailWeb: 1880,
    sms: 1881,
  },
  test7: {
    postgres: 54429,
    kafka: 19992,
    controller: 19993,
    services: 3900,
    traces: 9501,
    smtp: 1925,
    mailWeb: 1980,
    sms: 1981,
  },
  // The first-start test: `npm start` as a newcomer runs it, on an empty data folder of its own.
  'first-run': {
    postgres: 54389,
    kafka: 19692,
    controller: 19693,
    services: 3600,
    traces: 9471,
    smtp: 1625,
    mailWeb: 1680,
    sms: 1681,
  },
};

/** The local ports of a profile's stack (backup and restore reach a stack they did not start). */
/** Whether a name given on a command line is a stack profile. */
export function isStackProfile(name: string): name is StackProfile {
  return Object.hasOwn(PORTS, name);
}

export function stackPorts(profile: StackProfile): { postgres: number; kafka: number } {
  return { postgres: PORTS[profile].postgres, kafka: PORTS[profile].kafka };
}

/** The profile of the test stack: `test` unless RAPPORT_TEST_PROFILE names another one. */
export function testProfile(): StackProfile {
  const profile = process.env.RAPPORT_TEST_PROFILE ?? 'test';
  if (!(profile in PORTS) || profile === 'dev' || profile === 'bench' || profile === 'first-run')
    throw new Error(`RAPPORT_TEST_PROFILE=${profile} is not a test profile`);
  return profile as StackProfile;
}

export interface StackOptions {
  profile: StackProfile;
  fresh?: boolean;
  /** Start the six services too (default true). */
  services?: boolean;
  log?: (line: string) => void;
  /** Extra environment for every service (e.g. OTEL_* in the trace test). */
  serviceEnv?: NodeJS.ProcessEnv;
  /** Start the trace backend (Zipkin) and have every service export to it (default false; `npm start` sets it unless --no-traces). */
  traces?: boolean;
}

export interface StackInfo {
  profile: StackProfile;
  databaseUrl: string;
  brokers: string[];
  serviceUrls: Record<ServiceName, string>;
  gatewayUrl: string;
  internalAuthSecret: string;
  logDir: string;
  /** The trace UI and API, when the stack started one (options.traces). */
  traces?: { uiUrl: string; apiUrl: string };
  /** MailDev: where mail goes (SMTP) and its web UI, whose HTTP API lists what arrived (`${webUrl}api/email`). */
  mail?: { smtpUrl: string; webUrl: string };
  /** The SMS sink: services POST to it, GET lists what it received. */
  smsUrl?: string;
  /** WeChat's API as the stack plays it (INTERACTION_WECHAT_API_URL); `${wechatApiUrl}/wechat` lists what was sent. */
  wechatApiUrl?: string;
}

interface Secrets {
  internalAuthSecret: string;
  /** customer-profile's key for contact fingerprints (HMAC-SHA256); only that service gets it. */
  contactFingerprintKey: string;
  rolePasswords: Record<string, string>;
}

export class Stack {
  private postgres?: PostgresHandle;
  private kafka?: KafkaHandle;
  private traces?: TracesHandle;
  private mail?: MailHandle;
  private channelSink?: ChannelSinkHandle;
  private readonly children = new Map<ServiceName, ManagedChild>();
  /** Restarts a service that died unexpectedly (see supervision.ts); one per service started. */
  private readonly supervisors = new Map<ServiceName, Supervisor>();
  /** The entry each service was last started from, so that a restart runs the same build. */
  private readonly mains = new Map<ServiceName, string>();
  private stopping = false;
  private secrets!: Secrets;
  private readonly dir: string;
  private readonly log: (line: string) => void;

  constructor(private readonly options: StackOptions) {
    this.dir = path.join(repoRoot(), '.local', options.profile);
    const sink = options.log ?? ((line: string) => console.log(line));
    // Also kept in <logDir>/stack.log, so that what the stack did (restarts above all) can be read later.
    this.log = (line) => {
      sink(line);
      appendToLog(path.join(this.dir, 'logs', 'stack.log'), `${new Date().toISOString()} ${line}`);
    };
  }

  get info(): StackInfo {
    const ports = PORTS[this.options.profile];
    const serviceUrls = Object.fromEntries(
      SERVICE_NAMES.map((name, i) => [name, `http://127.0.0.1:${ports.services + i}`]),
    ) as Record<ServiceName, string>;
    return {
      profile: this.options.profile,
      databaseUrl: this.postgres!.url,
      brokers: this.kafka!.brokers,
      serviceUrls,
      gatewayUrl: serviceUrls.gateway,
      internalAuthSecret: this.secrets.internalAuthSecret,
      logDir: path.join(this.dir, 'logs'),
      ...(this.traces ? { traces: { uiUrl: this.traces.uiUrl, apiUrl: this.traces.apiUrl } } : {}),
      ...(this.mail ? { mail: { smtpUrl: this.mail.smtpUrl, webUrl: this.mail.webUrl } } : {}),
      ...(this.channelSink ? { smsUrl: this.channelSink.smsUrl, wechatApiUrl: this.channelSink.wechatApiUrl } : {}),
    };
  }

  async start(): Promise<StackInfo> {
    const started = Date.now();
    this.stopping = false;
    const ports = PORTS[this.options.profile];
    if (this.options.fresh) {
      // Data goes; the Kafka jars (deploy/kafka/pom.xml) stay, they are a cache.
      for (const entry of ['secrets.json', 'idp-keys.json', 'erasure-receipt-key.json', 'seeded', 'logs'])
        fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
    }
    fs.mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
    this.secrets = this.loadSecrets();
    if (this.options.traces) {
      // Starts now and comes up while PostgreSQL and Kafka do; awaited before the services start.
      this.traces = await startTraces({
        rootDir: repoRoot(),
        toolsDir: path.join(repoRoot(), '.local', 'tools', 'zipkin'),
        logDir: path.join(this.dir, 'logs'),
        port: ports.traces,
        log: this.log,
      }).catch((error: Error) => {
        this.log(`${error.message}\ntraces: going on without the trace UI`);
        return undefined;
      });
    }

    const [postgresResult, kafkaResult] = await Promise.allSettled([
      startPostgres({
        dataDir: path.join(this.dir, 'postgres', 'data'),
        port: ports.postgres,
        database: 'rapport',
        fresh: this.options.fresh,
        log: this.log,
      }),
      startKafka({
        rootDir: repoRoot(),
        workDir: path.join(this.dir, 'kafka'),
        port: ports.kafka,
        controllerPort: ports.controller,
        fresh: this.options.fresh,
        log: this.log,
      }),
    ]);
    // If one of the two failed, stop the other before reporting, so nothing is left running.
    if (postgresResult.status === 'rejected' || kafkaResult.status === 'rejected') {
      if (postgresResult.status === 'fulfilled') await postgresResult.value.stop().catch(() => undefined);
      if (kafkaResult.status === 'fulfilled') await kafkaResult.value.stop().catch(() => undefined);
      await this.traces?.stop().catch(() => undefined);
      throw postgresResult.status === 'rejected'
        ? postgresResult.reason
        : (kafkaResult as PromiseRejectedResult).reason;
    }
    const postgres = postgresResult.value;
    const kafka = kafkaResult.value;
    this.postgres = postgres;
    this.kafka = kafka;
    // The mail, SMS and WeChat sinks are part of the local platform: campaigns and replies need somewhere
    // real to send to.
    this.mail = await startMail({
      smtpPort: ports.smtp,
      webPort: ports.mailWeb,
      logDir: path.join(this.dir, 'logs'),
      log: this.log,
    });
    this.channelSink = await startChannelSink(ports.sms);
    this.log(`postgres ${postgres.external ? '(external) ' : ''}and kafka ${kafka.external ? '(external) ' : ''}ready`);
    await this.prepareDatabase();
    await this.createTopics();
    if (this.options.services !== false) {
      await Promise.all(SERVICE_NAMES.map((name) => this.startService(name)));
      this.log(`all services ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    // Services do not wait for the trace backend (the JVM may take longer than they do); the stack
    // does, but goes on without it when it failed: traces are a help, not a part of the platform.
    await this.traces?.ready.catch(async (error: Error) => {
      this.log(`${error.message}\ntraces: going on without the trace UI (spans are dropped)`);
      await this.traces?.stop().catch(() => undefined);
      this.traces = undefined;
    });
    return this.info;
  }

  /** The environment a service runs with: its own role, its own schema, the shared secrets. */
  serviceEnv(name: ServiceName): NodeJS.ProcessEnv {
    const info = this.info;
    const role = schemaOf(name);
    const url = new URL(info.databaseUrl);
    url.username = role;
    url.password = this.secrets.rolePasswords[role]!;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: new URL(info.serviceUrls[name]).port,
      HOST: '127.0.0.1',
      DATABASE_URL: url.toString(),
      DB_SCHEMA: role,
      KAFKA_BROKERS: info.brokers.join(','),
      // A service restarted after a crash joins its consumer group only once Kafka gave up on the
      // dead member: 10 s here instead of 30 s, so that it is back within seconds.
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      INTERNAL_AUTH_SECRET: this.secrets.internalAuthSecret,
      ...(name === 'customer-profile' ? { CONTACT_FINGERPRINT_KEY: this.secrets.contactFingerprintKey } : {}),
      OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'none',
      // With the stack's trace backend: Zipkin's JSON intake (its server takes no OTLP), sent within 0.5 s.
      ...(this.traces
        ? {
            OTEL_TRACES_EXPORTER: 'zipkin',
            OTEL_EXPORTER_ZIPKIN_ENDPOINT: this.traces.spansEndpoint,
            OTEL_BSP_SCHEDULE_DELAY: '500',
          }
        : {}),
      OTEL_SERVICE_NAME: name,
      ...(name === 'interaction'
        ? {
            ...(this.mail ? { INTERACTION_SMTP_URL: this.mail.smtpUrl } : {}),
            ...(this.channelSink
              ? {
                  INTERACTION_SMS_URL: this.channelSink.smsUrl,
                  INTERACTION_WECHAT_API_URL: this.channelSink.wechatApiUrl,
                }
              : {}),
            INTERACTION_PUBLIC_BASE_URL: info.gatewayUrl,
          }
        : {}),
      ...this.options.serviceEnv,
    };
    if (name === 'gateway') {
      // The embedded OpenID provider, served by the gateway itself at /oidc (demo users and clients).
      env.OIDC_ISSUER = process.env.OIDC_ISSUER ?? `${info.gatewayUrl}/oidc`;
      env.OIDC_EMBEDDED = process.env.OIDC_ISSUER ? 'false' : 'true';
      env.OIDC_EMBEDDED_KEYS_FILE = path.join(this.dir, 'idp-keys.json');
      // The key that signs erasure receipts, created on first start and kept with the stack's other keys.
      env.ERASURE_RECEIPT_KEY_FILE = path.join(this.dir, 'erasure-receipt-key.json');
      // The demo user `fuzzer` (npm run fuzz) gets a bucket that fits a schemathesis run; everyone else keeps the default.
      env.RATE_LIMIT_OVERRIDES ??= 'rapport-cli/fuzzer=500:1000';
      for (const upstream of SERVICE_NAMES.filter((s) => s !== 'gateway')) {
        env[`SERVICE_URL_${upstream.toUpperCase().replace(/-/g, '_')}`] = info.serviceUrls[upstream];
      }
    }
    return env;
  }

  /** Starts a service from the build (dist/), or from another entry such as a production bundle's. */
  async startService(
    name: ServiceName,
    main = path.join(repoRoot(), 'dist', 'apps', name, 'src', 'main.js'),
  ): Promise<void> {
    // A deliberate start takes over from a restart the supervisor has pending (or waits for one under way).
    const supervisor = this.supervisorOf(name);
    await supervisor.cancel();
    supervisor.reset();
    if (this.children.get(name)?.isRunning()) throw new Error(`${name} is already running`);
    this.mains.set(name, main);
    await this.launchService(name, main);
  }

  /** Kills a service the way a crash would (SIGKILL by default), for tests; its supervisor brings it back. */
  killService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): { pid: number } {
    const child = this.children.get(name);
    if (!child?.isRunning() || child.pid === undefined) throw new Error(`${name} is not running`);
    process.kill(child.pid, signal);
    return { pid: child.pid };
  }

  /**
   * Spawns a service and waits until /health/ready answers. Everything in it up to the spawn is
   * synchronous, so a stop that comes while a restart is under way always finds the child to stop.
   */
  private async launchService(name: ServiceName, main: string): Promise<void> {
    if (!fs.existsSync(main)) throw new Error(`${main} is missing: run the build first (node deploy/build.cjs)`);
    if (this.stopping) throw new Error(`${name}: not started, the stack is stopping`);
    const child = spawnLogged({
      name,
      cwd: path.dirname(main),
      command: process.execPath,
      // --max-semi-space-size=16: Node 24 lets V8's young generation grow to 64 MB semi-spaces during
      // start-up (module loading), which stay committed: 64–128 MB of each idle service's RSS. 16 MB (the
      // semi-space of earlier Node versions) keeps every service under 200 MB idle (bench/idle-rss, issue 18).
      args: ['--enable-source-maps', `--max-semi-space-size=${SEMI_SPACE_MB}`, main],
      logFile: path.join(this.dir, 'logs', `${name}.log`),
      env: this.serviceEnv(name),
      emergencySignal: 'SIGKILL',
    });
    this.children.set(name, child);
    // A child that did not come up is not left behind (a restart would find its port taken).
    const failed = async (message: string): Promise<Error> => {
      if (this.children.get(name) === child) this.children.delete(name);
      await stopChild(child, { signal: 'SIGTERM', timeoutMs: 5_000, log: this.log });
      return new Error(message);
    };
    const readyUrl = `${this.info.serviceUrls[name]}/health/ready`;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (!child.isRunning()) {
        const info = child.exitInfo();
        throw await failed(
          `${name} exited during start-up (code ${info?.code}, signal ${info?.signal})\n--- ${child.logFile} ---\n${tailFile(child.logFile, 30, child.logOffset)}`,
        );
      }
      try {
        const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) {
          this.watch(name, child);
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw await failed(
      `${name} was not ready within 90 s\n--- ${child.logFile} ---\n${tailFile(child.logFile, 30, child.logOffset)}`,
    );
  }

  /** From ready on, an exit nobody asked for is a crash: stopService() takes the child out of the map first. */
  private watch(name: ServiceName, child: ManagedChild): void {
    void child.exited.then((info) => {
      if (this.stopping || this.children.get(name) !== child) return;
      this.children.delete(name);
      this.supervisorOf(name).crashed(info, child.logOffset);
    });
  }

  private supervisorOf(name: ServiceName): Supervisor {
    let supervisor = this.supervisors.get(name);
    if (!supervisor) {
      supervisor = new Supervisor({
        name,
        log: this.log,
        logFile: path.join(this.dir, 'logs', `${name}.log`),
        restart: () =>
          this.launchService(
            name,
            this.mains.get(name) ?? path.join(repoRoot(), 'dist', 'apps', name, 'src', 'main.js'),
          ),
      });
      this.supervisors.set(name, supervisor);
    }
    return supervisor;
  }

  /** Graceful stop (SIGTERM), as Kubernetes would do it. */
  async stopService(name: ServiceName): Promise<void> {
    // No restart after a deliberate stop: a pending one is dropped; one under way ends when the child
    // it started is stopped here.
    const restarting = this.supervisors.get(name)?.cancel();
    const child = this.children.get(name);
    if (child) {
      this.children.delete(name);
      const started = Date.now();
      const info = await stopChild(child, { signal: 'SIGTERM', timeoutMs: 15_000, log: this.log });
      this.log(`${name}: stopped in ${Date.now() - started} ms (code ${info.code}, signal ${info.signal})`);
    }
    await restarting;
  }

  async restartKafka(): Promise<void> {
    if (!this.kafka) throw new Error('kafka is not running');
    await this.kafka.restart();
  }

  async stopKafkaBroker(): Promise<void> {
    await this.kafka?.stop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Every service, also one the supervisor is about to restart.
    await Promise.all(SERVICE_NAMES.map((name) => this.stopService(name)));
    await this.kafka?.stop();
    await this.postgres?.stop();
    await this.traces?.stop();
    await this.mail?.stop().catch(() => undefined);
    await this.channelSink?.stop();
    this.mail = undefined;
    this.channelSink = undefined;
    this.kafka = undefined;
    this.postgres = undefined;
    this.traces = undefined;
  }

  private loadSecrets(): Secrets {
    const file = path.join(this.dir, 'secrets.json');
    if (fs.existsSync(file)) {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Secrets> &
        Omit<Secrets, 'contactFingerprintKey'>;
      if (stored.contactFingerprintKey) return stored as Secrets;
      // A stack made before the key existed gets one now, kept with the others.
      const upgraded: Secrets = { ...stored, contactFingerprintKey: randomBytes(32).toString('base64url') };
      fs.writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
      return upgraded;
    }
    const secrets: Secrets = {
      internalAuthSecret: randomBytes(32).toString('base64url'),
      contactFingerprintKey: randomBytes(32).toString('base64url'),
      rolePasswords: Object.fromEntries(
        SERVICE_NAMES.map((name) => [schemaOf(name), randomBytes(18).toString('base64url')]),
      ),
    };
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }

  /** One role and one schema per service; each role owns its schema and has no rights elsewhere. */
  private async prepareDatabase(): Promise<void> {
    const client = new Client({ connectionString: this.postgres!.url });
    await client.connect();
    try {
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      for (const name of SERVICE_NAMES) {
        const role = schemaOf(name);
        const password = this.secrets.rolePasswords[role]!.replace(/'/g, "''");
        const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
        await client.query(
          exists.rowCount
            ? `ALTER ROLE ${role} LOGIN PASSWORD '${password}'`
            : `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`,
        );
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${role} AUTHORIZATION ${role}`);
        await client.query(`ALTER ROLE ${role} SET search_path = ${role}`);
      }
      // Trigram search (names, Chinese included) lives in customer-profile's own schema, since its
      // role sees no other. Creating an extension needs the administrative role, so it happens here.
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA customer_profile');
    } finally {
      await client.end();
    }
  }

  private async createTopics(): Promise<void> {
    const bus = createMessageBus(
      { clientId: 'rapport-stack', brokers: this.kafka!.brokers },
      createLogger('stack', 'warn'),
    );
    try {
      const created = await bus.ensureTopics(allTopics());
      if (created.length > 0) this.log(`topics created: ${created.join(', ')}`);
    } finally {
      await bus.close();
    }
  }
}
