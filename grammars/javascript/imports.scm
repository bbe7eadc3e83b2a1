; A file's imports (syntax/imports.py): where an import a rewritten definition needs goes.
; @import: a top-level import. @header: what stays above the imports ('use strict').
(program (import_statement) @import)
(program (expression_statement (string)) @header)
; Inside an import: @import.name: one name it imports (a default, `* as ns`, one of a `{...}` list with its
; alias); @import.bound: the name that binds in the file; @import.list: the `{...}` list, which goes once
; it has no name left. syntax.without_unused_imports drops the names nothing in the file uses.
(import_clause (identifier) @import.name @import.bound)
(namespace_import (identifier) @import.bound) @import.name
(import_specifier (identifier) @import.bound) @import.name
(named_imports) @import.list
