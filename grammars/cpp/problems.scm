; Code the grammar accepts but C++ rejects (tree-sitter-cpp parses statements at file scope, for
; macros' sake). @problem: a node that is always a problem; its message is the pattern's `message`.

; A loop, branch or jump outside any function: at file scope or in a namespace's body.
((translation_unit [(for_statement) (for_range_loop) (while_statement) (do_statement) (if_statement) (switch_statement)
                    (return_statement) (break_statement) (continue_statement) (goto_statement)] @problem)
 (#set! message "a statement outside any function"))
((declaration_list [(for_statement) (for_range_loop) (while_statement) (do_statement) (if_statement) (switch_statement)
                    (return_statement) (break_statement) (continue_statement) (goto_statement)] @problem)
 (#set! message "a statement outside any function"))
