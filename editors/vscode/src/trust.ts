/** Restricted Mode: which settings an untrusted folder may not set, and what the status bar says about it. */
import { parse as parseJsonc } from 'jsonc-parser';

/**
 * Settings that name a program to run, a file to load, a URL to send code to, or an environment
 * variable to send as a key: a folder the user has not trusted must not choose them. The same
 * list is package.json's capabilities.untrustedWorkspaces.restrictedConfigurations.
 */
export const RESTRICTED_KEYS = ['serverPath', 'linters', 'modelPath', 'freeformModel', 'engineUrl', 'engineApiKeyEnv'] as const;

/** What `WorkspaceConfiguration.inspect` says about one setting (the parts read here). */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export type Inspect = (key: string) => Inspected | undefined;

function isRestricted(key: string): boolean {
  return (RESTRICTED_KEYS as readonly string[]).includes(key);
}

function fromWorkspace(inspected: Inspected | undefined): boolean {
  return inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined;
}

/**
 * The value of `specedit.<key>` the user set, or undefined: the folder's, else the workspace's,
 * else the user's own. In Restricted Mode a restricted key takes only the user's own value.
 */
export function settingValue(key: string, inspected: Inspected | undefined, trusted: boolean): unknown {
  if (!trusted && isRestricted(key)) {
    return inspected?.globalValue;
  }
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/**
 * The restricted keys that the workspace or a folder sets and that Restricted Mode ignores.
 * VS Code itself leaves restricted settings out of an untrusted workspace's configuration, so
 * `inspect` may not show them: `workspaceSettings` are the folder's own settings files, parsed
 * (see parseSettings), to say what was left out.
 */
export function ignoredSettings(inspect: Inspect, trusted: boolean, workspaceSettings: readonly object[] = []): string[] {
  if (trusted) {
    return [];
  }
  return RESTRICTED_KEYS.filter(
    (key) => fromWorkspace(inspect(key)) || workspaceSettings.some((settings) => `specedit.${key}` in settings),
  );
}

/**
 * The settings object of a settings file's text (JSON with comments and trailing commas, as VS Code
 * writes it); `section`: the key that holds the settings (a .code-workspace file's "settings").
 * Anything unreadable counts as no settings.
 */
export function parseSettings(text: string, section?: string): object {
  const parsed: unknown = parseJsonc(text, [], { allowTrailingComma: true });
  const settings = section === undefined ? parsed : (parsed as Record<string, unknown> | undefined)?.[section];
  return typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? settings : {};
}

/** What the status bar says while Restricted Mode limits something: a short text, the whole why in the tooltip. */
export interface Restriction {
  text: string;
  tooltip: string;
}

/**
 * `ignored`: from ignoredSettings; `skippedVenv`: the folder's `.venv` server that was not started.
 * Undefined when Restricted Mode changed nothing (the folder sets none of those and ships no server).
 */
export function describeRestriction(ignored: readonly string[], skippedVenv: string | undefined): Restriction | undefined {
  if (ignored.length === 0 && skippedVenv === undefined) {
    return undefined;
  }
  const short = [...ignored, ...(skippedVenv === undefined ? [] : ['.venv'])].join(', ');
  const parts: string[] = [];
  if (ignored.length > 0) {
    parts.push(`ignores its ${ignored.map((key) => `specedit.${key}`).join(', ')}`);
  }
  if (skippedVenv !== undefined) {
    parts.push(`does not start ${skippedVenv}`);
  }
  return {
    text: `Restricted Mode: not using this folder's ${short}`,
    tooltip:
      'SpecEdit in Restricted Mode: this folder is not trusted, so SpecEdit runs no program it names or ships ' +
      `and sends nothing to an address or from a variable it names: it ${parts.join(' and ')}. ` +
      'Your own settings apply. Trust the folder (Workspaces: Manage Workspace Trust, or click here) to use them.',
  };
}
