export function rotaLine(shift: Shift): string {
  return [
    shift.day.toUpperCase(),
    String(shift.start).padStart(2, "0") + ":00",
    String(shift.end).padStart(2, "0") + ":00",
    shift.worker,
    shiftHours(shift) + "h",
  ].join(" | ");
}
