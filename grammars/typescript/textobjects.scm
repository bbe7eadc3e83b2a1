; TypeScript additions to javascript/textobjects.scm.
(function_signature) @function.outer
(method_signature) @function.outer
(abstract_method_signature) @function.outer

(abstract_class_declaration) @class.outer
(interface_declaration) @class.outer
(enum_declaration) @class.outer
(module) @class.outer
(internal_module) @class.outer

(interface_body (_) @statement.outer)
(enum_body (_) @statement.outer)

(interface_body) @block.outer
