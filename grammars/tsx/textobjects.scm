; TSX additions to typescript/textobjects.scm.
(jsx_element) @block.outer
