; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference, @local.member. The source file is not a scope: what it binds is the
; file-wide name (and methods and fields are field_identifiers, never local).

[
  (function_declaration)
  (method_declaration)
  (func_literal)
  (block)
  (for_statement)
  (if_statement)
  (expression_switch_statement)
  (type_switch_statement)
  (expression_case)
  (type_case)
  (default_case)
  (communication_case)
] @local.scope

((function_declaration name: (identifier) @local.definition)
  (#set! definition.scope "parent"))

(parameter_declaration name: (identifier) @local.definition)
(variadic_parameter_declaration name: (identifier) @local.definition)
(short_var_declaration left: (expression_list (identifier) @local.definition))
(var_spec name: (identifier) @local.definition)
(const_spec name: (identifier) @local.definition)
(range_clause left: (expression_list (identifier) @local.definition) ":=")
(receive_statement left: (expression_list (identifier) @local.definition) ":=")
(type_switch_statement alias: (expression_list (identifier) @local.definition))

; `Point{X: 1}`: the key names a field.
(keyed_element key: (literal_element (identifier) @local.member))

(identifier) @local.reference
