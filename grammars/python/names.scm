; Identifiers (identifier_at, rename) and prose-bearing strings (rename in docstrings).
(identifier) @identifier
(string) @string
