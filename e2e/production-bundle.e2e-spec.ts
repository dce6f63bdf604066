import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES } from '@rapport/contracts';
import { repoRoot } from '@rapport/stack';
import { bearer, control, eventually, stackInfo } from '@rapport/testing';
import request from 'supertest';

/**
 * No Docker engine runs here, so the image recipe is proven another way: the production bundle is
 * built with exactly the commands of the Dockerfile's build stage (docker/build-bundle.sh via
 * deploy/helm/bundle.sh), and every service is booted from it against the stack until it is ready.
 * The recipe is one Dockerfile parameterised by SERVICE; each service's bundle keeps only its own code.
 * Its install and build steps don't depend on SERVICE, so they run once here (`bundle.sh all`), and
 * each service's bundle is a copy of that build narrowed by the script's last step (docker/keep-service.sh).
 */
describe('production bundle', () => {
  const workDir = mkdtempSync(path.join(tmpdir(), 'rapport-bundle-'));
  const run = (script: string, args: string[]) =>
    // Asynchronously: the stack's control server and trace receiver live in this process.
    promisify(execFile)('bash', [path.join(repoRoot(), script), ...args], {
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        npm_config_prefer_offline: 'true',
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
      },
    });

  afterAll(async () => {
    // Back to the services of the build, as the other tests expect.
    for (const service of SERVICE_NAMES) {
      await control(`services/${service}/stop`);
      await control(`services/${service}/start`);
    }
    rmSync(workDir, { recursive: true, force: true });
  }, 300_000);

  it('is built by the Dockerfile commands for every service, holds production code only, and boots until ready', async () => {
    const built = path.join(workDir, 'all');
    await run('deploy/helm/bundle.sh', ['all', built]);
    for (const service of SERVICE_NAMES) {
      const bundle = path.join(workDir, service);
      await promisify(execFile)('cp', ['-al', built, bundle]); // hard links: the narrowing only deletes
      await run('docker/keep-service.sh', [service, bundle]);
      const main = path.join(bundle, 'dist', 'apps', service, 'src', 'main.js');
      expect(existsSync(main)).toBe(true);
      expect(existsSync(path.join(bundle, 'node_modules', 'kafkajs'))).toBe(true);
      // npm install applied patches/ (patch-package, postinstall): the image's kafkajs arms no negative timer.
      const requestQueue = path.join('node_modules', 'kafkajs', 'src', 'network', 'requestQueue', 'index.js');
      expect(readFileSync(path.join(bundle, requestQueue), 'utf8')).toContain(
        'Patched (Rapport, patches/kafkajs+2.2.4.patch',
      );
      expect(existsSync(path.join(bundle, 'patches'))).toBe(false);
      for (const devOnly of ['jest', 'typescript', '@swc/core', 'eslint']) {
        expect({ devOnly, present: existsSync(path.join(bundle, 'node_modules', devOnly)) }).toEqual({
          devOnly,
          present: false,
        });
      }
      expect(existsSync(path.join(bundle, 'apps'))).toBe(false); // no sources in the runtime image
      const others = SERVICE_NAMES.filter((s) => s !== service && existsSync(path.join(bundle, 'dist', 'apps', s)));
      expect(others).toEqual([]);

      await control(`services/${service}/stop`);
      // startService waits until /health/ready is green (Postgres and Kafka reachable).
      await control(`services/${service}/start?main=${encodeURIComponent(main)}`);
      await request(stackInfo().serviceUrls[service]).get('/health/ready').expect(200);
    }

    // The walking skeleton through the bundled services.
    const created = await request(stackInfo().gatewayUrl)
      .post('/api/v1/customers')
      .set('authorization', await bearer('agent1'))
      .send({ name: 'From the bundle' })
      .expect(201);
    await eventually(
      async () =>
        (
          await request(stackInfo().gatewayUrl)
            .get(`/api/v1/customers/${created.body.id}/360`)
            .set('authorization', await bearer('exec'))
        ).body.analytics !== null,
      20_000,
      'analytics (bundled) to learn of the customer',
    );
  }, 1_200_000);
});
