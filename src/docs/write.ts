/** `npm run docs`: regenerates the generated docs (docs/schema.md, docs/metrics.md). Tests fail when they are stale. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaMarkdown, validateSchema } from '../schema/index.js';
import { openApiDocument } from '../server/openapi.js';
import { catalogMarkdown } from './catalog-md.js';

/** The repository root: the nearest folder up from here with Tidemark's package.json (works from src/ and dist/src/). */
export function repoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'tidemark') return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the repository root');
}

export const GENERATED: Record<string, () => string> = {
  'docs/schema.md': () => schemaMarkdown() + '\n',
  'docs/metrics.md': () => catalogMarkdown() + '\n',
  'docs/openapi.json': () => `${JSON.stringify(openApiDocument(packageVersion()), null, 2)}\n`,
};

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const errors = validateSchema();
  if (errors.length) {
    console.error(errors.join('\n'));
    process.exit(1);
  }
  const root = repoRoot();
  for (const [file, gen] of Object.entries(GENERATED)) {
    writeFileSync(join(root, file), gen());
    console.log(`${file} written`);
  }
}
