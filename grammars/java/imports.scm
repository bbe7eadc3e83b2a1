; A file's imports (syntax/imports.py). @header: what stays above them.
(program (import_declaration) @import)
(program (package_declaration) @header)
