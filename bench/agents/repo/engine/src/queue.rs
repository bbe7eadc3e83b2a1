//! A priority queue of pick jobs: urgent orders first, then the oldest.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

pub const MAX_JOBS: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub order_id: u64,
    pub priority: u8,
    pub created_at: u64,
    pub lines: Vec<(String, u32)>,
}

impl Ord for Job {
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority
            .cmp(&other.priority)
            .then_with(|| other.created_at.cmp(&self.created_at))
            .then_with(|| other.order_id.cmp(&self.order_id))
    }
}

impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug)]
pub enum QueueError {
    Full,
    Empty,
    Duplicate(u64),
}

#[derive(Default)]
pub struct PickQueue {
    heap: BinaryHeap<Job>,
    picked: u64,
}

impl PickQueue {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, job: Job) -> Result<usize, QueueError> {
        if self.heap.len() >= MAX_JOBS {
            return Err(QueueError::Full);
        }
        if self.heap.iter().any(|j| j.order_id == job.order_id) {
            return Err(QueueError::Duplicate(job.order_id));
        }
        self.heap.push(job);
        Ok(self.heap.len())
    }

    pub fn pop(&mut self) -> Result<Job, QueueError> {
        let job = self.heap.pop().ok_or(QueueError::Empty)?;
        self.picked += 1;
        Ok(job)
    }

    pub fn peek(&self) -> Option<&Job> {
        self.heap.peek()
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub fn picked(&self) -> u64 {
        self.picked
    }

    pub fn units_waiting(&self) -> u64 {
        let mut total = 0u64;
        for job in self.heap.iter() {
            for (_, quantity) in &job.lines {
                total += *quantity as u64;
            }
        }
        total
    }
}
