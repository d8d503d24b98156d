// Target and model selection, the way the original tool did it.
//
//   -e TARGET=vllm-local -e MODEL=llama-3.1-8b-instruct
//
// TARGET names an entry of configs/targets.yaml (base_url, and api_key_env:
// the environment variable that holds the key; the key itself is never
// stored). MODEL names an entry of configs/models.yaml (full_name is sent as
// the request's "model"). Without them, LLM_BASE_URL, LLM_MODEL and
// LLM_API_KEY are used as given; with nothing set, the target is the
// built-in mock's default address. An unknown name throws during init
// (exit 107) with the file and the names it knows.
import llm from 'k6/x/llm';

// open() resolves these against this file's directory.
const TARGETS_FILE = 'configs/targets.yaml';
const MODELS_FILE = 'configs/models.yaml';
const targetsDoc = llm.parseYAML(open('../../' + TARGETS_FILE), TARGETS_FILE) || {};
const modelsDoc = llm.parseYAML(open('../../' + MODELS_FILE), MODELS_FILE) || {};

function entries(doc, key, file) {
  const list = doc[key] || [];
  if (!Array.isArray(list)) {
    throw new Error(`${file}: "${key}" must be a list of entries`);
  }
  for (const e of list) {
    if (!e || typeof e.name !== 'string' || e.name === '') {
      throw new Error(`${file}: every entry of "${key}" needs a name`);
    }
  }
  return list;
}

function lookup(list, name, kind, file, hint) {
  const found = list.find((e) => e.name === name);
  if (!found) {
    const known = list.map((e) => e.name).join(', ') || '(none)';
    throw new Error(`unknown ${kind} "${name}" in ${file}; known ${kind}s: ${known}. ${hint}`);
  }
  return found;
}

/** The known target and model names, in file order. */
export const targetNames = entries(targetsDoc, 'targets', TARGETS_FILE).map((t) => t.name);
export const modelNames = entries(modelsDoc, 'models', MODELS_FILE).map((m) => m.name);

/**
 * resolveTarget(env) returns {name, baseURL, apiKey, model, modelName}
 * from TARGET/MODEL or LLM_BASE_URL/LLM_MODEL/LLM_API_KEY in env.
 */
export function resolveTarget(env) {
  const targets = entries(targetsDoc, 'targets', TARGETS_FILE);
  const models = entries(modelsDoc, 'models', MODELS_FILE);
  const out = {
    name: 'mock',
    baseURL: env.LLM_BASE_URL || 'http://127.0.0.1:8000/v1',
    apiKey: env.LLM_API_KEY || undefined,
    model: env.LLM_MODEL || undefined,
    modelName: env.LLM_MODEL || undefined,
  };
  if (env.LLM_BASE_URL) out.name = 'custom';
  if (env.TARGET) {
    const t = lookup(targets, env.TARGET, 'target', TARGETS_FILE, 'Add it there or set LLM_BASE_URL.');
    if (!t.base_url) throw new Error(`${TARGETS_FILE}: target "${t.name}" has no base_url`);
    out.name = t.name;
    out.baseURL = String(t.base_url);
    if (t.api_key_env) out.apiKey = env[t.api_key_env] || out.apiKey;
    if (!out.model && t.model) out.model = out.modelName = String(t.model);
  }
  if (env.MODEL) {
    const m = lookup(models, env.MODEL, 'model', MODELS_FILE, 'Add it there or set LLM_MODEL to the id the server expects.');
    out.modelName = m.name;
    out.model = String(m.full_name || m.name);
  }
  return out;
}

/** target is resolveTarget(__ENV), computed once per VU. */
export const target = resolveTarget(__ENV);

/** newClient returns an llm.Client for target, tagged with target and model. */
export function newClient(extra = {}) {
  return new llm.Client({
    baseURL: target.baseURL,
    apiKey: target.apiKey,
    model: target.model,
    timeout: __ENV.REQUEST_TIMEOUT || '120s',
    ...extra,
    tags: { target: target.name, model: target.modelName || 'default', ...(extra.tags || {}) },
  });
}
