; C++ additions to c/textobjects.scm.
(lambda_expression) @function.outer
(template_declaration (function_definition)) @function.outer

(class_specifier body: (_)) @class.outer
(template_declaration (class_specifier)) @class.outer

(declaration_list (_) @statement.outer)

(declaration_list) @block.outer

; A method defined outside its class (`Stack::push`, `a::B::f`), an operator, a destructor.
(function_declarator declarator: (qualified_identifier name: [(identifier) (field_identifier) (destructor_name) (operator_name)] @definition.name))
(function_declarator declarator: (qualified_identifier name: (qualified_identifier name: [(identifier) (destructor_name) (operator_name)] @definition.name)))
(function_declarator declarator: [(destructor_name) (operator_name)] @definition.name)
