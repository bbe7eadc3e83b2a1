; Structure of Ruby source.
(method) @function.outer
(singleton_method) @function.outer
(lambda) @function.outer

[
  (class)
  (module)
  (singleton_class)
] @class.outer

; Statements: children of a program, a body and the branches of conditionals.
(program (_) @statement.outer)
(body_statement (_) @statement.outer)
(then (_) @statement.outer)
(else (_) @statement.outer)
(do (_) @statement.outer)
(block_body (_) @statement.outer)

(body_statement) @block.outer
(do_block) @block.outer
(block) @block.outer

(comment) @comment
