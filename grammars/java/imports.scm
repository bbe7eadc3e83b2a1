; A file's imports (syntax/imports.py). @header: what stays above them.
(program (import_declaration) @import)
(program (package_declaration) @header)
; @import.use: a name new code may use with no import (language.toml's `standard_imports`): a type, the
; class a static call or field is taken from (`Arrays.asList`).
(type_identifier) @import.use
(method_invocation object: (identifier) @import.use)
(field_access object: (identifier) @import.use)
