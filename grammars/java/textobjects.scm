; Structure of Java source.
(method_declaration) @function.outer
(constructor_declaration) @function.outer
(lambda_expression) @function.outer

[
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (annotation_type_declaration)
] @class.outer

; Statements: top-level declarations, members of a type body, statements of a block.
(program (_) @statement.outer)
(class_body (_) @statement.outer)
(interface_body (_) @statement.outer)
(block (_) @statement.outer)
(constructor_body (_) @statement.outer)

(block) @block.outer
(class_body) @block.outer
(constructor_body) @block.outer

[
  (line_comment)
  (block_comment)
] @comment
