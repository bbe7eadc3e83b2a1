; A file's imports (syntax/imports.py): where an import a rewritten definition needs goes.
; @import: a top-level import. @header: what stays above the imports (the module's docstring).
(module (import_statement) @import)
(module (import_from_statement) @import)
(module (future_import_statement) @import)
(module (expression_statement (string)) @header)
