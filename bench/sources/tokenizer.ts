// A hand-written tokenizer for a small expression and statement language.
// It produces a flat array of tokens with line/column information and keeps
// going after errors so that editors can still highlight the rest of a file.

export type TokenKind =
  | "identifier"
  | "keyword"
  | "number"
  | "string"
  | "template"
  | "operator"
  | "punctuation"
  | "comment"
  | "newline"
  | "eof"
  | "error";

export interface Position {
  offset: number;
  line: number;
  column: number;
}

export interface Token {
  kind: TokenKind;
  text: string;
  start: Position;
  end: Position;
  value?: string | number;
}

export interface TokenizerOptions {
  keepComments: boolean;
  keepNewlines: boolean;
  tabWidth: number;
}

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
]);

const OPERATORS: readonly string[] = [
  "===",
  "!==",
  "**=",
  "...",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "=>",
  "+=",
  "-=",
  "*=",
  "/=",
  "**",
  "+",
  "-",
  "*",
  "/",
  "%",
  "=",
  "<",
  ">",
  "!",
  "?",
  ".",
];

const PUNCTUATION = "(){}[],;:";

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  '"': '"',
  "'": "'",
  "`": "`",
};

const DEFAULT_OPTIONS: TokenizerOptions = {
  keepComments: false,
  keepNewlines: false,
  tabWidth: 4,
};

const MAX_TOKEN_LENGTH = 4096;

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

function isHexDigit(ch: string): boolean {
  return isDigit(ch) || (ch >= "a" && ch <= "f") || (ch >= "A" && ch <= "F");
}

function isIdentStart(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_" || ch === "$";
}

function isIdentPart(ch: string): boolean {
  return isIdentStart(ch) || isDigit(ch);
}

export class Tokenizer {
  private readonly source: string;
  private readonly options: TokenizerOptions;
  private pos = 0;
  private line = 1;
  private column = 1;
  readonly diagnostics: Diagnostic[] = [];

  constructor(source: string, options: Partial<TokenizerOptions> = {}) {
    this.source = source;
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  tokenize(): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === "comment" && !this.options.keepComments) {
        continue;
      }
      if (token.kind === "newline" && !this.options.keepNewlines) {
        continue;
      }
      tokens.push(token);
      if (token.kind === "eof") {
        return tokens;
      }
    }
  }

  private position(): Position {
    return { offset: this.pos, line: this.line, column: this.column };
  }

  private peek(ahead = 0): string {
    return this.source.charAt(this.pos + ahead);
  }

  private advance(): string {
    const ch = this.source.charAt(this.pos);
    this.pos += 1;
    if (ch === "\n") {
      this.line += 1;
      this.column = 1;
    } else if (ch === "\t") {
      this.column += this.options.tabWidth - ((this.column - 1) % this.options.tabWidth);
    } else {
      this.column += 1;
    }
    return ch;
  }

  private make(kind: TokenKind, start: Position, value?: string | number): Token {
    const text = this.source.slice(start.offset, this.pos);
    return { kind, text, start, end: this.position(), value };
  }

  private error(message: string, start: Position): Token {
    this.diagnostics.push({ message, at: start });
    return this.make("error", start);
  }

  private skipSpaces(): void {
    while (this.pos < this.source.length) {
      const ch = this.peek();
      if (ch === " " || ch === "\t" || ch === "\r") {
        this.advance();
      } else {
        break;
      }
    }
  }

  next(): Token {
    this.skipSpaces();
    const start = this.position();
    if (this.pos >= this.source.length) {
      return this.make("eof", start);
    }
    const ch = this.peek();
    if (ch === "\n") {
      this.advance();
      return this.make("newline", start);
    }
    if (ch === "/" && this.peek(1) === "/") {
      return this.lineComment(start);
    }
    if (ch === "/" && this.peek(1) === "*") {
      return this.blockComment(start);
    }
    if (isDigit(ch) || (ch === "." && isDigit(this.peek(1)))) {
      return this.number(start);
    }
    if (isIdentStart(ch)) {
      return this.identifier(start);
    }
    if (ch === '"' || ch === "'") {
      return this.string(start, ch);
    }
    if (ch === "`") {
      return this.template(start);
    }
    if (PUNCTUATION.includes(ch)) {
      this.advance();
      return this.make("punctuation", start);
    }
    for (const op of OPERATORS) {
      if (this.source.startsWith(op, this.pos)) {
        for (let i = 0; i < op.length; i++) {
          this.advance();
        }
        return this.make("operator", start);
      }
    }
    this.advance();
    return this.error(`unexpected character ${JSON.stringify(ch)}`, start);
  }

  private lineComment(start: Position): Token {
    while (this.pos < this.source.length && this.peek() !== "\n") {
      this.advance();
    }
    return this.make("comment", start);
  }

  private blockComment(start: Position): Token {
    this.advance();
    this.advance();
    let depth = 1;
    while (this.pos < this.source.length) {
      if (this.peek() === "/" && this.peek(1) === "*") {
        this.advance();
        this.advance();
        depth += 1;
      } else if (this.peek() === "*" && this.peek(1) === "/") {
        this.advance();
        this.advance();
        depth -= 1;
        if (depth === 0) {
          return this.make("comment", start);
        }
      } else {
        this.advance();
      }
    }
    return this.error("unterminated block comment", start);
  }

  private number(start: Position): Token {
    if (this.peek() === "0" && (this.peek(1) === "x" || this.peek(1) === "X")) {
      this.advance();
      this.advance();
      let digits = "";
      while (isHexDigit(this.peek()) || this.peek() === "_") {
        const ch = this.advance();
        if (ch !== "_") {
          digits += ch;
        }
      }
      if (digits === "") {
        return this.error("hexadecimal literal has no digits", start);
      }
      return this.make("number", start, parseInt(digits, 16));
    }
    let text = "";
    let seenDot = false;
    let seenExp = false;
    for (;;) {
      const ch = this.peek();
      if (isDigit(ch)) {
        text += this.advance();
      } else if (ch === "_" && isDigit(this.peek(1))) {
        this.advance();
      } else if (ch === "." && !seenDot && !seenExp && isDigit(this.peek(1))) {
        seenDot = true;
        text += this.advance();
      } else if ((ch === "e" || ch === "E") && !seenExp) {
        seenExp = true;
        text += this.advance();
        if (this.peek() === "+" || this.peek() === "-") {
          text += this.advance();
        }
        if (!isDigit(this.peek())) {
          return this.error("exponent has no digits", start);
        }
      } else {
        break;
      }
    }
    if (isIdentStart(this.peek())) {
      while (isIdentPart(this.peek())) {
        this.advance();
      }
      return this.error("identifier directly after number", start);
    }
    return this.make("number", start, Number(text));
  }

  private identifier(start: Position): Token {
    while (isIdentPart(this.peek())) {
      this.advance();
    }
    const text = this.source.slice(start.offset, this.pos);
    if (text.length > MAX_TOKEN_LENGTH) {
      return this.error("identifier is too long", start);
    }
    const kind: TokenKind = KEYWORDS.has(text) ? "keyword" : "identifier";
    return this.make(kind, start, text);
  }

  private escape(start: Position): string | null {
    this.advance();
    const ch = this.peek();
    if (ch === "u") {
      this.advance();
      let hex = "";
      for (let i = 0; i < 4; i++) {
        if (!isHexDigit(this.peek())) {
          this.diagnostics.push({ message: "invalid unicode escape", at: start });
          return null;
        }
        hex += this.advance();
      }
      return String.fromCharCode(parseInt(hex, 16));
    }
    const mapped = ESCAPES[ch];
    if (mapped === undefined) {
      this.diagnostics.push({ message: `unknown escape \\${ch}`, at: this.position() });
      this.advance();
      return ch;
    }
    this.advance();
    return mapped;
  }

  private string(start: Position, quote: string): Token {
    this.advance();
    let value = "";
    while (this.pos < this.source.length) {
      const ch = this.peek();
      if (ch === quote) {
        this.advance();
        return this.make("string", start, value);
      }
      if (ch === "\n") {
        break;
      }
      if (ch === "\\") {
        const decoded = this.escape(start);
        if (decoded !== null) {
          value += decoded;
        }
        continue;
      }
      value += this.advance();
      if (value.length > MAX_TOKEN_LENGTH) {
        return this.error("string literal is too long", start);
      }
    }
    return this.error("unterminated string literal", start);
  }

  private template(start: Position): Token {
    this.advance();
    let value = "";
    let depth = 0;
    while (this.pos < this.source.length) {
      const ch = this.peek();
      if (ch === "`" && depth === 0) {
        this.advance();
        return this.make("template", start, value);
      }
      if (ch === "$" && this.peek(1) === "{") {
        depth += 1;
        value += this.advance();
        value += this.advance();
        continue;
      }
      if (ch === "}" && depth > 0) {
        depth -= 1;
      }
      if (ch === "\\") {
        const decoded = this.escape(start);
        if (decoded !== null) {
          value += decoded;
        }
        continue;
      }
      value += this.advance();
    }
    return this.error("unterminated template literal", start);
  }
}

export function tokenize(source: string, options: Partial<TokenizerOptions> = {}): Token[] {
  return new Tokenizer(source, options).tokenize();
}

export function formatToken(token: Token): string {
  const where = `${token.start.line}:${token.start.column}`;
  const shown = token.text.length > 20 ? `${token.text.slice(0, 17)}...` : token.text;
  return `${where.padEnd(8)} ${token.kind.padEnd(12)} ${JSON.stringify(shown)}`;
}
