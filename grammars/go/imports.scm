; A file's imports (syntax/imports.py). @header: what stays above them.
(source_file (import_declaration) @import)
(source_file (package_clause) @header)
