[
  (tag_name)
  (attribute_name)
] @identifier

; Attribute values hold names (classes, ids): a rename updates whole words in them.
(quoted_attribute_value) @prose
