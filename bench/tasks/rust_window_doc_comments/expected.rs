    /// Adds a sample, dropping the oldest one when the window is full.
    pub fn push(&mut self, value: f64) {
        if self.samples.len() == self.capacity {
            if let Some(oldest) = self.samples.pop_front() {
                self.total -= oldest;
            }
        }
        self.samples.push_back(value);
        self.total += value;
    }

    /// How many samples the window holds now.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the window holds no samples.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The mean of the samples, or None while the window is empty.
    pub fn mean(&self) -> Option<f64> {
        if self.samples.is_empty() {
            return None;
        }
        Some(self.total / self.samples.len() as f64)
    }

    /// The p-th percentile (0 to 100) of the samples, nearest rank, or None
    /// while the window is empty or p is out of range.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.samples.is_empty() || !(0.0..=100.0).contains(&p) {
            return None;
        }
        let mut sorted: Vec<f64> = self.samples.iter().copied().collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
        Some(sorted[rank])
    }
