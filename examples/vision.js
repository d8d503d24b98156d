// Vision prompts: chat messages with synthetic images, generated in Go
// (llm.syntheticImage returns a data URL; nothing is downloaded), for
// multimodal models. Each request gets IMAGES (default 1) images of
// WIDTH×HEIGHT (default 512×512) in FORMAT (jpeg or png); every image has
// its own seed, so a server's multimodal cache cannot answer from memory
// (set SAME_IMAGE=1 to send one image over and over instead).
//
//   llmbench mock --ttft 200ms --itl 15ms &
//   llmbench run examples/vision.js
//
// The mock counts image parts (its /metrics mock:images_total) and adds
// --image-tokens (default 256) per image to the prompt tokens.
import { check } from 'k6';
import exec from 'k6/execution';
import llm from 'k6/x/llm';
import { num, runTags, slo } from '../scenarios/lib/workload.js';
import { newClient } from '../scenarios/lib/target.js';

const client = newClient();
const images = Math.max(1, Math.floor(num('IMAGES', 1)));
const shape = { width: num('WIDTH', 512), height: num('HEIGHT', 512), format: __ENV.FORMAT || 'jpeg' };
const fixed = __ENV.SAME_IMAGE ? llm.syntheticImage(shape) : null;

export const options = {
  scenarios: {
    vision: {
      executor: 'constant-arrival-rate',
      rate: num('RATE', 2),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: 4,
      maxVUs: num('MAX_VUS', 32),
    },
  },
  thresholds: slo({ ttftP95: 3000, failureRate: 0.01 }),
  tags: runTags('vision'),
};

export default function () {
  const content = [{ type: 'text', text: 'Describe these images in one sentence each.' }];
  for (let k = 0; k < images; k++) {
    const seed = exec.scenario.iterationInTest * images + k;
    content.push({ type: 'image_url', image_url: { url: fixed || llm.syntheticImage({ ...shape, seed }) } });
  }
  const res = client.chat({ messages: [{ role: 'user', content }], max_tokens: num('MAX_TOKENS', 64) });
  check(res, { 'response ok': (r) => r.ok });
}
