import { offset } from '../shared/b.js';
export function twice(x) { return x * 2 + offset; }
