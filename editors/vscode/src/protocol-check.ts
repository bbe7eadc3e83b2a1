/**
 * Drives `specedit serve` the way VS Code's language client does, without VS Code:
 * utf-16 positions, versioned workspace edits (a stale version is refused, as VS Code
 * refuses it), didChange with the next version before answering applyEdit.
 * Runs one server command to completion and prints a JSON report on stdout.
 *
 *   node out/protocol-check.js --server PATH --file FILE --command rename \
 *        --line 2 --character 4 --new-name subtotal [--settings JSON] [--timeout 180]
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

import { editArgs, renameArgs, SERVER_COMMANDS } from './commands';
import { initializationOptions } from './settings';
import { JobDone, ProgressValue } from './status';

interface Position {
  line: number;
  character: number;
}
interface TextEdit {
  range: { start: Position; end: Position };
  newText: string;
}

function parseArgs(argv: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    args[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return args;
}

/** UTF-16 offset of an LSP position (JS strings are UTF-16, as VS Code's documents are). */
export function offsetAt(text: string, position: Position): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const lineLength = (lineEnd < 0 ? text.length : lineEnd) - offset;
  return offset + Math.min(position.character, lineLength);
}

/** Applies non-overlapping edits given against the same text, last first. */
export function applyTextEdits(text: string, edits: TextEdit[]): { text: string; applied: TextEdit[] } {
  const ordered = [...edits].sort(
    (a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start) || offsetAt(text, b.range.end) - offsetAt(text, a.range.end),
  );
  let result = text;
  for (const edit of ordered) {
    const start = offsetAt(text, edit.range.start);
    const end = offsetAt(text, edit.range.end);
    result = result.slice(0, start) + edit.newText + result.slice(end);
  }
  return { text: result, applied: ordered };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const file = path.resolve(args.file);
  const uri = pathToFileURL(file).toString();
  const timeoutMs = Number(args.timeout ?? '180') * 1000;
  const settings = JSON.parse(args.settings ?? '{}') as Record<string, unknown>;
  const { options } = initializationOptions((key) => settings[key]);

  const server = spawn(args.server, ['serve'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: path.dirname(file) });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));

  let text = fs.readFileSync(file, 'utf8');
  let version = 1;
  const report = {
    initialText: text,
    finalText: '',
    commandResult: null as unknown,
    jobDone: null as JobDone | null,
    progress: [] as ProgressValue[],
    progressCreated: 0,
    applyEdits: 0,
    plainChanges: 0,
    versionMismatches: [] as string[],
    showMessages: [] as string[],
    executeCommands: [] as string[],
    positionEncoding: null as string | null,
  };

  let resolveDone: (value: JobDone) => void = () => undefined;
  const done = new Promise<JobDone>((resolve) => (resolveDone = resolve));

  connection.onRequest('window/workDoneProgress/create', () => {
    report.progressCreated++;
    return null;
  });
  connection.onNotification('$/progress', (params: { token: unknown; value: ProgressValue }) => {
    report.progress.push(params.value);
  });
  connection.onNotification('window/showMessage', (params: { message: string }) => report.showMessages.push(params.message));
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('textDocument/publishDiagnostics', () => undefined);
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ ...options })));
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('specedit/jobDone', (params: JobDone) => {
    report.jobDone = params;
    resolveDone(params);
  });
  connection.onRequest(
    'workspace/applyEdit',
    async (params: {
      edit: {
        documentChanges?: { textDocument: { uri: string; version: number | null }; edits: TextEdit[] }[];
        changes?: Record<string, TextEdit[]>;
      };
    }) => {
      report.applyEdits++;
      const documentEdits = params.edit.documentChanges ?? [];
      const plain = Object.entries(params.edit.changes ?? {}).map(([u, edits]) => ({ textDocument: { uri: u, version: null }, edits }));
      report.plainChanges += plain.length;
      for (const change of [...documentEdits, ...plain]) {
        if (change.textDocument.uri !== uri) {
          return { applied: false, failureReason: `unknown document ${change.textDocument.uri}` };
        }
        if (change.textDocument.version !== null && change.textDocument.version !== version) {
          const reason = `edit for version ${change.textDocument.version}, document is at ${version}`;
          report.versionMismatches.push(reason);
          return { applied: false, failureReason: reason };
        }
      }
      for (const change of [...documentEdits, ...plain]) {
        const { text: newText, applied } = applyTextEdits(text, change.edits);
        text = newText;
        version++;
        await connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: applied.map((edit) => ({ range: edit.range, text: edit.newText })),
        });
      }
      return { applied: true };
    },
  );
  connection.listen();

  const timer = setTimeout(() => {
    process.stderr.write(`protocol-check: timed out after ${timeoutMs} ms\n`);
    report.finalText = text;
    process.stdout.write(JSON.stringify(report) + '\n');
    server.kill();
    process.exit(2);
  }, timeoutMs);

  const init = (await connection.sendRequest('initialize', {
    processId: process.pid,
    clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
    rootUri: pathToFileURL(path.dirname(file)).toString(),
    workspaceFolders: [{ uri: pathToFileURL(path.dirname(file)).toString(), name: 'ws' }],
    initializationOptions: options,
    capabilities: {
      general: { positionEncodings: ['utf-16'] },
      window: { workDoneProgress: true, showMessage: {} },
      workspace: {
        applyEdit: true,
        workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
        executeCommand: { dynamicRegistration: true },
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        workspaceFolders: true,
      },
      textDocument: {
        synchronization: { dynamicRegistration: true, didSave: true },
        codeAction: {
          dynamicRegistration: true,
          codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] } },
          resolveSupport: { properties: ['edit'] },
          dataSupport: true,
        },
        publishDiagnostics: { relatedInformation: true },
      },
    },
  })) as { capabilities: { positionEncoding?: string; executeCommandProvider?: { commands: string[] } } };
  report.positionEncoding = init.capabilities.positionEncoding ?? 'utf-16';
  report.executeCommands = init.capabilities.executeCommandProvider?.commands ?? [];
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: args.language ?? 'python', version, text },
  });

  const position = { line: Number(args.line ?? '0'), character: Number(args.character ?? '0') };
  const command = args.command ?? 'rename';
  const argument =
    command === 'rename'
      ? renameArgs(uri, position, args['new-name'])
      : editArgs(uri, undefined, args.instruction ?? '');
  report.commandResult = await connection.sendRequest('workspace/executeCommand', {
    command: command === 'rename' ? SERVER_COMMANDS.rename : SERVER_COMMANDS.edit,
    arguments: [argument],
  });

  await done;
  clearTimeout(timer);
  report.finalText = text;
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  process.stdout.write(JSON.stringify(report) + '\n');
  setTimeout(() => server.kill(), 2000).unref();
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`protocol-check: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
