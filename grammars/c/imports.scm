; A file's imports (syntax/imports.py): #include lines at the top level.
(translation_unit (preproc_include) @import)
