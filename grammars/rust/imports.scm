; A file's imports (syntax/imports.py): `use` declarations at the top level.
(source_file (use_declaration) @import)
; @import.use: a name new code may use with no import (language.toml's `standard_imports`): the module
; or type a path starts with (`io::Result`, `HashMap::new`), a type.
(scoped_identifier path: (identifier) @import.use)
(scoped_type_identifier path: (identifier) @import.use)
(type_identifier) @import.use
; @import.method: a method called on a value (language.toml's `trait_methods`: one of a standard trait,
; which must be in scope: `io::stdout().flush()` needs `use std::io::Write;`).
(call_expression function: (field_expression field: (field_identifier) @import.method))
