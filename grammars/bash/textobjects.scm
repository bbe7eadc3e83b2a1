; Structure of shell scripts.
(function_definition) @function.outer

; Statements: commands of a script, a { } group, a do/done group and the branches of if/case.
(program (_) @statement.outer)
(compound_statement (_) @statement.outer)
(subshell (_) @statement.outer)
(do_group (_) @statement.outer)
(if_statement (_) @statement.outer)
(elif_clause (_) @statement.outer)
(else_clause (_) @statement.outer)
(case_item (_) @statement.outer)

(compound_statement) @block.outer
(do_group) @block.outer

(comment) @comment
