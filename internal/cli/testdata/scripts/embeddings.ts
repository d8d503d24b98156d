// A TypeScript embeddings benchmark in the style of the public scripts:
// k6/http posts to /v1/embeddings asking for base64 vectors, k6/encoding
// decodes them into a Float32Array, a Trend records each vector's norm.
// VUS and ITERS come from -e as strings.
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import encoding from 'k6/encoding';

interface Embedding {
  embedding: number[] | string;
  index: number;
}

interface EmbeddingsResponse {
  data: Embedding[];
  usage: { prompt_tokens: number };
}

export const options = {
  vus: __ENV.VUS || '2',
  iterations: __ENV.ITERS || '4',
  thresholds: { checks: ['rate==1'], embedding_norm: ['min>0.999', 'max<1.001'] },
};

const norm = new Trend('embedding_norm');

function decode(b64: string): Float32Array {
  return new Float32Array(encoding.b64decode(b64, 'std') as ArrayBuffer);
}

export default function (): void {
  const body = JSON.stringify({ model: 'e', input: ['hello', 'world'], encoding_format: 'base64', dimensions: 8 });
  const res = http.post(`${__ENV.BASE}/v1/embeddings`, body, { headers: { 'Content-Type': 'application/json' } });
  const parsed = res.json() as unknown as EmbeddingsResponse;
  for (const d of parsed.data) {
    const v = decode(d.embedding as string);
    norm.add(Math.sqrt(v.reduce((s: number, x: number) => s + x * x, 0)));
  }
  check(parsed, {
    'two vectors of 8': (b: EmbeddingsResponse) => b.data.length === 2 && decode(b.data[1].embedding as string).length === 8,
    'prompt tokens': (b: EmbeddingsResponse) => b.usage.prompt_tokens > 0,
  });
}
