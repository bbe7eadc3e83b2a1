; A file's imports (syntax/imports.py): where an import a rewritten definition needs goes.
; @import: a top-level import. @header: what stays above the imports (the module's docstring).
(module (import_statement) @import)
(module (import_from_statement) @import)
(module (future_import_statement) @import)
; @import.fixed: an import that binds nothing the code names, never unused (syntax.without_unused_imports).
(module (future_import_statement) @import.fixed)
(module (expression_statement (string)) @header)
; Inside an import (language.toml's `from_import` writes one back): @import.module: the module a
; from-import names; @import.name: one name it imports (with its alias); @import.bound: the name that
; binds in the file. Imports of one module are merged; a name the file never uses is left out.
(import_from_statement module_name: (_) @import.module)
(import_from_statement name: (dotted_name) @import.name @import.bound)
(import_from_statement name: (aliased_import alias: (identifier) @import.bound) @import.name)
(import_statement name: (dotted_name . (identifier) @import.bound) @import.name)
(import_statement name: (aliased_import alias: (identifier) @import.bound) @import.name)
; @import.spec: a module an `import` statement imports (language.toml's `drops_unused_standard_imports`:
; a standard one an edit left unused goes).
(module (import_statement name: (dotted_name) @import.spec))
