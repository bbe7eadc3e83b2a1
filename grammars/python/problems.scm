; Code the grammar accepts but Python rejects (tree-sitter-python recovers from these without an
; ERROR node). @problem.empty: a node that is a problem when it holds no named child; its message
; is the pattern's `message`.

; A body with no statement: `def f():` followed by a line at the same indentation, or a comment alone.
((block) @problem.empty
 (#set! message "expected an indented block"))
