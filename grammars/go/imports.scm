; A file's imports (syntax/imports.py). @header: what stays above them.
(source_file (import_declaration) @import)
(source_file (package_clause) @header)
; @import.group: the parenthesized list a new import joins (language.toml's `import_line` writes one
; outside a group). @import.use: a name new code may use with no import (language.toml's
; `standard_imports`): the package a call, a value or a type is qualified with.
(source_file (import_declaration (import_spec_list) @import.group))
; @import.spec: one imported package (language.toml's `unused_import_is_error`: dropped when an edit
; leaves it unused).
(source_file (import_declaration [(import_spec) @import.spec (import_spec_list (import_spec) @import.spec)]))
(selector_expression operand: (identifier) @import.use)
(qualified_type package: (package_identifier) @import.use)
