/// Conversions between temperature scales.
pub struct Celsius(pub f64);

pub struct Fahrenheit(pub f64);

impl Celsius {
    pub fn to_fahrenheit(&self) -> Fahrenheit {
        Fahrenheit(self.0 * 9.0 / 5.0 + 32.0)
    }

    pub fn is_freezing(&self) -> bool {
        self.0 <= 0.0
    }
}

impl Fahrenheit {
    pub fn to_celsius(&self) -> Celsius {
        Celsius((self.0 - 32.0) * 5.0 / 9.0)
    }
}

pub fn average(values: &[Celsius]) -> Celsius {
    let mut sum = 0.0;
    for v in values {
        sum += v.0;
    }
    Celsius(sum / values.len() as f64)
}
