; Code the grammar accepts but C rejects (tree-sitter-c parses statements at file scope, for macros'
; sake). @problem: a node that is always a problem; its message is the pattern's `message`.

; A loop, branch or jump outside any function.
((translation_unit [(for_statement) (while_statement) (do_statement) (if_statement) (switch_statement)
                    (return_statement) (break_statement) (continue_statement) (goto_statement)] @problem)
 (#set! message "a statement outside any function"))
