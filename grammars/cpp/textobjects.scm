; C++ additions to c/textobjects.scm.
(lambda_expression) @function.outer
(template_declaration (function_definition)) @function.outer

(class_specifier body: (_)) @class.outer
(template_declaration (class_specifier)) @class.outer

(declaration_list (_) @statement.outer)

(declaration_list) @block.outer
