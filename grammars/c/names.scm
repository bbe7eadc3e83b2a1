[
  (identifier)
  (field_identifier)
  (type_identifier)
] @identifier

[
  (string_literal)
  (char_literal)
] @literal
