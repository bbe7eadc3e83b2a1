use std::fmt;

#[derive(Debug)]
pub struct Stack<T> {
    items: Vec<T>,
    limit: usize,
}

#[derive(Debug, PartialEq)]
pub struct Full;

impl<T> Stack<T> {
    pub fn push(&mut self, item: T) -> Result<(), Full> {
        if self.items.len() >= self.limit {
            return Err(Full);
        }
        self.items.push(item)
        Ok(())
    }

    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
}

impl fmt::Display for Full {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "stack is full")
    }
}
