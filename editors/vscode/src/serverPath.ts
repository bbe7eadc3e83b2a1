/** Chooses the `specedit` executable: the setting, the workspace's .venv (trusted folders only), or PATH. */
import * as path from 'path';

export interface ServerCommand {
  command: string;
  args: string[];
  /** The folder's .venv server that exists but was not started because the folder is not trusted. */
  skippedVenv?: string;
}

/**
 * `configured`: the `specedit.serverPath` setting ('' when unset);
 * `workspaceFolders`: file-system paths of the open folders, first first;
 * `isExecutable`: checks a candidate path (injected so tests need no files);
 * `trusted`: whether the user trusts the workspace (a folder can ship any program as its .venv's);
 * `platform`: process.platform (Windows venvs keep scripts in Scripts\).
 */
export function resolveServerCommand(
  configured: string,
  workspaceFolders: readonly string[],
  isExecutable: (candidate: string) => boolean,
  trusted: boolean,
  platform: string = process.platform,
): ServerCommand {
  const args = ['serve'];
  const trimmed = configured.trim();
  if (trimmed !== '') {
    return { command: trimmed, args };
  }
  const relative = platform === 'win32' ? path.join('.venv', 'Scripts', 'specedit.exe') : path.join('.venv', 'bin', 'specedit');
  for (const folder of workspaceFolders) {
    const candidate = path.join(folder, relative);
    if (isExecutable(candidate)) {
      return trusted ? { command: candidate, args } : { command: 'specedit', args, skippedVenv: candidate };
    }
  }
  return { command: 'specedit', args };
}
