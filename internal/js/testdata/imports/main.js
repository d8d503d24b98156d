import { twice } from './lib/a.js';
import base, { name } from '../imports/shared/b.js';
import * as b from './shared/b.js';

export const options = { vus: 2, tags: { team: 'x' }, fn: function () {} };

export default function () {
  if (twice(21) !== 42) throw new Error('twice broken');
  if (name !== 'b' || base.kind !== 'shared' || b.name !== 'b') throw new Error('b broken');
}
