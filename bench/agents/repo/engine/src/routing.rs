//! Pick routes through the warehouse grid: aisles, shelves and walking distance.

use std::collections::HashMap;

pub const AISLE_WIDTH: u32 = 3;
pub const SHELF_DEPTH: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot {
    pub aisle: u32,
    pub shelf: u32,
}

impl Slot {
    pub fn parse(code: &str) -> Option<Slot> {
        let (aisle, shelf) = code.split_once('-')?;
        let aisle = aisle.trim_start_matches('A').parse().ok()?;
        let shelf = shelf.trim_start_matches('S').parse().ok()?;
        Some(Slot { aisle, shelf })
    }

    pub fn code(&self) -> String {
        format!("A{}-S{}", self.aisle, self.shelf)
    }
}

pub fn distance(from: Slot, to: Slot) -> u32 {
    let across = from.aisle.abs_diff(to.aisle) * AISLE_WIDTH;
    let along = if from.aisle == to.aisle {
        from.shelf.abs_diff(to.shelf) * SHELF_DEPTH
    } else {
        (from.shelf + to.shelf) * SHELF_DEPTH
    };
    across + along
}

pub fn route(start: Slot, stops: &[Slot]) -> Vec<Slot> {
    let mut left: Vec<Slot> = stops.to_vec();
    let mut here = start;
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let (index, _) = left
            .iter()
            .enumerate()
            .min_by_key(|(_, slot)| distance(here, **slot))
            .unwrap();
        here = left.remove(index);
        out.push(here);
    }
    out
}

pub fn route_length(start: Slot, path: &[Slot]) -> u32 {
    let mut total = 0;
    let mut here = start;
    for slot in path {
        total += distance(here, *slot);
        here = *slot;
    }
    total
}

pub fn group_by_aisle(slots: &[Slot]) -> HashMap<u32, Vec<Slot>> {
    let mut groups: HashMap<u32, Vec<Slot>> = HashMap::new();
    for slot in slots {
        groups.entry(slot.aisle).or_default().push(*slot);
    }
    for group in groups.values_mut() {
        group.sort_by_key(|slot| slot.shelf);
    }
    groups
}
