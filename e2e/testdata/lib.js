// Helpers shared by the end-to-end scripts.

// rec logs one request's result as a line the Go test reads back
// ("E2E " + JSON on the console).
export function rec(tag, r, extra) {
  console.log('E2E ' + JSON.stringify(Object.assign({
    tag: tag, ok: r.ok, status: r.status, errorCode: r.errorCode, error: r.error,
    ttft: r.ttft, tpot: r.tpot, e2e: r.e2e, itl: r.itl, chunks: r.chunks,
    inputTokens: r.inputTokens, outputTokens: r.outputTokens, tokenSource: r.tokenSource,
    content: r.content.slice(0, 200), retryAfter: r.headers['Retry-After'] || '', vu: __VU,
  }, extra || {})));
}

const WORDS = ('time year people way day man thing woman life child world school state family ' +
  'student group country problem hand part place case week company system program question work ' +
  'government number night point home water room mother area money story fact month lot right ' +
  'study book eye job word business issue side kind head house service friend father power hour ' +
  'game line end member law car city community name president team minute idea kid body').split(' ');

// words returns n words starting at a random place, so that no two prompts
// share a prefix the server could have cached.
export function words(n) {
  const out = [String(Math.floor(Math.random() * 1e9))];
  let i = Math.floor(Math.random() * WORDS.length);
  for (let k = 0; k < n; k++) {
    out.push(WORDS[(i + k * 7) % WORDS.length]);
  }
  return out.join(' ');
}
