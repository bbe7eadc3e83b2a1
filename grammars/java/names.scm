[
  (identifier)
  (type_identifier)
] @identifier

(string_literal) @literal
