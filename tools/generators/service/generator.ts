// Loaded by Nx with Node's own type stripping (no transpiler is installed): erasable syntax only —
// no enums, namespaces or constructor parameter properties.
import * as path from 'node:path';
import { generateFiles, names, type Tree } from '@nx/devkit';

export interface ServiceGeneratorSchema {
  name: string;
  feature?: string;
  readScope?: string;
  topic?: string;
  featureMigration?: number;
  subjectRightsMigration?: number;
  skipRegistration?: boolean;
}

const TEMPLATES = 'tools/generators/service';
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface Substitutions {
  name: string;
  schema: string;
  constant: string;
  serviceClass: string;
  serviceProperty: string;
  feature: string;
  featureClass: string;
  featureProperty: string;
  table: string;
  readScope: string;
  featureMigration: number;
  subjectRightsMigration: number;
  tmpl: string;
}

export function substitutionsFor(options: ServiceGeneratorSchema, now: number = Date.now()): Substitutions {
  if (!KEBAB.test(options.name))
    throw new Error(`service name "${options.name}" must be kebab-case (a-z, 0-9, dashes)`);
  const feature = options.feature ?? 'customer-refs';
  if (!KEBAB.test(feature)) throw new Error(`feature "${feature}" must be kebab-case (a-z, 0-9, dashes)`);
  const service = names(options.name);
  const featureMigration = options.featureMigration ?? now;
  const subjectRightsMigration = options.subjectRightsMigration ?? featureMigration + 1;
  if (subjectRightsMigration <= featureMigration)
    throw new Error('subjectRightsMigration must come after featureMigration');
  return {
    name: options.name,
    schema: options.name.replace(/-/g, '_'),
    constant: service.constantName,
    serviceClass: service.className,
    serviceProperty: service.propertyName,
    feature,
    featureClass: names(feature).className,
    featureProperty: names(feature).propertyName,
    table: feature.replace(/-/g, '_'),
    readScope: options.readScope ?? `${options.name}:read`,
    featureMigration,
    subjectRightsMigration,
    tmpl: '',
  };
}

export default async function serviceGenerator(tree: Tree, options: ServiceGeneratorSchema): Promise<() => void> {
  const subs = substitutionsFor(options);
  const appRoot = `apps/${subs.name}`;
  // Nx loads this file as ES module or CommonJS depending on the Node version: neither __dirname nor
  // import.meta works in both, the workspace root does.
  const templates = path.join(tree.root, TEMPLATES);
  const applied = existingMigrations(tree, appRoot);
  generateFiles(tree, path.join(templates, 'files'), appRoot, { ...subs });
  // A migration that exists may have run somewhere: regenerating a service never rewrites one.
  for (const [file, content] of applied) tree.write(file, content);
  generateFiles(tree, path.join(templates, 'e2e-files'), 'e2e', { ...subs });

  const manual: string[] = [];
  if (!options.skipRegistration) {
    registerServiceName(tree, subs.name);
    registerTopic(tree, subs.name, options.topic);
    const newTopics = registerHelmValues(tree, subs.name, options.topic);
    if (newTopics > 0)
      manual.push(
        `helm/rapport/test/chart-policy.spec.ts: the Strimzi topic count (toHaveLength) grows by ${newTopics}`,
      );
    if (!tree.read('apps/gateway/src/upstream/upstream.client.ts', 'utf-8')?.includes(`'${subs.name}'`)) {
      manual.push(
        `gateway: add '${subs.name}' to Upstream (apps/gateway/src/upstream/upstream.client.ts) and its SERVICE_URL_ variable, then route to it`,
      );
    }
    if (!tree.read('libs/contracts/src/subject-rights.ts', 'utf-8')?.includes(`service: '${subs.name}'`)) {
      manual.push(
        `subject rights: list '${subs.name}' in SUBJECT_RIGHTS_PARTICIPANTS (libs/contracts/src/subject-rights.ts) with the section '${subs.serviceProperty}${subs.featureClass}' ` +
          `and its customer id columns (${subs.table}.customer_id, merged_customers.merged_customer_id, merged_customers.survivor_customer_id); the service refuses to start until it is listed`,
      );
    }
    if (!tree.read('libs/contracts/src/events/subject-rights.events.ts', 'utf-8')?.includes(`'${subs.name}'`)) {
      manual.push(
        `subject rights: give '${subs.name}' its erasure acknowledgement (ACKNOWLEDGING in libs/contracts/src/events/subject-rights.events.ts, on the stream it publishes)`,
      );
    }
  }
  return () => {
    for (const step of manual) console.log(`NOTE ${step}`);
  };
}

/** libs/contracts/src/services.ts: the stack starts, and the chart and topic registry know, every service listed here. */
export function registerServiceName(tree: Tree, name: string): void {
  const file = 'libs/contracts/src/services.ts';
  const source = read(tree, file);
  const list = /export const SERVICE_NAMES = \[([\s\S]*?)\] as const;/.exec(source);
  if (!list) throw new Error(`${file}: SERVICE_NAMES not found`);
  if (list[1]!.includes(`'${name}'`)) return;
  const items = `${list[1]!.replace(/\s*$/, '')}\n  '${name}',\n`;
  tree.write(file, source.replace(list[0], `export const SERVICE_NAMES = [${items}] as const;`));
}

/** libs/contracts/src/topics.ts: a stream owned by the service (its dead-letter topic follows from the service list). */
export function registerTopic(tree: Tree, name: string, topic: string | undefined): void {
  if (!topic) return;
  const file = 'libs/contracts/src/topics.ts';
  const source = read(tree, file);
  if (source.includes(`owner: '${name}'`)) return;
  const anchor = '\n} as const;\n\nexport type TopicKey';
  if (!source.includes(anchor)) throw new Error(`${file}: the end of Topics not found`);
  const entry = [
    `  ${names(topic).propertyName}: topic({`,
    `    name: 'rapport.${name}.${topic}',`,
    `    owner: '${name}',`,
    `    partitions: 6,`,
    `    retentionMs: 30 * DAY_MS,`,
    `    cleanupPolicy: 'delete',`,
    `    description: '${names(name).className} events, keyed by customer id.',`,
    `  }),`,
  ].join('\n');
  tree.write(file, source.replace(anchor, `\n${entry}${anchor}`));
}

/** helm/rapport/values.yaml: the service block (image) and the topics the chart declares. Returns how many topics it added. */
export function registerHelmValues(tree: Tree, name: string, topic: string | undefined): number {
  const file = 'helm/rapport/values.yaml';
  const original = read(tree, file);
  let source = original;
  const lines = source.split('\n');
  const servicesAt = lines.indexOf('services:');
  if (servicesAt < 0) throw new Error(`${file}: the services block not found`);
  if (!lines.slice(servicesAt).some((line) => line === `  ${name}:`)) {
    let end = servicesAt + 1;
    while (end < lines.length && (lines[end]!.startsWith(' ') || lines[end] === '')) end += 1;
    while (lines[end - 1] === '') end -= 1;
    lines.splice(end, 0, `  ${name}:`, '    image:', `      repository: rapport-crm/${name}`);
    let lastParam = servicesAt - 1;
    while (lastParam > 0 && !lines[lastParam]!.startsWith('## @param services.')) lastParam -= 1;
    lines.splice(
      lastParam + 1,
      0,
      `## @param services.${name}.image.repository ${names(name).className} image repository`,
    );
    source = lines.join('\n');
  }
  const topics = [
    ...(topic ? [{ name: `rapport.${name}.${topic}`, partitions: 6, retentionMs: 2592000000 }] : []),
    { name: `rapport.${name}.dlq`, partitions: 1, retentionMs: 7776000000 },
  ].filter((t) => !source.includes(`- name: ${t.name}\n`));
  if (topics.length > 0) {
    const anchor = '  provisioning:\n';
    const at = source.indexOf(anchor, source.indexOf('\n  topics:\n'));
    if (at < 0) throw new Error(`${file}: the end of kafka.topics not found`);
    const entries = topics
      .map((t) => `    - name: ${t.name}\n      partitions: ${t.partitions}\n      retentionMs: ${t.retentionMs}\n`)
      .join('');
    source = source.slice(0, at) + entries + source.slice(at);
  }
  if (source !== original) tree.write(file, source);
  return topics.length;
}

function existingMigrations(tree: Tree, appRoot: string): Map<string, Buffer> {
  const dir = `${appRoot}/src/database/migrations`;
  const files = tree.exists(dir) ? tree.children(dir).map((child) => `${dir}/${child}`) : [];
  return new Map(files.map((file) => [file, tree.read(file)!]));
}

function read(tree: Tree, file: string): string {
  const source = tree.read(file, 'utf-8');
  if (source === null) throw new Error(`${file} not found: run the generator at the workspace root`);
  return source;
}
