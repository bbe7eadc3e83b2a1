; Structure of CSS: rules and at-rules, and the declarations of a block.
(stylesheet (_) @statement.outer)
(block (_) @statement.outer)

(block) @block.outer

(comment) @comment
