; Keys are the names of JSON.
(pair key: (string (string_content) @identifier))

; String values may name keys: a rename updates whole words in them.
(string) @prose
