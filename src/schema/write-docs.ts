import { writeFileSync } from 'node:fs';
import { schemaMarkdown, validateSchema } from './index.js';

const errors = validateSchema();
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
writeFileSync(new URL('../../docs/schema.md', import.meta.url), schemaMarkdown() + '\n');
console.log('docs/schema.md written');
