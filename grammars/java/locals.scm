; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference, @local.member. Classes are not scopes: fields and methods are members,
; renamed file-wide; only what a method, lambda or block declares is local.

[
  (method_declaration)
  (constructor_declaration)
  (lambda_expression)
  (block)
  (for_statement)
  (enhanced_for_statement)
  (catch_clause)
  (try_with_resources_statement)
] @local.scope

(formal_parameter name: (identifier) @local.definition)
(spread_parameter (variable_declarator name: (identifier) @local.definition))
(local_variable_declaration declarator: (variable_declarator name: (identifier) @local.definition))
(enhanced_for_statement name: (identifier) @local.definition)
(catch_formal_parameter name: (identifier) @local.definition)
(resource name: (identifier) @local.definition)
(lambda_expression parameters: (identifier) @local.definition)
(inferred_parameters (identifier) @local.definition)

; Fields and methods, declared or used through an object (or unqualified, for a method call).
(field_declaration declarator: (variable_declarator name: (identifier) @local.member))
(method_declaration name: (identifier) @local.member)
(constructor_declaration name: (identifier) @local.member)
(field_access field: (identifier) @local.member)
(method_invocation name: (identifier) @local.member)

(identifier) @local.reference
