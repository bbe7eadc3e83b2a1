export interface Job {
  id: string;
  attempts: number;
}

/** Retries a job until it succeeds; a job that fails five times is dropped. */
export async function retry(job: Job, run: (job: Job) => Promise<void>): Promise<boolean> {
  while (job.attempts < 5) {
    job.attempts += 1;
    try {
      await run(job);
      return true;
    } catch {
      // try again
    }
  }
  return false;
}
