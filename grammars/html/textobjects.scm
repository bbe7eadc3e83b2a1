; Structure of HTML: elements are the statements.
[
  (doctype)
  (element)
  (script_element)
  (style_element)
] @statement.outer

(element) @block.outer

(comment) @comment
