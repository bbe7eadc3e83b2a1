; C++ additions to c/names.scm.
(namespace_identifier) @identifier

(raw_string_literal) @literal
