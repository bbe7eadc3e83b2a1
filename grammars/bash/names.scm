(variable_name) @identifier
(function_definition name: (word) @identifier)
(command_name (word) @identifier)

[
  (string)
  (raw_string)
  (heredoc_body)
] @literal
