// A multi-turn chat session with think time: each VU is one user who asks
// a question, reads the answer, and asks TURNS-1 follow-ups in the same
// conversation, so every request carries the whole history (growing input,
// prefix-cache friendly). Closed model: USERS (default 4) users for DURATION.
//
//   llmbench run examples/multi-turn-chat.js -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// Samples are tagged turn=1..TURNS: compare llm_ttft{turn:1} with later turns.
import { check, sleep } from 'k6';
import { newClient, target } from '../scenarios/lib/target.js';

const turns = Number(__ENV.TURNS || 4);
const think = Number(__ENV.THINK_TIME || 2); // mean seconds a user reads before answering
const client = newClient();

const openers = [
  'I want to learn Go. Where should I start?',
  'Help me plan a three-day trip to Lisbon.',
  'What is a good way to structure a small REST API?',
  'Explain how vaccines train the immune system.',
];
const followUps = ['Can you give me an example?', 'Why is that?', 'What would you do differently?', 'Summarize that in one sentence.'];

export const options = {
  scenarios: {
    chat: { executor: 'constant-vus', vus: Number(__ENV.USERS || 4), duration: __ENV.DURATION || '2m' },
  },
  thresholds: {
    llm_request_failed: ['rate<0.01'],
    'llm_ttft{turn:1}': ['p(95)<2000'],
  },
  tags: { workload: 'multi-turn-chat', target: target.name, model: target.modelName || 'default' },
};

export default function () {
  const messages = [{ role: 'system', content: 'You are a helpful assistant. Keep answers short.' }];
  messages.push({ role: 'user', content: openers[Math.floor(Math.random() * openers.length)] });
  for (let turn = 1; turn <= turns; turn++) {
    const res = client.chat({ messages, max_tokens: 200 }, { tags: { turn: String(turn) } });
    if (!check(res, { 'turn ok': (r) => r.ok })) return; // a broken conversation ends
    messages.push({ role: 'assistant', content: res.content });
    if (turn < turns) {
      sleep(think * -Math.log(1 - Math.random())); // exponential think time
      messages.push({ role: 'user', content: followUps[(turn - 1) % followUps.length] });
    }
  }
}
