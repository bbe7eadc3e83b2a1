/** Maps the extension's `specedit.*` settings onto the server's initializationOptions. */

/** Server settings, named as in the server's initializationOptions (all optional: defaults live on the server). */
export interface ServerSettings {
  modelPath?: string | null;
  freeformModel?: string | null;
  nCtx?: number;
  nThreads?: number | null;
  nGpuLayers?: number;
  useExtraBufts?: boolean;
  draftMin?: number;
  draftMax?: number;
  streaming?: 'lines' | 'final' | 'off';
  review?: boolean;
  warmUp?: boolean;
  engine?: 'local' | 'openai';
  engineUrl?: string | null;
  engineModel?: string | null;
  engineApiKeyEnv?: string;
  engineApi?: 'chat' | 'completion';
  acceptance?: 'auto' | 'greedy' | 'typical';
  typicalRatio?: number;
  maxNewTokens?: number;
  linters?: Record<string, string[]>;
  sketchMarkers?: string[];
}

/** Keys of `specedit.*` that are sent to the server one to one (serverPath is the client's own). */
export const SERVER_SETTING_KEYS = [
  'modelPath',
  'freeformModel',
  'nCtx',
  'nThreads',
  'nGpuLayers',
  'useExtraBufts',
  'draftMin',
  'draftMax',
  'streaming',
  'review',
  'warmUp',
  'engine',
  'engineUrl',
  'engineModel',
  'engineApiKeyEnv',
  'engineApi',
  'acceptance',
  'typicalRatio',
  'maxNewTokens',
  'linters',
  'sketchMarkers',
] as const;

export type SettingLookup = (key: string) => unknown;

/** Settings whose empty value means the server's default model: sent as null. */
const MODEL_KEYS: ReadonlySet<string> = new Set(['modelPath', 'freeformModel']);

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

const VALIDATORS: Record<(typeof SERVER_SETTING_KEYS)[number], (value: unknown) => boolean> = {
  modelPath: (v) => v === null || typeof v === 'string',
  freeformModel: (v) => v === null || typeof v === 'string',
  nCtx: (v) => isInteger(v) && v >= 0,
  nThreads: (v) => v === null || (isInteger(v) && v > 0),
  nGpuLayers: (v) => isInteger(v) && v >= 0,
  useExtraBufts: (v) => typeof v === 'boolean',
  draftMin: (v) => isInteger(v) && v > 0,
  draftMax: (v) => isInteger(v) && v > 0,
  streaming: (v) => v === 'lines' || v === 'final' || v === 'off',
  review: (v) => typeof v === 'boolean',
  warmUp: (v) => typeof v === 'boolean',
  engine: (v) => v === 'local' || v === 'openai',
  engineUrl: (v) => v === null || typeof v === 'string',
  engineModel: (v) => v === null || typeof v === 'string',
  engineApiKeyEnv: (v) => typeof v === 'string' && v.trim() !== '',
  engineApi: (v) => v === 'chat' || v === 'completion',
  acceptance: (v) => v === 'auto' || v === 'greedy' || v === 'typical',
  typicalRatio: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  maxNewTokens: (v) => isInteger(v) && v >= 0,
  linters: (v) =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((argv) => Array.isArray(argv) && argv.every((a) => typeof a === 'string')),
  sketchMarkers: (v) => Array.isArray(v) && v.every((m) => typeof m === 'string' && m.trim() !== ''),
};

/**
 * Build initializationOptions from the settings the user set.
 *
 * The defaults shown in package.json mirror the server's (lsp_server/config.py);
 * only values the user set are sent, so the server's defaults stay the truth.
 *
 * `lookup(key)` returns the user's value for `specedit.<key>`, or undefined when
 * the user did not set it; unset keys are left out so the server's defaults apply.
 * An empty modelPath or freeformModel means "the default" and becomes null. Values of the
 * wrong type are dropped and reported in `problems`.
 */
export function initializationOptions(lookup: SettingLookup): { options: ServerSettings; problems: string[] } {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of SERVER_SETTING_KEYS) {
    let value = lookup(key);
    if (value === undefined) {
      continue;
    }
    if (MODEL_KEYS.has(key) && value === '') {
      value = null;
    }
    if (!VALIDATORS[key](value)) {
      problems.push(`specedit.${key}: ignoring invalid value ${JSON.stringify(value)}`);
      continue;
    }
    options[key] = value;
  }
  if (
    isInteger(options.draftMin) &&
    isInteger(options.draftMax) &&
    (options.draftMin as number) > (options.draftMax as number)
  ) {
    problems.push('specedit.draftMin is larger than specedit.draftMax; sending both, the server decides');
  }
  return { options: options as ServerSettings, problems };
}

/**
 * What to send when the settings change. The server applies what it is sent over what it has,
 * so a setting the user removed since `previous` (the options last sent) is sent at its default
 * (`defaultOf`: the manifest's default; none, or an empty modelPath, is sent as null), else the
 * server would keep the removed value (e.g. a wrong modelPath) until it restarts.
 */
export function changedOptions(previous: ServerSettings, current: ServerSettings, defaultOf: SettingLookup): ServerSettings {
  const options: Record<string, unknown> = { ...current };
  for (const key of Object.keys(previous)) {
    if (!(key in current)) {
      const value = defaultOf(key);
      options[key] = value === undefined || (MODEL_KEYS.has(key) && value === '') ? null : value;
    }
  }
  return options as ServerSettings;
}

/** The `workspace/didChangeConfiguration` payload for the same settings. */
export function didChangeConfigurationParams(options: ServerSettings): { settings: { specedit: ServerSettings } } {
  return { settings: { specedit: options } };
}
