; Annotations as type checkers read them (syntax/annotations.py). First, those whose default is
; None: a type that does not admit None, with a default of None, reads to a type checker as an
; error (PEP 484: no implicit Optional); the type gets
; language.toml's `optional_forms` around it. @optional.type: the annotation; @optional.owner: the
; parameter or assignment, compared with the original's to leave the user's own code as it was;
; @optional.quoted: a forward reference ("Node"), which takes the first form only.
(typed_default_parameter type: (type) @optional.type value: (none)) @optional.owner
(assignment type: (type) @optional.type right: (none)) @optional.owner
(type (string)) @optional.quoted
; A name written as a type, anywhere in an annotation (a type's own parts are types again):
; language.toml's `type_names` says which builtin function's name stands for which type.
(type (identifier) @type.word)
