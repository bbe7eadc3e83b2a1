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

/** Tracks jobs by id; `text()` is what the status-bar item shows. */
export class JobStatus {
  private readonly running = new Set<number>();
  private lastMessage = '';
  private lastOk = true;
  private progressMessage = '';

  started(job: number): void {
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
