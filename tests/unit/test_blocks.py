"""A type's several blocks (a Rust enum and its impls): which one a request is about."""

import pytest

from lsp_server.engine.tasks import build_request, task_from

RS = '''use std::fmt;

/// A reading.
pub enum Reading {
    Missing,
    Celsius(f64),
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.celsius())
    }
}

impl Reading {
    pub fn celsius(&self) -> Option<f64> {
        match self {
            Reading::Celsius(c) => Some(*c),
            _ => None,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Reading::Missing)
    }
}

impl From<f64> for Reading {
    fn from(c: f64) -> Self {
        Reading::Celsius(c)
    }
}
'''


def regions(instruction: str, text: str = RS, path: str = "r.rs") -> list[str]:
    request = build_request(text, task_from(instruction=instruction), path=path)
    return [text[r.start:r.end].splitlines()[0 if not text[r.start:r.end].startswith("///") else 1] for r in request.regions]


@pytest.mark.parametrize("instruction", [
    "Add a fahrenheit method to Reading that converts celsius.",
    "Give Reading a method that says whether the reading is below zero.",
    "Add an is_freezing method to Reading, like is_missing.",
])
def test_a_new_method_goes_in_the_block_that_holds_the_types_methods(instruction):
    assert regions(instruction) == ["impl Reading {"]


@pytest.mark.parametrize("instruction", ["Add a doc comment to Reading saying it is in Celsius.",
                                         "Derive Debug and Clone for Reading."])
def test_what_attaches_above_a_type_goes_on_its_declaration(instruction):
    assert regions(instruction) == ["pub enum Reading {"]


def test_other_requests_about_a_type_keep_all_its_blocks():
    request = build_request(RS, task_from(instruction="Rename the Missing variant of Reading to Unknown."), path="r.rs")
    assert [(r.start, r.end) for r in request.regions] == [(RS.index("/// A reading."), len(RS))]


def test_a_name_given_as_a_model_to_follow_is_not_what_changes():
    # "like is_missing": the request is about celsius alone
    assert regions("Make celsius return None for NaN, like is_missing does for Missing.") == [
        "    pub fn celsius(&self) -> Option<f64> {"]


def test_a_type_of_one_block_is_that_block():
    py = "class Reading:\n    def celsius(self):\n        return 1.0\n\n\ndef other():\n    return 2\n"
    assert regions("Add a fahrenheit method to Reading.", py, "r.py") == ["class Reading:"]
