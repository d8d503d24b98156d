// Type-only module: after stripping it exports nothing.
export interface Options {
  vus: number;
  iterations: number;
}
