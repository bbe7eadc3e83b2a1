/** Status-bar text for running and finished jobs (from $/progress and specedit/jobDone). */

export interface JobDone {
  uri: string;
  job: number;
  ok: boolean;
  message: string;
  stats?: Record<string, unknown>;
}

export interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

/** The language server process, as the status bar tells it. */
export type ServerState = 'starting' | 'running' | 'failed';

/** Tracks jobs by id and the server's state; `text()` is what the status-bar item shows. */
export class JobStatus {
  private readonly running = new Set<number>();
  /** Jobs whose jobDone came, in case it comes before the command's answer that starts them here. */
  private readonly finished = new Set<number>();
  private lastMessage = '';
  private lastOk = true;
  private progressMessage = '';
  private server: ServerState = 'running';
  private serverMessage = '';
  /** What Restricted Mode limits (trust.ts), said while nothing newer is to be said. */
  private restriction = '';

  /** The server is starting (again), is up, or did not start / stopped (with why). */
  serverState(state: ServerState, message = ''): void {
    this.server = state;
    this.serverMessage = message;
    if (state !== 'running') {
      this.running.clear();
      this.progressMessage = '';
    }
    if (state === 'starting') {
      this.finished.clear(); // a new server numbers its jobs from 1 again
      this.lastMessage = ''; // and the last job's result is old news
      this.lastOk = true;
    }
  }

  /** Restricted Mode limits something (a short text), or nothing (undefined: the folder is trusted). */
  restricted(text: string | undefined): void {
    this.restriction = text ?? '';
  }

  /** The status bar shows the restriction now (so a click should lead to the trust settings). */
  get showsRestriction(): boolean {
    return this.restriction !== '' && !this.busy && this.server === 'running' && this.lastMessage === '';
  }

  started(job: number): void {
    if (this.finished.has(job)) {
      return;
    }
    this.running.add(job);
    this.progressMessage = '';
  }

  progress(value: ProgressValue): void {
    if (value.kind === 'end') {
      this.progressMessage = '';
      return;
    }
    const parts: string[] = [];
    if (value.message) {
      parts.push(value.message);
    }
    if (typeof value.percentage === 'number' && !(value.message ?? '').includes('%')) {
      parts.push(`${Math.round(value.percentage)}%`);
    }
    this.progressMessage = parts.join(', ');
  }

  done(result: JobDone): void {
    this.running.delete(result.job);
    this.finished.add(result.job);
    this.lastOk = result.ok;
    this.lastMessage = result.message;
    if (this.running.size === 0) {
      this.progressMessage = '';
    }
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  text(): string {
    if (this.busy) {
      const detail = this.progressMessage || (this.running.size > 1 ? `${this.running.size} jobs` : 'editing');
      return `$(sync~spin) SpecEdit: ${detail}`;
    }
    if (this.server === 'starting') {
      return '$(sync~spin) SpecEdit: starting the server';
    }
    if (this.server === 'failed') {
      return `$(error) SpecEdit: ${truncate(this.serverMessage || 'the server is not running', 60)}`;
    }
    if (this.showsRestriction) {
      return `$(shield) SpecEdit: ${this.restriction}`;
    }
    if (this.lastMessage === '') {
      return '$(sparkle) SpecEdit';
    }
    return `${this.lastOk ? '$(check)' : '$(error)'} SpecEdit: ${truncate(this.lastMessage, 60)}`;
  }
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
