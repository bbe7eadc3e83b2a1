"""Reading agents' formats: unified diffs however they are written, SEARCH/REPLACE blocks, search/replace lists."""

from __future__ import annotations

import pytest

from lsp_server.errors import EditError
from lsp_server.patches import hunk_from_replace, parse_blocks, parse_diff, parse_replacements

GIT_DIFF = """diff --git a/src/app.py b/src/app.py
index 3b18e51..a9c2f7d 100644
--- a/src/app.py
+++ b/src/app.py
@@ -10,3 +10,3 @@ def main():
 one
-two
+TWO
 three
diff --git a/lib/util.js b/lib/util.js
--- a/lib/util.js\t2024-01-01 10:00:00
+++ b/lib/util.js\t2024-01-02 10:00:00
@@ -1,2 +1,3 @@
 const a = 1;
+const b = 2;
 module.exports = { a };
"""


def test_a_git_diff_of_two_files_gives_each_file_its_hunks_and_line_numbers():
    files = parse_diff(GIT_DIFF)
    assert [f.path for f in files] == ["src/app.py", "lib/util.js"]
    first = files[0].hunks[0]
    assert first.start == 10 and first.old == ["one", "two", "three"] and first.new == ["one", "TWO", "three"]
    assert files[1].hunks[0].ops == [(" ", "const a = 1;"), ("+", "const b = 2;"), (" ", "module.exports = { a };")]


def test_hunks_without_line_numbers_wrong_counts_fences_and_blank_context_lines_without_their_space():
    text = "Here is the fix:\n```diff\n--- a/x.py\n+++ b/x.py\n@@ ... @@\n def f():\n\n-    pass\n+    return 1\n@@ -1,99 +1,1 @@\n x = 1\n-y = 2\n```\n"
    [patch] = parse_diff(text)
    assert [h.start for h in patch.hunks] == [None, 1]
    assert patch.hunks[0].ops == [(" ", "def f():"), (" ", ""), ("-", "    pass"), ("+", "    return 1")]
    assert patch.hunks[1].ops == [(" ", "x = 1"), ("-", "y = 2")]


def test_blank_lines_after_a_hunk_are_spacing_unless_its_counts_need_them():
    [patch] = parse_diff("--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a\n+b\n\n\nSome closing prose.\n")
    assert patch.hunks[0].ops == [("-", "a"), ("+", "b"), (" ", "")]  # the header says 2 old lines
    [patch] = parse_diff("--- a/x.py\n+++ b/x.py\n@@ ... @@\n-a\n+b\n\n")
    assert patch.hunks[0].ops == [("-", "a"), ("+", "b")]


def test_new_and_deleted_files_and_changes_without_an_at_line():
    files = parse_diff("--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,2 @@\n+x = 1\n+y = 2\n"
                       "--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n"
                       "--- a/bare.py\n+++ b/bare.py\n-old\n+new\n")
    assert [(f.path, f.create, f.delete) for f in files] == [("new.py", True, False), ("old.py", False, True),
                                                              ("bare.py", False, False)]
    assert files[0].hunks[0].start == 1 and files[0].hunks[0].new == ["x = 1", "y = 2"]
    assert files[2].hunks[0].ops == [("-", "old"), ("+", "new")] and files[2].hunks[0].start is None


def test_a_diff_without_hunks_is_refused_in_one_sentence():
    with pytest.raises(EditError, match="no hunks"):
        parse_diff("just some text\n")


def test_blocks_take_their_file_from_the_line_before_whatever_its_decoration():
    text = """I'll change two files.

**src/a.py**
```python
<<<<<<< SEARCH
x = 1
=======
x = 2
>>>>>>> REPLACE
```

<<<<<<< SEARCH
y = 1
=======
>>>>>>> REPLACE

`web/b.js`:
```js
<<<<<<< SEARCH
let z = 1;
=======
const z = 1;
>>>>>>> REPLACE
```
"""
    files = parse_blocks(text)
    assert [(f.path, len(f.hunks)) for f in files] == [("src/a.py", 2), ("web/b.js", 1)]
    assert files[0].hunks[0].search == "x = 1\n" and files[0].hunks[0].replace == "x = 2\n"
    assert files[0].hunks[1].replace == ""  # the second block of a.py deletes its line
    assert files[1].hunks[0].ops == [("-", "let z = 1;"), ("+", "const z = 1;")]


@pytest.mark.parametrize("text, message", [
    ("a.py\n<<<<<<< SEARCH\nx\n=======\ny\n", "no '=======' and '>>>>>>> REPLACE'"),
    ("<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n", "names no file"),
    ("nothing here\n", "no SEARCH/REPLACE blocks"),
])
def test_bad_blocks_are_refused_saying_what_is_wrong(text, message):
    with pytest.raises(EditError, match=message):
        parse_blocks(text)


def test_replacements_keep_shared_lines_as_context_and_refuse_other_shapes():
    hunk = hunk_from_replace("a\nb\nc\n", "a\nB\nc\n")
    assert hunk.ops == [(" ", "a"), ("-", "b"), ("+", "B"), (" ", "c")]
    assert [h.search for h in parse_replacements([{"search": "s", "replace": "r"}])] == ["s"]
    for bad in ([], [{"search": "s"}], [{"search": 1, "replace": "r"}], "text"):
        with pytest.raises(EditError):
            parse_replacements(bad)
