; Identifiers (identifier_at, rename); string literals (a rename leaves their text alone);
; docstrings (prose: a rename updates whole-word mentions in them, as in comments).
(identifier) @identifier
(string) @literal
(expression_statement (string) @prose)
