// Formatting helpers for the dashboard: quantities, dates and table cells.

export type Align = "left" | "right";

export interface Column {
  title: string;
  width: number;
  align: Align;
}

const UNITS = ["", "k", "M", "G"];

export function compactNumber(value: number): string {
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1000 && unit < UNITS.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return scaled.toFixed(digits) + UNITS[unit];
}

export function pad(text: string, width: number, align: Align): string {
  if (text.length >= width) {
    return text.slice(0, width);
  }
  const fill = " ".repeat(width - text.length);
  return align === "left" ? text + fill : fill + text;
}

export function isoDate(date: Date): string {
  const year = date.getUTCFullYear();
  const month = String(date.getUTCMonth() + 1).padStart(2, "0");
  const day = String(date.getUTCDate()).padStart(2, "0");
  return `${year}-${month}-${day}`;
}

export function relativeDays(from: Date, to: Date): string {
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000);
  if (days === 0) {
    return "today";
  }
  if (days === 1) {
    return "tomorrow";
  }
  if (days === -1) {
    return "yesterday";
  }
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

export function renderRow(columns: Column[], cells: string[]): string {
  return columns.map((column, i) => pad(cells[i] ?? "", column.width, column.align)).join(" | ");
}

export function renderTable(columns: Column[], rows: string[][]): string {
  const header = renderRow(columns, columns.map((c) => c.title));
  const rule = columns.map((c) => "-".repeat(c.width)).join("-+-");
  const body = rows.map((row) => renderRow(columns, row));
  return [header, rule, ...body].join("\n");
}
