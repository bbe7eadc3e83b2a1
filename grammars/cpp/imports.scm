; C++ additions to c/imports.scm. @import.use: a standard name new code uses qualified (`std::vector<T>`,
; `std::sort`, `std::chrono::seconds`): syntax/imports.py looks it up in language.toml's `standard_imports`
; without its template arguments, then without its last `::` parts (`std::chrono`).
((qualified_identifier scope: (namespace_identifier) @_scope) @import.use
  (#eq? @_scope "std"))
