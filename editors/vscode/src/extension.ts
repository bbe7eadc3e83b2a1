/** VS Code glue: starts `specedit serve`, adds the SpecEdit commands, shows job status. */
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
import { resolveServerCommand } from './serverPath';
import {
  changedOptions,
  didChangeConfigurationParams,
  initializationOptions,
  SERVER_SETTING_KEYS,
  ServerSettings,
  SettingLookup,
} from './settings';
import { JobDone, JobStatus } from './status';

let client: LanguageClient | undefined;
let statusItem: vscode.StatusBarItem;
let output: vscode.OutputChannel;
const jobs = new JobStatus();
/** The server settings last sent (initializationOptions or didChangeConfiguration). */
let sentSettings: ServerSettings = {};

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
    vscode.commands.registerCommand('specedit.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function userSetting(): SettingLookup {
  const config = vscode.workspace.getConfiguration('specedit');
  return (key) => {
    const inspected = config.inspect(key);
    return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  };
}

function serverOptions(): ServerOptions {
  const configured = vscode.workspace.getConfiguration('specedit').get<string>('serverPath', '');
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const { command, args } = resolveServerCommand(configured, folders, isExecutable);
  // The language client adds --stdio for TransportKind.stdio.
  output.appendLine(`Starting ${command} ${args.join(' ')} --stdio`);
  return { command, args, transport: TransportKind.stdio };
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

async function startClient(): Promise<void> {
  sentSettings = serverSettings();
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
  const started = new LanguageClient('specedit', 'SpecEdit', serverOptions(), clientOptions);
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

async function restartClient(): Promise<void> {
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
  if (event.affectsConfiguration('specedit.serverPath')) {
    await restartClient();
    return;
  }
  if (client?.isRunning() && SERVER_SETTING_KEYS.some((key) => event.affectsConfiguration(`specedit.${key}`))) {
    const current = serverSettings();
    const options = changedOptions(sentSettings, current, settingDefault);
    sentSettings = current;
    await client.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(options));
  }
}

function refreshStatus(): void {
  statusItem.text = jobs.text();
  statusItem.command = jobs.busy ? 'specedit.cancelEdits' : 'specedit.editSelection';
  statusItem.tooltip = jobs.busy ? 'SpecEdit: click to cancel the running AI edit' : 'SpecEdit: AI Edit…';
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
