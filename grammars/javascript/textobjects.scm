; Structure of JavaScript source (also inherited by typescript and tsx).
(function_declaration) @function.outer
(generator_function_declaration) @function.outer
(function_expression) @function.outer
(generator_function) @function.outer
(arrow_function) @function.outer
(method_definition) @function.outer

; A function bound to a name is a definition by that name: `const add = (a, b) => ...`,
; `Cart.prototype.total = function () {...}`, `exports.parse = ...`, `{ parse: function () {...} }`.
(lexical_declaration
  (variable_declarator
    name: (identifier) @definition.name
    value: [(function_expression) (generator_function) (arrow_function)])) @function.outer
(variable_declaration
  (variable_declarator
    name: (identifier) @definition.name
    value: [(function_expression) (generator_function) (arrow_function)])) @function.outer
(expression_statement
  (assignment_expression
    left: [(identifier) @definition.name
           (member_expression property: (property_identifier) @definition.name)]
    right: [(function_expression) (generator_function) (arrow_function)])) @function.outer
; A method set on a constructor's prototype also belongs to the constructor: `Cart.prototype.total = ...`
; is part of Cart's definition too (an edit of Cart, "Convert Cart to a class", takes it along).
(expression_statement
  (assignment_expression
    left: (member_expression
      object: (member_expression
        object: (identifier) @definition.owner
        property: (property_identifier) @_prototype)
      property: (property_identifier))
    right: [(function_expression) (generator_function) (arrow_function)])
  (#eq? @_prototype "prototype")) @function.outer
(pair
  key: (property_identifier) @definition.name
  value: [(function_expression) (generator_function) (arrow_function)]) @function.outer

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
