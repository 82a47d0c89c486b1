import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, repoRoot } from './write.js';

describe('generated docs', () => {
  for (const [file, gen] of Object.entries(GENERATED)) {
    it(`${file} is current (npm run docs)`, () => {
      expect(readFileSync(join(repoRoot(), file), 'utf8')).toBe(gen());
    });
  }
});
