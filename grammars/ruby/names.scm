[
  (identifier)
  (constant)
  (instance_variable)
  (class_variable)
  (global_variable)
  (simple_symbol)
] @identifier

[
  (string)
  (heredoc_body)
] @literal
