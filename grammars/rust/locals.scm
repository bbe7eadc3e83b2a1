; Bindings, for a rename at the cursor (syntax/locals.py): @local.scope, @local.definition,
; @local.reference. The crate's file is not a scope: what it binds is the file-wide name
; (fields and methods called with a receiver are field_identifiers, never local).

[
  (function_item)
  (closure_expression)
  (block)
  (for_expression)
  (if_expression)
  (while_expression)
  (match_arm)
] @local.scope

; A function's own name is bound where it is defined (a method's: in no scope, so file-wide).
((function_item name: (identifier) @local.definition)
  (#set! definition.scope "parent"))
(const_item name: (identifier) @local.definition)
(static_item name: (identifier) @local.definition)

(parameter pattern: (identifier) @local.definition)
(closure_parameters (identifier) @local.definition)
(let_declaration pattern: (identifier) @local.definition)
(for_expression pattern: (identifier) @local.definition)
(let_condition pattern: (identifier) @local.definition)

; Inside patterns (these node kinds occur in patterns only, wherever the pattern is).
(tuple_pattern (identifier) @local.definition)
(slice_pattern (identifier) @local.definition)
(tuple_struct_pattern type: (_) (identifier) @local.definition)
(field_pattern name: (shorthand_field_identifier) @local.definition)
(field_pattern pattern: (identifier) @local.definition)
(captured_pattern . (identifier) @local.definition)
(ref_pattern (identifier) @local.definition)
(mut_pattern (identifier) @local.definition)
; A bare name in a match arm binds unless it is a constant or a variant (capitalized, by convention).
((match_pattern (identifier) @local.definition)
  (#match? @local.definition "^[a-z_]"))

(identifier) @local.reference
; `Point { x, y }` is both the field and a use of the variable x.
(shorthand_field_initializer (identifier) @local.reference)
