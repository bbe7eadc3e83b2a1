; Structure of JSON: members of objects and arrays are the statements.
(document (_) @statement.outer)
(object (pair) @statement.outer)
(array (_) @statement.outer)

(object) @block.outer
(array) @block.outer

(comment) @comment
