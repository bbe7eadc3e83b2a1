[
  (class_name)
  (id_name)
  (tag_name)
  (property_name)
  (feature_name)
  (plain_value)
] @identifier

(string_value) @literal
