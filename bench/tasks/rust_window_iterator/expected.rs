    /// How many samples took longer than `limit` seconds.
    pub fn slow_count(&self, limit: f64) -> usize {
        self.samples.iter().filter(|s| **s > limit).count()
    }
