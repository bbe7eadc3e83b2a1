// Weekly rota for the help desk: who works when, hours per person, clashes.

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export interface Shift {
  worker: string;
  day: Weekday;
  start: number; // hour of the day, 0-24
  end: number;
}

export interface Clash {
  worker: string;
  day: Weekday;
  first: Shift;
  second: Shift;
}

const MAX_HOURS_PER_WEEK = 40;

export function shiftHours(shift: Shift): number {
  return shift.end - shift.start;
}

export function hoursByWorker(shifts) {
  const totals = new Map();
  for (const shift of shifts) {
    totals.set(shift.worker, (totals.get(shift.worker) ?? 0) + shiftHours(shift));
  }
  return totals;
}

export function overworked(shifts, limit = MAX_HOURS_PER_WEEK) {
  const names = [];
  for (const [worker, hours] of hoursByWorker(shifts)) {
    if (hours > limit) {
      names.push(worker);
    }
  }
  return names.sort();
}

export function clashes(shifts: Shift[]): Clash[] {
  const found: Clash[] = [];
  for (let i = 0; i < shifts.length; i++) {
    for (let j = i + 1; j < shifts.length; j++) {
      const a = shifts[i];
      const b = shifts[j];
      if (a.worker === b.worker && a.day === b.day && a.start < b.end && b.start < a.end) {
        found.push({ worker: a.worker, day: a.day, first: a, second: b });
      }
    }
  }
  return found;
}

export function makeShift(worker: string, day: Weekday, start: number, end: number): Shift {
  if (!(start >= 0 && end <= 24 && start < end)) {
    throw new RangeError(`bad hours for ${worker} on ${day}: ${start}-${end}`);
  }
  return { worker: worker.trim(), day, start, end };
}

export function rotaLine(shift: Shift): string {
  return [shift.day.toUpperCase(), String(shift.start).padStart(2, "0") + ":00", String(shift.end).padStart(2, "0") + ":00", shift.worker, shiftHours(shift) + "h"].join(" | ");
}
