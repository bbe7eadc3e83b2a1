[
  (tag_name)
  (attribute_name)
] @identifier

(quoted_attribute_value) @string
