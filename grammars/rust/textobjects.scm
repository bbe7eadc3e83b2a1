; Structure of Rust source.
(function_item) @function.outer
(function_signature_item) @function.outer
(closure_expression) @function.outer

[
  (struct_item)
  (enum_item)
  (union_item)
  (trait_item)
  (impl_item)
  (mod_item)
] @class.outer

; Statements: items of a file, module or impl, and the statements of a block.
(source_file (_) @statement.outer)
(declaration_list (_) @statement.outer)
(block (_) @statement.outer)

(block) @block.outer
(declaration_list) @block.outer
(field_declaration_list) @block.outer

[
  (line_comment)
  (block_comment)
] @comment

; The name a definition without a name field declares (region units, engine/keep.py): an impl's type, without
; its generic arguments (`impl<C> Debug for Quoted<C>` is Quoted's).
(impl_item type: (type_identifier) @definition.name)
(impl_item type: (generic_type type: (type_identifier) @definition.name))
(impl_item type: (scoped_type_identifier) @definition.name)
(impl_item type: (generic_type type: (scoped_type_identifier) @definition.name))
(impl_item type: (reference_type) @definition.name)
