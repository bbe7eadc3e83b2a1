; Structure of C source (also inherited by cpp).
(function_definition) @function.outer

(struct_specifier body: (_)) @class.outer
(union_specifier body: (_)) @class.outer
(enum_specifier body: (_)) @class.outer

; Statements: top-level items, statements of a compound statement, members of a struct.
(translation_unit (_) @statement.outer)
(compound_statement (_) @statement.outer)
(field_declaration_list (_) @statement.outer)
(case_statement (_) @statement.outer)

(compound_statement) @block.outer
(field_declaration_list) @block.outer

(comment) @comment

; The name a function definition declares: a declarator has no `name` field (syntax definitions, --symbol).
(function_declarator declarator: (identifier) @definition.name)
(function_declarator declarator: (field_identifier) @definition.name)
