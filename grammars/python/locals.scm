; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference, @local.member. The module is not a scope: what it binds is the file-wide name.

; Python scopes are functions, lambdas and comprehensions (a class body is not: its names are members).
[
  (function_definition)
  (lambda)
  (list_comprehension)
  (set_comprehension)
  (dictionary_comprehension)
  (generator_expression)
] @local.scope

; A function's own name is bound where the function is defined.
((function_definition name: (identifier) @local.definition)
  (#set! definition.scope "parent"))
(class_definition name: (identifier) @local.definition)

; Parameters.
(parameters (identifier) @local.definition)
(lambda_parameters (identifier) @local.definition)
(default_parameter name: (identifier) @local.definition)
(typed_parameter (identifier) @local.definition)
(typed_default_parameter name: (identifier) @local.definition)
(list_splat_pattern (identifier) @local.definition)
(dictionary_splat_pattern (identifier) @local.definition)

; Assignment targets (an augmented assignment binds too: `x += 1` makes x local).
(assignment left: (identifier) @local.definition)
(augmented_assignment left: (identifier) @local.definition)
(pattern_list (identifier) @local.definition)
(tuple_pattern (identifier) @local.definition)
(list_pattern (identifier) @local.definition)
(for_statement left: (identifier) @local.definition)
(for_in_clause left: (identifier) @local.definition)
(named_expression name: (identifier) @local.definition)
(as_pattern_target (identifier) @local.definition)
(as_pattern_target (tuple (identifier) @local.definition))
(import_statement name: (dotted_name . (identifier) @local.definition))
(import_from_statement name: (dotted_name (identifier) @local.definition))
(aliased_import alias: (identifier) @local.definition)

; `global x` / `nonlocal x`: x is not local to this function.
((global_statement (identifier) @local.definition)
  (#set! definition.scope "file"))
((nonlocal_statement (identifier) @local.definition)
  (#set! definition.scope "file"))

; Names that are never local variables: attributes, methods and class attributes, keyword names.
(attribute attribute: (identifier) @local.member)
(keyword_argument name: (identifier) @local.member)
(keyword_pattern . (identifier) @local.member)
(class_definition
  body: (block
    [
      (function_definition name: (identifier) @local.member)
      (decorated_definition definition: (function_definition name: (identifier) @local.member))
      (expression_statement (assignment left: (identifier) @local.member))
    ]))

(identifier) @local.reference
