; Added to grammars/javascript/locals.scm (inherited): TypeScript's parameters are
; required_parameter / optional_parameter nodes whose `pattern` is the name.
(required_parameter pattern: (identifier) @local.definition)
(optional_parameter pattern: (identifier) @local.definition)
