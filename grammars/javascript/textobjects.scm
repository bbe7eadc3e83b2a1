; Structure of JavaScript source (also inherited by typescript and tsx).
(function_declaration) @function.outer
(generator_function_declaration) @function.outer
(function_expression) @function.outer
(generator_function) @function.outer
(arrow_function) @function.outer
(method_definition) @function.outer

(class_declaration) @class.outer
(class) @class.outer

; Statements: children of a program, a statement block, a class body or a switch case.
(program (_) @statement.outer)
(statement_block (_) @statement.outer)
(class_body (_) @statement.outer)
(switch_case (_) @statement.outer)

(statement_block) @block.outer
(class_body) @block.outer
(object) @block.outer

(comment) @comment
