import { Counter } from 'k6/metrics';
import { describe, Kind, Util, Box, type Shape } from './shapes.ts';

interface Options {
  vus: number;
  iterations: number;
}
export const options: Options = { vus: 1, iterations: 2 };

const made = new Counter('shapes_made');

export default function (): void {
  const s = { kind: Kind.Circle, r: 2 } as Shape;
  const b = new Box<number>(Util.pi);
  made.add(b.width()!, { shape: describe(s) });
}
