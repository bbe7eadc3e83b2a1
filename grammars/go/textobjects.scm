; Structure of Go source.
(function_declaration) @function.outer
(method_declaration) @function.outer
(func_literal) @function.outer

(type_declaration
  (type_spec type: [(struct_type) (interface_type)])) @class.outer

; Statements: top-level declarations and the statements of a block.
(source_file (_) @statement.outer)
(statement_list (_) @statement.outer)
(expression_case (_) @statement.outer)
(default_case (_) @statement.outer)

(block) @block.outer
(field_declaration_list) @block.outer

(comment) @comment

; The name a definition without a name field declares (region units, engine/keep.py).
(type_declaration (type_spec name: (_) @definition.name))
