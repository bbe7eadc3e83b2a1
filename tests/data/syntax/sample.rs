use std::fmt;

// ai: derive Debug
struct Greeter {
    name: String,
}

impl Greeter {
    fn shout(&self, text: &str) -> String {
        text.to_uppercase()
    }
}

fn greet(name: &str) -> String {
    let message = format!("Hello, {}", name);
    if !name.is_empty() {
        println!("{}", message);
    }
    message
}

const X: i32 = 1; const Y: i32 = 2;
