//! A sliding window over the latest latency samples of a service, in seconds.

use std::collections::VecDeque;

/// The last `capacity` samples and their running total.
pub struct Window {
    capacity: usize,
    /// The samples are kept oldest first; there are at most `capacity` of them.
    samples: VecDeque<f64>,
    total: f64,
}

impl Window {
    /// An empty window that keeps at most `capacity` samples (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Window { capacity, samples: VecDeque::with_capacity(capacity), total: 0.0 }
    }

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

    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.samples.is_empty() || !(0.0..=100.0).contains(&p) {
            return None;
        }
        let mut sorted: Vec<f64> = self.samples.iter().copied().collect();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
        Some(sorted[rank])
    }

    /// How many samples took longer than `limit` seconds.
    pub fn slow_count(&self, limit: f64) -> usize {
        let mut count = 0;
        for sample in self.samples.iter() {
            if *sample > limit {
                count += 1;
            }
        }
        count
    }

    /// Multiplies every sample by `factor` (1000.0 turns seconds into milliseconds).
    pub fn scale(&mut self, factor: f64) {
        self.samples.iter_mut().for_each(|s| *s *= factor);
        self.total *= factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_samples() {
        let mut w = Window::new(3);
        for v in [1.0, 2.0, 3.0, 4.0] {
            w.push(v);
        }
        assert_eq!(w.len(), 3);
        assert_eq!(w.mean(), Some(3.0));
        assert_eq!(w.percentile(100.0), Some(4.0));
        assert_eq!(w.slow_count(2.5), 2);
    }
}
