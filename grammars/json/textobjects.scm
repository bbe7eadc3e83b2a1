; Structure of JSON: members of objects and arrays are the statements.
(document (_) @statement.outer)
(object (pair) @statement.outer)
(array (_) @statement.outer)

(object) @block.outer
(array) @block.outer

(comment) @comment

; What a JSON file declares: a member's key (where a request's `lint` is set, not where a string mentions it).
(pair key: (string) @definition.name)
