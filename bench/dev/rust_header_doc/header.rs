use std::collections::HashMap;

pub struct Headers {
    entries: HashMap<String, String>,
}

impl Headers {
    pub fn new() -> Self {
        Headers { entries: HashMap::new() }
    }

    pub fn parse_line(&mut self, line: &str) -> Result<(), String> {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("no colon in header line {:?}", line))?;
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            return Err("empty header name".to_string());
        }
        self.entries.insert(name, value.trim().to_string());
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.get(&name.to_ascii_lowercase()).map(|v| v.as_str())
    }
}
