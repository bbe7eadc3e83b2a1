import fs from "fs";

// ai: use template literals
class Greeter {
  constructor(name) {
    this.name = name;
  }

  shout(text) {
    return text.toUpperCase();
  }
}

function greet(name) {
  const message = "Hello, " + name;
  if (name) {
    console.log(message);
  }
  return message;
}

const arrow = (a) => a + 1;
let x = 1; let y = 2;
