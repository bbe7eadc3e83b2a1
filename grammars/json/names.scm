; Keys are the names of JSON.
(pair key: (string (string_content) @identifier))

(string) @string
