[
  (identifier)
  (field_identifier)
  (type_identifier)
  (package_identifier)
] @identifier

[
  (interpreted_string_literal)
  (raw_string_literal)
] @literal
