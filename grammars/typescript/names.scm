; TypeScript additions to javascript/names.scm.
(type_identifier) @identifier
