/**
 * Policy of the rendered chart, for every value set in helm/rapport/ci: what a cluster admission
 * policy (Pod Security "restricted", Kyverno/Gatekeeper baselines) and the project's deploy
 * conventions require. Renders with the real Helm binary: HELM_BIN, or .local/tools/bin/helm as
 * installed by deploy/helm/check.sh.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { allTopics } from '@rapport/contracts';

const repoRoot = path.resolve(__dirname, '../../..');
const chartDir = path.join(repoRoot, 'helm/rapport');
const ciDir = path.join(chartDir, 'ci');
const helmBin = process.env.HELM_BIN ?? path.join(repoRoot, '.local/tools/bin/helm');
/** Building Helm from source takes a few minutes on a 2-core machine, once. */
const TOOL_INSTALL_TIMEOUT_MS = 20 * 60_000;
const kubeVersion = '1.33.0';
const release = 'rapport';
const namespace = 'rapport';

type Labels = Record<string, string>;
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  securityContext?: SecurityContext;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: object;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: object } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  volumes?: { name: string; emptyDir?: object; secret?: object }[];
  terminationGracePeriodSeconds?: number;
}
interface PodTemplate {
  metadata: { labels: Labels; annotations?: Record<string, string> };
  spec: PodSpec;
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Deployment extends Resource {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    strategy: { type: string; rollingUpdate: { maxSurge: number | string; maxUnavailable: number | string } };
    template: PodTemplate;
  };
}
interface Job extends Resource {
  spec: { template: PodTemplate };
}
interface CronJob extends Resource {
  spec: { concurrencyPolicy?: string; jobTemplate: { spec: { template: PodTemplate } } };
}
interface PodDisruptionBudget extends Resource {
  spec: { selector: LabelSelector; maxUnavailable?: number | string; minAvailable?: number | string };
}
interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
}
interface NetworkPolicy extends Resource {
  spec: {
    podSelector: LabelSelector;
    policyTypes: string[];
    ingress?: { from?: object[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: object[]; ports?: NetworkPolicyPort[] }[];
  };
}

class HelmError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

function helmTemplate(valuesFile: string, extraArgs: string[] = []): Resource[] {
  let stdout: string;
  try {
    stdout = execFileSync(
      helmBin,
      ['template', release, chartDir, '--namespace', namespace, '--kube-version', kubeVersion, '-f', valuesFile, ...extraArgs],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new HelmError(`helm template failed for ${path.basename(valuesFile)}: ${stderr}`, stderr);
  }
  return parseAllDocuments(stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`unparsable YAML in the output: ${doc.errors[0].message}`);
      return doc.toJS() as Resource | null;
    })
    .filter((r): r is Resource => r !== null && typeof r === 'object');
}

function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
    }
  });
  const isEmpty = !selector.matchLabels && !selector.matchExpressions;
  return !isEmpty && byLabels && byExpressions;
}

/** The container's effective security settings: the container's own win over the pod's. */
function effectiveSecurity(pod: PodSpec, container: Container): SecurityContext {
  return { ...(pod.securityContext ?? {}), ...(container.securityContext ?? {}) };
}

function workloads(resources: Resource[]): { owner: string; pod: PodSpec; template: PodTemplate }[] {
  return resources
    .filter((r): r is Deployment | Job | CronJob => r.kind === 'Deployment' || r.kind === 'Job' || r.kind === 'CronJob')
    .map((r) => {
      const template = r.kind === 'CronJob' ? (r as CronJob).spec.jobTemplate.spec.template : (r as Deployment | Job).spec.template;
      return { owner: `${r.kind}/${r.metadata.name}`, pod: template.spec, template };
    });
}

function allContainers(resources: Resource[]): { owner: string; pod: PodSpec; container: Container }[] {
  return workloads(resources).flatMap(({ owner, pod }) =>
    [...(pod.initContainers ?? []), ...pod.containers].map((container) => ({ owner: `${owner}/${container.name}`, pod, container })),
  );
}

const ofKind = <T extends Resource>(resources: Resource[], kind: string): T[] =>
  resources.filter((r) => r.kind === kind) as T[];

const valueSets = readdirSync(ciDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('helm/rapport chart policy', () => {
  beforeAll(() => {
    if (!existsSync(helmBin) && !process.env.HELM_BIN) {
      // Same pinned install as deploy/helm/check.sh, so this spec also runs first on a fresh machine.
      execFileSync('bash', [path.join(repoRoot, 'deploy/helm/check.sh'), '--tools-only'], {
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: TOOL_INSTALL_TIMEOUT_MS,
      });
    }
    if (!existsSync(helmBin)) {
      throw new Error(`Helm not found at ${helmBin}: run deploy/helm/check.sh (it installs Helm) or set HELM_BIN`);
    }
  }, TOOL_INSTALL_TIMEOUT_MS);

  it('has at least three value sets to check', () => {
    expect(valueSets.length).toBeGreaterThanOrEqual(3);
    expect(valueSets).toEqual(expect.arrayContaining(['default-values.yaml', 'external-sasl-tls-values.yaml', 'ha-values.yaml']));
  });

  describe.each(valueSets)('with ci/%s', (valuesName) => {
    let resources: Resource[];
    let deployments: Deployment[];

    beforeAll(() => {
      resources = helmTemplate(path.join(ciDir, valuesName));
      deployments = ofKind<Deployment>(resources, 'Deployment');
    });

    it('renders Deployments and hook Jobs', () => {
      expect(deployments.length).toBeGreaterThan(0);
      expect(ofKind(resources, 'Job').length).toBeGreaterThan(0);
    });

    it('runs every container (init containers and hook Jobs included) confined', () => {
      const containers = allContainers(resources);
      expect(containers.length).toBeGreaterThan(deployments.length);
      for (const { owner, pod, container } of containers) {
        const security = effectiveSecurity(pod, container);
        expect({ owner, runAsNonRoot: security.runAsNonRoot }).toEqual({ owner, runAsNonRoot: true });
        expect({ owner, uid: (security.runAsUser ?? 0) > 0 }).toEqual({ owner, uid: true });
        expect({ owner, readOnlyRootFilesystem: security.readOnlyRootFilesystem }).toEqual({ owner, readOnlyRootFilesystem: true });
        expect({ owner, allowPrivilegeEscalation: security.allowPrivilegeEscalation }).toEqual({ owner, allowPrivilegeEscalation: false });
        expect({ owner, privileged: security.privileged ?? false }).toEqual({ owner, privileged: false });
        expect({ owner, drop: security.capabilities?.drop }).toEqual({ owner, drop: expect.arrayContaining(['ALL']) });
        expect({ owner, add: security.capabilities?.add ?? [] }).toEqual({ owner, add: [] });
        expect({ owner, seccomp: security.seccompProfile?.type }).toEqual({ owner, seccomp: 'RuntimeDefault' });
      }
    });

    it('gives every container CPU and memory requests and limits', () => {
      for (const { owner, container } of allContainers(resources)) {
        expect({ owner, limits: container.resources?.limits }).toEqual({
          owner,
          limits: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        });
        expect({ owner, requests: container.resources?.requests }).toEqual({
          owner,
          requests: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        });
      }
    });

    it('mounts a writable /tmp emptyDir in every pod, since the root filesystem is read-only', () => {
      for (const { owner, pod } of workloads(resources)) {
        const tmp = pod.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
        expect({ owner, tmp: tmp?.name }).toEqual({ owner, tmp: expect.any(String) });
        expect({ owner, emptyDir: pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir }).toEqual({
          owner,
          emptyDir: expect.any(Object),
        });
      }
    });

    it('never mounts a ServiceAccount token', () => {
      for (const { owner, pod } of workloads(resources)) {
        expect({ owner, automount: pod.automountServiceAccountToken }).toEqual({ owner, automount: false });
      }
      for (const sa of ofKind<Resource & { automountServiceAccountToken?: boolean }>(resources, 'ServiceAccount')) {
        expect({ sa: sa.metadata.name, automount: sa.automountServiceAccountToken }).toEqual({ sa: sa.metadata.name, automount: false });
      }
    });

    it('pins every image to a version: a tag that is not latest, optionally a digest', () => {
      const pinned = /^(?:[^/]+\/)*[^/:@]+:(?<tag>[\w][\w.-]{0,127})(?:@sha256:[a-f0-9]{64})?$/;
      for (const { owner, container } of allContainers(resources)) {
        const match = pinned.exec(container.image);
        expect({ owner, image: container.image, pinned: match !== null }).toEqual({ owner, image: container.image, pinned: true });
        expect({ owner, tag: match?.groups?.tag }).not.toEqual({ owner, tag: 'latest' });
      }
    });

    it('probes every Deployment for liveness and readiness on the health endpoints', () => {
      for (const deployment of deployments) {
        const [container] = deployment.spec.template.spec.containers;
        const owner = deployment.metadata.name;
        expect({ owner, liveness: container.livenessProbe }).toEqual({ owner, liveness: expect.any(Object) });
        expect({ owner, readiness: container.readinessProbe?.httpGet?.path }).toEqual({ owner, readiness: '/health/ready' });
        expect({ owner, startup: container.startupProbe }).toEqual({ owner, startup: expect.any(Object) });
      }
    });

    it('rolls Deployments out without losing capacity and drains pods before they stop', () => {
      for (const deployment of deployments) {
        const owner = deployment.metadata.name;
        const pod = deployment.spec.template.spec;
        expect({ owner, strategy: deployment.spec.strategy.type, maxUnavailable: deployment.spec.strategy.rollingUpdate.maxUnavailable }).toEqual(
          { owner, strategy: 'RollingUpdate', maxUnavailable: 0 },
        );
        const preStop = pod.containers[0].lifecycle?.preStop?.sleep?.seconds ?? 0;
        expect({ owner, preStop: preStop > 0 }).toEqual({ owner, preStop: true });
        expect({ owner, graceAfterPreStop: (pod.terminationGracePeriodSeconds ?? 30) > preStop }).toEqual({ owner, graceAfterPreStop: true });
      }
    });

    it('covers every Deployment with a PodDisruptionBudget that selects its pods', () => {
      const budgets = ofKind<PodDisruptionBudget>(resources, 'PodDisruptionBudget');
      for (const deployment of deployments) {
        const labels = deployment.spec.template.metadata.labels;
        const covering = budgets.filter((pdb) => selectorMatches(pdb.spec.selector, labels));
        expect({ owner: deployment.metadata.name, budgets: covering.length }).toEqual({ owner: deployment.metadata.name, budgets: 1 });
        expect(covering[0].spec.maxUnavailable).toBe(1);
      }
    });

    it('covers every Deployment with a NetworkPolicy restricting both ingress and egress', () => {
      const policies = ofKind<NetworkPolicy>(resources, 'NetworkPolicy');
      for (const deployment of deployments) {
        const owner = deployment.metadata.name;
        const labels = deployment.spec.template.metadata.labels;
        const covering = policies.filter((np) => selectorMatches(np.spec.podSelector, labels));
        expect({ owner, policies: covering.length }).toEqual({ owner, policies: 1 });
        const [policy] = covering;
        expect(policy.spec.policyTypes).toEqual(expect.arrayContaining(['Ingress', 'Egress']));
        // Every ingress rule names its peers: nothing is open to the whole cluster.
        for (const rule of policy.spec.ingress ?? []) {
          expect({ owner, from: rule.from?.length ?? 0 }).not.toEqual({ owner, from: 0 });
        }
        const egressPorts = (policy.spec.egress ?? []).flatMap((rule) => rule.ports ?? []);
        expect(egressPorts).toEqual(expect.arrayContaining([{ protocol: 'UDP', port: 53 }]));
        for (const rule of policy.spec.egress ?? []) {
          expect({ owner, ports: rule.ports?.length ?? 0 }).not.toEqual({ owner, ports: 0 });
        }
      }
    });

    it('covers the hook Jobs with a NetworkPolicy created before them', () => {
      const policies = ofKind<NetworkPolicy>(resources, 'NetworkPolicy');
      for (const job of ofKind<Job>(resources, 'Job')) {
        const covering = policies.filter((np) => selectorMatches(np.spec.podSelector, job.spec.template.metadata.labels));
        expect({ job: job.metadata.name, policies: covering.length }).toEqual({ job: job.metadata.name, policies: 1 });
        const weight = (r: Resource) => Number(r.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
        expect(weight(covering[0])).toBeLessThan(weight(job));
      }
    });

    it('covers the scheduled backup with a NetworkPolicy and never runs two backups at once', () => {
      const policies = ofKind<NetworkPolicy>(resources, 'NetworkPolicy');
      for (const cronJob of ofKind<CronJob>(resources, 'CronJob')) {
        const labels = cronJob.spec.jobTemplate.spec.template.metadata.labels;
        const covering = policies.filter((np) => selectorMatches(np.spec.podSelector, labels));
        expect({ cronJob: cronJob.metadata.name, policies: covering.length }).toEqual({ cronJob: cronJob.metadata.name, policies: 1 });
        expect(covering[0].spec.egress?.flatMap((rule) => rule.ports ?? [])).toEqual(expect.arrayContaining([{ protocol: 'TCP', port: 5432 }]));
        expect(cronJob.spec.concurrencyPolicy).toBe('Forbid');
      }
    });

    it('keeps secrets out of the chart: no Secret objects, secret values only by secretKeyRef', () => {
      expect(ofKind(resources, 'Secret')).toEqual([]);
      const secretNames = /(PASSWORD|SECRET|DATABASE_URL|TOKEN|USERNAME|DB_USER)$/;
      for (const { owner, container } of allContainers(resources)) {
        for (const variable of container.env ?? []) {
          if (!secretNames.test(variable.name)) continue;
          const byReference = variable.valueFrom?.secretKeyRef !== undefined || /\$\(DB_PASSWORD\)/.test(variable.value ?? '');
          expect({ owner, variable: variable.name, byReference }).toEqual({ owner, variable: variable.name, byReference: true });
        }
      }
      for (const configMap of ofKind(resources, 'ConfigMap')) {
        expect(Object.keys(configMap.data ?? {}).filter((key) => secretNames.test(key))).toEqual([]);
      }
    });

    it('runs each service migration as a pre-install/pre-upgrade hook with the migrate command', () => {
      const jobs = ofKind<Job>(resources, 'Job');
      for (const deployment of deployments) {
        const service = deployment.metadata.labels?.['app.kubernetes.io/component'];
        const migration = jobs.find((job) => job.metadata.labels?.['rapport.io/service'] === service);
        expect({ service, migration: migration?.metadata.name }).toEqual({ service, migration: `${deployment.metadata.name}-migrate` });
        expect(migration?.metadata.annotations).toEqual(
          expect.objectContaining({
            'helm.sh/hook': 'pre-install,pre-upgrade',
            'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
          }),
        );
        expect(migration?.spec.template.spec.containers[0].args).toEqual([
          'node',
          '--enable-source-maps',
          `dist/apps/${service}/src/main.js`,
          'migrate',
        ]);
        const env = migration?.spec.template.spec.containers[0].env ?? [];
        expect(env).toEqual(expect.arrayContaining([{ name: 'DB_SCHEMA', value: String(service).replace(/-/g, '_') }]));
        expect(env).toEqual(expect.arrayContaining([{ name: 'DB_MIGRATE_ON_START', value: 'false' }]));
      }
    });

    it('points the gateway at every other service and only the gateway at the IdP', () => {
      const configMaps = new Map(ofKind(resources, 'ConfigMap').map((cm) => [cm.metadata.name, cm.data ?? {}]));
      const gateway = deployments.find((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'gateway');
      expect(gateway).toBeDefined();
      const gatewayConfig = configMaps.get(`${release}-gateway`) ?? {};
      expect(gatewayConfig.OIDC_ISSUER).toMatch(/^https:\/\//);
      for (const deployment of deployments) {
        const service = String(deployment.metadata.labels?.['app.kubernetes.io/component']);
        const config = configMaps.get(deployment.metadata.name) ?? {};
        expect({ service, schema: config.DB_SCHEMA, otelName: config.OTEL_SERVICE_NAME }).toEqual({
          service,
          schema: service.replace(/-/g, '_'),
          otelName: service,
        });
        if (service === 'gateway') continue;
        expect(config.OIDC_ISSUER).toBeUndefined();
        const key = `SERVICE_URL_${service.toUpperCase().replace(/-/g, '_')}`;
        expect({ key, url: gatewayConfig[key] }).toEqual({ key, url: `http://${deployment.metadata.name}:3000` });
      }
    });
  });

  describe('values switches', () => {
    const defaults = path.join(ciDir, 'default-values.yaml');

    it('drops a probe when its enabled flag is off and uses the custom probe when given', () => {
      const resources = helmTemplate(defaults, [
        '--set',
        'services.gateway.livenessProbe.enabled=false',
        '--set',
        'services.loyalty.customReadinessProbe.tcpSocket.port=http',
      ]);
      const byName = new Map(ofKind<Deployment>(resources, 'Deployment').map((d) => [d.metadata.name, d.spec.template.spec.containers[0]]));
      expect(byName.get(`${release}-gateway`)?.livenessProbe).toBeUndefined();
      expect(byName.get(`${release}-loyalty`)?.readinessProbe).toEqual({ tcpSocket: { port: 'http' } });
      expect(byName.get(`${release}-interaction`)?.livenessProbe?.httpGet?.path).toBe('/health/live');
    });

    it('adds a service by adding a values block', () => {
      const resources = helmTemplate(defaults, ['--set', 'services.reporting.image.repository=rapport-crm/reporting']);
      const names = resources.filter((r) => r.metadata.labels?.['app.kubernetes.io/component'] === 'reporting').map((r) => r.kind);
      expect(names).toEqual(
        expect.arrayContaining(['Deployment', 'Service', 'ServiceAccount', 'ConfigMap', 'PodDisruptionBudget', 'NetworkPolicy']),
      );
      const gatewayConfig = ofKind(resources, 'ConfigMap').find((cm) => cm.metadata.name === `${release}-gateway`);
      expect(gatewayConfig?.data?.SERVICE_URL_REPORTING).toBe(`http://${release}-reporting:3000`);
    });

    it('replaces the topic Job with Strimzi KafkaTopics, kept on uninstall', () => {
      const resources = helmTemplate(defaults, ['--set', 'kafka.strimzi.enabled=true']);
      const topics = ofKind<Resource & { spec: { topicName: string; partitions: number; config: Record<string, unknown> } }>(
        resources,
        'KafkaTopic',
      );
      expect(topics.map((t) => t.spec.topicName)).toEqual(
        expect.arrayContaining(['rapport.customer-profile.customers', 'rapport.analytics.scores', 'rapport.loyalty.dlq']),
      );
      expect(topics).toHaveLength(11);
      for (const topic of topics) {
        expect(topic.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
        expect(topic.spec.partitions).toBe(topic.spec.topicName.endsWith('.dlq') ? 1 : 6);
      }
      expect(ofKind<Job>(resources, 'Job').map((j) => j.metadata.name)).not.toContain(`${release}-create-topics`);
    });
  });

  describe('topics', () => {
    it('declares in values.yaml exactly the topics of the registry in libs/contracts', () => {
      const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as {
        kafka: { topics: { name: string; partitions: number; retentionMs: number; cleanupPolicy?: string }[] };
      };
      const declared = values.kafka.topics.map((t) => ({ ...t, cleanupPolicy: t.cleanupPolicy ?? 'delete' }));
      const registry = allTopics().map(({ name, partitions, retentionMs, cleanupPolicy }) => ({ name, partitions, retentionMs, cleanupPolicy }));
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      expect(declared.sort(byName)).toEqual(registry.sort(byName));
    });
  });

  describe('invalid values', () => {
    const invalidSets = readdirSync(ciDir).filter((f) => f.endsWith('.invalid'));

    it('includes the typo value set', () => {
      expect(invalidSets).toContain('typo-values.yaml.invalid');
    });

    it.each(invalidSets)('rejects ci/%s with the error it names', (file) => {
      const valuesFile = path.join(ciDir, file);
      const expected = /^# expect-error: (.+)$/m.exec(readFileSync(valuesFile, 'utf8'))?.[1];
      expect(expected).toBeDefined();
      let failure: HelmError | undefined;
      try {
        helmTemplate(valuesFile);
      } catch (error) {
        failure = error as HelmError;
      }
      expect(failure).toBeInstanceOf(HelmError);
      expect(failure?.stderr).toContain(expected);
    });

    it('rejects a typo anywhere in the values, e.g. replicaCont', () => {
      expect(() => helmTemplate(path.join(ciDir, 'default-values.yaml'), ['--set', 'replicaCont=2'])).toThrow(
        /additional properties 'replicaCont' not allowed/,
      );
      expect(() => helmTemplate(path.join(ciDir, 'default-values.yaml'), ['--set', 'networkPolicy.kafka.cidr=10.0.0.0/8'])).toThrow(
        /additional properties 'cidr' not allowed/,
      );
    });
  });
});
