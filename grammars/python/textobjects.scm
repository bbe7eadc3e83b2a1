; Structure of Python source for chunk boundaries and edit scopes.
; A decorated definition is one unit with its decorators.
(decorated_definition
  definition: (function_definition)) @function.outer
(module (function_definition) @function.outer)
(block (function_definition) @function.outer)
(lambda) @function.outer

(decorated_definition
  definition: (class_definition)) @class.outer
(module (class_definition) @class.outer)
(block (class_definition) @class.outer)

; Statements: every child of a module or a block.
(module (_) @statement.outer)
(block (_) @statement.outer)

(block) @block.outer

(comment) @comment
