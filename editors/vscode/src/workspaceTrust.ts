/** What Restricted Mode limits in the open workspace, read through VS Code's API and the folder's settings files. */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

import { describeRestriction, ignoredSettings, parseSettings, Restriction } from './trust';

function readSettings(file: string, section?: string): object {
  try {
    return parseSettings(fs.readFileSync(file, 'utf8'), section);
  } catch {
    return {}; // no settings file: nothing set there
  }
}

/** The settings files of the open folders and of the workspace file, parsed (VS Code hides their restricted values). */
function workspaceSettingsFiles(): object[] {
  const found = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === 'file')
    .map((folder) => readSettings(path.join(folder.uri.fsPath, '.vscode', 'settings.json')));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile?.scheme === 'file') {
    found.push(readSettings(workspaceFile.fsPath, 'settings'));
  }
  return found;
}

/** What Restricted Mode limits now; undefined when the workspace is trusted or nothing is limited. */
export function currentRestriction(skippedVenv: string | undefined): Restriction | undefined {
  if (vscode.workspace.isTrusted) {
    return undefined;
  }
  const config = vscode.workspace.getConfiguration('specedit');
  return describeRestriction(ignoredSettings((key) => config.inspect(key), false, workspaceSettingsFiles()), skippedVenv);
}
