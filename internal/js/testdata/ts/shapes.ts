export enum Kind {
  Circle = 'circle',
  Square = 'square',
}

export type Shape = { kind: Kind.Circle; r: number } | { kind: Kind.Square; side: number };

export function describe(s: Shape): string {
  switch (s.kind) {
    case Kind.Circle:
      return `circle r=${s.r}`;
    default:
      return `square ${s.side}`;
  }
}

export namespace Util {
  export const pi: number = 3;
}

export class Box<T> {
  constructor(private readonly w: T) {}
  width(): T {
    return this.w;
  }
}
