import React from "react";

// ai: add a prop type
type Props = { name: string };

function greet(name: string): string {
  const message = "Hello, " + name;
  return message;
}

export function Hello({ name }: Props) {
  return <div className="hello">{greet(name)}</div>;
}

class Box extends React.Component<Props> {
  render() {
    return <span>{this.props.name}</span>;
  }
}
let x = 1; let y = 2;
