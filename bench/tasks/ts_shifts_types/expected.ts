export function hoursByWorker(shifts: Shift[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const shift of shifts) {
    totals.set(shift.worker, (totals.get(shift.worker) ?? 0) + shiftHours(shift));
  }
  return totals;
}

export function overworked(shifts: Shift[], limit: number = MAX_HOURS_PER_WEEK): string[] {
  const names: string[] = [];
  for (const [worker, hours] of hoursByWorker(shifts)) {
    if (hours > limit) {
      names.push(worker);
    }
  }
  return names.sort();
}
