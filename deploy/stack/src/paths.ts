// Where things live. The code runs both from source (deploy/stack/src/*.ts) and compiled
// (dist/deploy/stack/src/*.js), so the repo root is found by walking up to the package.json named
// "rapport" rather than by a fixed number of '..'.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_PACKAGE_NAME = 'rapport';

/** Walk up from `startDir` to the directory whose package.json has "name": "rapport". */
export function findRepoRoot(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const name = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: unknown }).name;
        if (name === REPO_PACKAGE_NAME) return dir;
      } catch {
        // unreadable or invalid package.json: keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find the Rapport repository root: no package.json with "name": "${REPO_PACKAGE_NAME}" above ${startDir}`,
      );
    }
    dir = parent;
  }
}

let cachedRoot: string | undefined;

/** The repository root (cached). */
export function repoRoot(): string {
  cachedRoot ??= findRepoRoot(__dirname);
  return cachedRoot;
}

/** A path under the gitignored `.local/` folder of the repository. */
export function localPath(...segments: string[]): string {
  return path.join(repoRoot(), '.local', ...segments);
}
