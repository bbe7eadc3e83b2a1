export interface Diagnostic {
  message: string;
  at: Position;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  "let",
  "const",
  "fn",
  "return",
  "if",
  "else",
  "while",
  "for",
  "in",
  "break",
  "continue",
  "true",
  "false",
  "null",
  "import",
  "export",
  "async",
  "yield",
]);
