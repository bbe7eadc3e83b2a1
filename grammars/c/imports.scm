; A file's imports (syntax/imports.py): #include lines at the top level.
(translation_unit (preproc_include) @import)
; @import.use: a name new code may use with no #include (language.toml's `standard_imports`): a function
; it calls, a type.
(call_expression function: (identifier) @import.use)
(primitive_type) @import.use
