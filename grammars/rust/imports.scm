; A file's imports (syntax/imports.py): `use` declarations at the top level.
(source_file (use_declaration) @import)
