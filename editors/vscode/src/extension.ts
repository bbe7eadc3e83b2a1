/** VS Code glue: starts `specedit serve`, adds the SpecEdit commands, shows job status and what Restricted Mode limits. */
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import {
  cancelArgs,
  editArgs,
  editFromCommentArgs,
  missingInput,
  renameArgs,
  SERVER_COMMANDS,
  validateNewName,
} from './commands';
import { resolveServerCommand, ServerCommand } from './serverPath';
import {
  changedOptions,
  didChangeConfigurationParams,
  initializationOptions,
  SERVER_SETTING_KEYS,
  ServerSettings,
  SettingLookup,
} from './settings';
import { JobDone, JobStatus } from './status';
import { Restriction, settingValue } from './trust';
import { currentRestriction } from './workspaceTrust';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let output: vscode.OutputChannel;
const jobs = new JobStatus();
/** The server settings last sent (initializationOptions or didChangeConfiguration). */
let sentSettings: ServerSettings = {};
/** The folder's .venv server that Restricted Mode did not start (for the status bar's why). */
let skippedVenv: string | undefined;
/** What Restricted Mode limits now; undefined when nothing (or the folder is trusted). */
let restriction: Restriction | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('SpecEdit');
  statusItem = vscode.window.createStatusBarItem('specedit.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'SpecEdit';
  context.subscriptions.push(output, statusItem);
  refreshStatus();
  statusItem.show();

  context.subscriptions.push(
    vscode.commands.registerCommand('specedit.editSelection', aiEdit),
    vscode.commands.registerCommand('specedit.renameSymbol', aiRename),
    vscode.commands.registerCommand('specedit.applyCommentInstruction', applyCommentInstruction),
    vscode.commands.registerCommand('specedit.cancelEdits', cancelEdits),
    vscode.commands.registerCommand('specedit.undoEdit', undoEdit),
    vscode.commands.registerCommand('specedit.restartServer', () => restartClient()),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    // Trusted now: start again with the folder's own server, linters, model and engine.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restartClient(true)),
  );
  await restartClient();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The user's value of `specedit.<key>`; in Restricted Mode the folder's values of restricted keys are ignored. */
function userSetting(): SettingLookup {
  const config = vscode.workspace.getConfiguration('specedit');
  return (key) => settingValue(key, config.inspect(key), vscode.workspace.isTrusted);
}

function resolveServer(): ServerCommand {
  const configured = userSetting()('serverPath');
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  return resolveServerCommand(typeof configured === 'string' ? configured : '', folders, isExecutable, vscode.workspace.isTrusted);
}

/** What a start now would run and send; a restart that changes nothing is skipped. */
function startSignature(): string {
  const { command, args } = resolveServer();
  return JSON.stringify({ command, args, settings: initializationOptions(userSetting()).options });
}

function serverOptions(): ServerOptions {
  const resolved = resolveServer();
  skippedVenv = resolved.skippedVenv;
  // The language client adds --stdio for TransportKind.stdio.
  output.appendLine(`Starting ${resolved.command} ${resolved.args.join(' ')} --stdio`);
  return { command: resolved.command, args: resolved.args, transport: TransportKind.stdio };
}

/** Works out what Restricted Mode limits now; says it in the output once each time it changes. */
function updateRestriction(): void {
  const next = currentRestriction(skippedVenv);
  if (next !== undefined && next.tooltip !== restriction?.tooltip) {
    output.appendLine(next.tooltip);
  }
  restriction = next;
  jobs.restricted(next?.text);
}

function isExecutable(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function serverSettings(): ServerSettings {
  const { options, problems } = initializationOptions(userSetting());
  for (const problem of problems) {
    output.appendLine(problem);
    void vscode.window.showWarningMessage(`SpecEdit: ${problem}`);
  }
  return options;
}

function settingDefault(key: string): unknown {
  return vscode.workspace.getConfiguration('specedit').inspect(key)?.defaultValue;
}

/** What the running client was started with (startSignature), or '' before the first start. */
let startedWith = '';

async function startClient(): Promise<void> {
  startedWith = startSignature();
  sentSettings = serverSettings();
  const options = serverOptions();
  updateRestriction();
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
    initializationOptions: sentSettings,
    outputChannel: output,
    middleware: {
      executeCommand: fillMissingInput,
      handleWorkDoneProgress: (token, params, next) => {
        jobs.progress(params);
        refreshStatus();
        next(token, params);
      },
    },
  };
  const started = new LanguageClient('specedit', 'SpecEdit', options, clientOptions);
  client = started;
  started.onNotification('specedit/jobDone', (result: JobDone) => {
    jobs.done(result);
    refreshStatus();
    if (!result.ok) {
      output.appendLine(`job ${result.job} failed: ${result.message}`);
    }
  });
  started.onDidChangeState((event) => {
    // The language client restarts a crashed server a few times, then gives up (Stopped).
    if (client === started && event.newState === State.Stopped) {
      jobs.serverState('failed', 'the server stopped (see Output: SpecEdit)');
      refreshStatus();
    } else if (client === started && event.newState === State.Starting) {
      jobs.serverState('starting');
      refreshStatus();
    } else if (client === started && event.newState === State.Running) {
      jobs.serverState('running');
      refreshStatus();
    }
  });
  jobs.serverState('starting');
  refreshStatus();
  try {
    await started.start();
  } catch (error) {
    // Activation goes on: the commands, "Restart server" among them, stay available.
    const message = error instanceof Error ? error.message : String(error);
    output.appendLine(`The server did not start: ${message}`);
    if (client === started) {
      jobs.serverState('failed', 'the server did not start (see Output: SpecEdit)');
      refreshStatus();
    }
    void vscode.window.showErrorMessage(`SpecEdit: the server did not start: ${message} (see Output: SpecEdit)`);
    return;
  }
  if (client === started) {
    jobs.serverState('running');
    refreshStatus();
  }
}

/**
 * Restarts run one after another (trust, a changed serverPath and the command can come at once) and
 * queued ones merge. `onlyIfChanged`: skipped when a start now would run and send what the running
 * client was started with (trusting a folder also changes its settings: one restart, not two).
 */
let restarts: Promise<void> = Promise.resolve();
let restartQueued = false;
let restartForced = false;

function restartClient(onlyIfChanged = false): Promise<void> {
  restartForced ||= !onlyIfChanged;
  if (!restartQueued) {
    restartQueued = true;
    restarts = restarts
      .then(() => {
        const forced = restartForced;
        restartQueued = false;
        restartForced = false;
        return forced || client === undefined || startSignature() !== startedWith ? stopThenStartClient() : undefined;
      })
      .catch((error) => output.appendLine(`Restarting the server: ${error instanceof Error ? error.message : String(error)}`));
  }
  return restarts;
}

async function stopThenStartClient(): Promise<void> {
  const old = client;
  client = undefined;
  try {
    await old?.stop();
  } catch (error) {
    output.appendLine(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
  }
  await startClient();
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (event.affectsConfiguration('specedit')) {
    updateRestriction();
    refreshStatus();
  }
  const affectsServer = SERVER_SETTING_KEYS.some((key) => event.affectsConfiguration(`specedit.${key}`));
  if (event.affectsConfiguration('specedit.serverPath') || (affectsServer && !client?.isRunning())) {
    // Another program, or settings that came while the server was (re)starting (as when a folder
    // is trusted): start again if that changes what it runs with.
    await restartClient(true);
    return;
  }
  if (affectsServer && client?.isRunning()) {
    const current = serverSettings();
    const options = changedOptions(sentSettings, current, settingDefault);
    sentSettings = current;
    await client.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(options));
  }
}

function refreshStatus(): void {
  statusItem.text = jobs.text();
  if (jobs.showsRestriction && restriction !== undefined) {
    statusItem.command = 'workbench.trust.manage';
    statusItem.tooltip = restriction.tooltip;
  } else {
    statusItem.command = jobs.busy ? 'specedit.cancelEdits' : 'specedit.editSelection';
    statusItem.tooltip = jobs.busy ? 'SpecEdit: click to cancel the running AI edit' : 'SpecEdit: AI Edit…';
  }
  void vscode.commands.executeCommand('setContext', 'specedit.jobRunning', jobs.busy);
}

/** Sends a server command; a `{job}` answer marks a running job in the status bar. */
async function runServerCommand(command: string, argument: object): Promise<unknown> {
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage('SpecEdit: the server is not running (see the SpecEdit output).');
    return undefined;
  }
  try {
    const result = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] });
    trackJob(result);
    return result;
  } catch (error) {
    void vscode.window.showErrorMessage(`SpecEdit: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

function trackJob(result: unknown): void {
  const job = (result as { job?: unknown } | null)?.job;
  if (typeof job === 'number') {
    jobs.started(job);
    refreshStatus();
  }
}

function lspRange(selection: vscode.Selection) {
  return {
    start: { line: selection.start.line, character: selection.start.character },
    end: { line: selection.end.line, character: selection.end.character },
  };
}

function askInstruction(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'SpecEdit: AI Edit',
    prompt: 'Instruction for the selection (or the enclosing code when nothing is selected)',
    placeHolder: 'e.g. add type hints',
    ignoreFocusOut: true,
  });
}

function askNewName(current: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'SpecEdit: Rename with AI',
    prompt: 'New name (empty: let the model propose one)',
    value: current,
    valueSelection: [0, current.length],
    validateInput: validateNewName,
    ignoreFocusOut: true,
  });
}

async function aiEdit(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const instruction = await askInstruction();
  if (!instruction || instruction.trim() === '') {
    return;
  }
  await runServerCommand(SERVER_COMMANDS.edit, editArgs(editor.document.uri.toString(), lspRange(editor.selection), instruction));
}

async function aiRename(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  const position = editor.selection.active;
  const wordRange = editor.document.getWordRangeAtPosition(position);
  const newName = await askNewName(wordRange ? editor.document.getText(wordRange) : '');
  if (newName === undefined) {
    return;
  }
  await runServerCommand(
    SERVER_COMMANDS.rename,
    renameArgs(editor.document.uri.toString(), { line: position.line, character: position.character }, newName),
  );
}

async function applyCommentInstruction(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  await runServerCommand(
    SERVER_COMMANDS.editFromComment,
    editFromCommentArgs(editor.document.uri.toString(), lspRange(editor.selection)),
  );
}

async function cancelEdits(): Promise<void> {
  await runServerCommand(SERVER_COMMANDS.cancel, cancelArgs());
}

/** The server reverts the document's last AI edit in one applyEdit (one undo step), or says why not. */
async function undoEdit(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return;
  }
  await runServerCommand(SERVER_COMMANDS.undo, { uri: editor.document.uri.toString() });
}

/** Code actions run server commands through here: ask for what only the user can give. */
async function fillMissingInput(
  command: string,
  args: unknown[],
  next: (command: string, args: unknown[]) => vscode.ProviderResult<unknown>,
): Promise<unknown> {
  const missing = missingInput(command, args);
  let filled = args;
  if (missing === 'instruction') {
    const instruction = await askInstruction();
    if (!instruction || instruction.trim() === '') {
      return undefined;
    }
    filled = [{ ...(args[0] as object), instruction: instruction.trim() }];
  } else if (missing === 'newName') {
    const editor = vscode.window.activeTextEditor;
    const wordRange = editor?.document.getWordRangeAtPosition(editor.selection.active);
    const word = editor && wordRange ? editor.document.getText(wordRange) : '';
    const newName = await askNewName(word);
    if (newName === undefined) {
      return undefined;
    }
    filled = newName.trim() ? [{ ...(args[0] as object), newName: newName.trim() }] : args;
  }
  const result = await next(command, filled);
  trackJob(result);
  return result;
}
