; A file's imports (syntax/imports.py): where an import a rewritten definition needs goes.
; @import: a top-level import. @header: what stays above the imports ('use strict').
(program (import_statement) @import)
(program (expression_statement (string)) @header)
