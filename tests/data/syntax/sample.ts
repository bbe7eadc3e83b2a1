import * as fs from "fs";

// ai: make it generic
interface Named {
  name: string;
}

class Greeter implements Named {
  constructor(public name: string) {}

  shout(text: string): string {
    return text.toUpperCase();
  }
}

function greet(name: string): string {
  const message: string = "Hello, " + name;
  if (name) {
    console.log(message);
  }
  return message;
}

type Alias = { a: number };
let x = 1; let y = 2;
