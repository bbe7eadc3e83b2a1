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
    let numberText = "";
    let seenDot = false;
    let seenExp = false;
    for (;;) {
      const ch = this.peek();
      if (isDigit(ch)) {
        numberText += this.advance();
      } else if (ch === "_" && isDigit(this.peek(1))) {
        this.advance();
      } else if (ch === "." && !seenDot && !seenExp && isDigit(this.peek(1))) {
        seenDot = true;
        numberText += this.advance();
      } else if ((ch === "e" || ch === "E") && !seenExp) {
        seenExp = true;
        numberText += this.advance();
        if (this.peek() === "+" || this.peek() === "-") {
          numberText += this.advance();
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
    return this.make("number", start, Number(numberText));
  }
