; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference. The translation unit is not a scope: what it binds is the file-wide name
; (struct fields are field_identifiers, never local). C++ inherits this file.

[
  (function_definition)
  (compound_statement)
  (for_statement)
] @local.scope

; A function's own name is bound where the function is defined.
((function_definition declarator: (function_declarator declarator: (identifier) @local.definition))
  (#set! definition.scope "parent"))
((function_definition
  declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @local.definition)))
  (#set! definition.scope "parent"))

; Declarators name what they declare, however many `*` and `[]` wrap the name.
(parameter_declaration declarator: (identifier) @local.definition)
(declaration declarator: (identifier) @local.definition)
(init_declarator declarator: (identifier) @local.definition)
(pointer_declarator declarator: (identifier) @local.definition)
(array_declarator declarator: (identifier) @local.definition)

(identifier) @local.reference
