[
  (identifier)
  (field_identifier)
  (type_identifier)
  (shorthand_field_identifier)
] @identifier

[
  (string_literal)
  (raw_string_literal)
] @literal
