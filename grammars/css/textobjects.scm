; Structure of CSS: rules and at-rules, and the declarations of a block.
(stylesheet (_) @statement.outer)
(block (_) @statement.outer)

(block) @block.outer

(comment) @comment

; What a stylesheet declares: a custom property or property, a rule's selectors (where a request's
; `--radius` or `.dark` is set, not where `var(--radius)` uses it).
(declaration (property_name) @definition.name)
(rule_set (selectors) @definition.name)
