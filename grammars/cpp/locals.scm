; Added to grammars/c/locals.scm (inherited): lambdas and range loops are scopes; references and
; range-loop variables are declared; `Cart::total` names a member, never a local.
[
  (lambda_expression)
  (for_range_loop)
] @local.scope

(reference_declarator (identifier) @local.definition)
(for_range_loop declarator: (identifier) @local.definition)
(qualified_identifier name: (identifier) @local.member)
