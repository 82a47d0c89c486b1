import type { Rng } from './random.js';
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES } from './reference.js';

const SURNAME_TOTAL = SURNAMES.reduce((s, x) => s + x[1], 0);

/**
 * A Chinese name: a surname drawn by frequency, then one or two given-name characters. `female` is asked after
 * the surname draw, so callers keep their sequence of draws (and their seeds their data).
 */
export function chineseName(rng: Rng, female: () => boolean): string {
  let x = rng.next() * SURNAME_TOTAL;
  let surname = SURNAMES[0]![0];
  for (const s of SURNAMES) {
    x -= s[1];
    if (x < 0) {
      surname = s[0];
      break;
    }
  }
  const pool = female() ? GIVEN_FEMALE : GIVEN_MALE;
  return surname + rng.pick(pool) + (rng.chance(0.7) ? rng.pick(pool) : '');
}
