; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference. The program is not a scope: what it binds is the file-wide name.
; TypeScript inherits this file, so every pattern here must be possible in its grammar too
; (hence #has-parent? where JavaScript's parameters are bare patterns and TypeScript's are not).

[
  (statement_block)
  (function_declaration)
  (generator_function_declaration)
  (function_expression)
  (generator_function)
  (arrow_function)
  (method_definition)
  (for_statement)
  (for_in_statement)
  (catch_clause)
] @local.scope

; A declared function's own name is bound where it is declared (a function expression's name
; only inside itself).
((function_declaration name: (identifier) @local.definition)
  (#set! definition.scope "parent"))
((generator_function_declaration name: (identifier) @local.definition)
  (#set! definition.scope "parent"))
(function_expression name: (identifier) @local.definition)
(class_declaration name: (_) @local.definition)

; let and const bind in their block; `var` in the whole function, which is left file-wide.
(lexical_declaration (variable_declarator name: (identifier) @local.definition))
((variable_declaration (variable_declarator name: (identifier) @local.definition))
  (#set! definition.scope "file"))
(for_in_statement kind: ["let" "const"] left: (identifier) @local.definition)
((for_in_statement kind: "var" left: (identifier) @local.definition)
  (#set! definition.scope "file"))

; Parameters (TypeScript wraps them: grammars/typescript/locals.scm).
((identifier) @local.definition
  (#has-parent? @local.definition formal_parameters))
(arrow_function parameter: (identifier) @local.definition)
(catch_clause parameter: (identifier) @local.definition)

; Destructuring in a declaration or a parameter (one level deep; not in a plain assignment, which binds nothing).
((object_pattern
  [
    (shorthand_property_identifier_pattern) @local.definition
    (pair_pattern value: (identifier) @local.definition)
    (object_assignment_pattern left: (shorthand_property_identifier_pattern) @local.definition)
    (rest_pattern (identifier) @local.definition)
  ]) @_pattern
  (#has-parent? @_pattern variable_declarator formal_parameters required_parameter optional_parameter))
((array_pattern
  [
    (identifier) @local.definition
    (assignment_pattern left: (identifier) @local.definition)
    (rest_pattern (identifier) @local.definition)
  ]) @_pattern
  (#has-parent? @_pattern variable_declarator formal_parameters required_parameter optional_parameter))
((assignment_pattern left: (identifier) @local.definition) @_pattern
  (#has-parent? @_pattern formal_parameters))
((rest_pattern (identifier) @local.definition) @_pattern
  (#has-parent? @_pattern formal_parameters required_parameter))

(identifier) @local.reference
; `{total}` is both the key and a use of the variable total.
(shorthand_property_identifier) @local.reference
